package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * fDBD, fast decision-boundary distance (Liu &amp; Qin 2024; SPEC §5b):
 * {@code -[sum_{c != yhat} |z_yhat - z_c| / ‖w_yhat - w_c‖] / ‖h - mu‖}, z the model's logits, w_c row c of the dense
 * head W, yhat = argmax z (ties: lowest index) and mu the mean feature vector of all fit samples. Higher = more OOD.
 *
 * <p>Details that change numbers (SPEC §5b): no 1/(K - 1) factor (OpenOOD's code; ranks are unchanged); a pair with
 * ‖w_yhat - w_c‖ = 0 adds 0; a zero normaliser gives -infinity when the numerator is &gt; 0, else 0. The option
 * {@link Normaliser#ORIGIN} divides by ‖h‖ instead of ‖h - mu‖ and needs no fit; Choice: it is named
 * {@code fdbd_origin} and is not in the standard suite (SPEC's default is ‖h - mu‖). The K x K distances ‖w_a - w_b‖ are
 * computed once from the differences in float64 (K^2 d / 2 flops, K^2 doubles).
 */
public final class FdbdDetector implements PersistentDetector {
    static final String TYPE = "fdbd";

    /** What the summed boundary distance is divided by. */
    public enum Normaliser {
        /** ‖h - mu‖, mu the mean fit feature vector (the default; named {@code fdbd}). */
        FIT_MEAN,
        /** ‖h‖ (named {@code fdbd_origin}); not fitted. */
        ORIGIN
    }

    private final DenseWeights dense;
    private final Normaliser normaliser;
    private final double[] mean;
    private final long fitSamples;
    /** K x K row-major ‖w_a - w_b‖. */
    private final double[] rowDistances;

    private FdbdDetector(DenseWeights dense, Normaliser normaliser, double[] mean, long fitSamples) {
        int d = dense.in();
        if (mean.length != d) {
            throw new OodException("fDBD mean has " + mean.length + " values but the dense head reads " + d);
        }
        this.dense = dense;
        this.normaliser = normaliser;
        this.mean = mean;
        this.fitSamples = fitSamples;
        int k = dense.out();
        this.rowDistances = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = dense.weight(a, j) - dense.weight(b, j);
                    s += diff * diff;
                }
                rowDistances[a * k + b] = Math.sqrt(s);
                rowDistances[b * k + a] = rowDistances[a * k + b];
            }
        }
    }

    /** A fit accumulator of mu for the default detector ({@code fdbd}, normaliser ‖h - mu‖). */
    public static Accumulator accumulator(DenseLayer last) {
        return new Accumulator(new DenseWeights(last));
    }

    /** The option of SPEC §5b: normaliser ‖h‖, not fitted, named {@code fdbd_origin}. */
    public static FdbdDetector originNormalised(DenseLayer last) {
        DenseWeights dense = new DenseWeights(last);
        return new FdbdDetector(dense, Normaliser.ORIGIN, new double[dense.in()], 0);
    }

    public Normaliser normaliser() {
        return normaliser;
    }

    /** mu, the mean fit feature vector (a copy; zeros for {@link Normaliser#ORIGIN}). */
    public double[] mean() {
        return mean.clone();
    }

    /** The number of fit samples mu was averaged over (0 for {@link Normaliser#ORIGIN}). */
    public long fitSamples() {
        return fitSamples;
    }

    @Override
    public String name() {
        return normaliser == Normaliser.FIT_MEAN ? "fdbd" : "fdbd_origin";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public boolean usesDenseWeights() {
        return true;
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        dense.checkInput(input, name());
        int k = input.classes();
        int d = input.featureDim();
        float[] z = input.logitArray();
        float[] h = input.featureArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int from = i * k;
            int yhat = LogitMath.argmax(z, from, k);
            double numerator = 0;
            for (int c = 0; c < k; c++) {
                double distance = rowDistances[yhat * k + c];
                if (c != yhat && distance > 0) {
                    numerator += Math.abs((double) z[from + yhat] - z[from + c]) / distance;
                }
            }
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = h[i * d + j] - mean[j];
                s += v * v;
            }
            double norm = Math.sqrt(s);
            if (norm == 0) {
                scores[i] = numerator > 0 ? Double.NEGATIVE_INFINITY : 0;
            } else {
                scores[i] = -numerator / norm;
            }
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        dense.write(out);
        out.writeUTF(normaliser.name());
        StateIo.writeDoubles(out, mean);
        out.writeLong(fitSamples);
    }

    static FdbdDetector read(DataInputStream in) throws IOException {
        DenseWeights dense = DenseWeights.read(in);
        Normaliser normaliser = Normaliser.valueOf(in.readUTF());
        return new FdbdDetector(dense, normaliser, StateIo.readDoubles(in), in.readLong());
    }

    /**
     * The mean mu of all fit features (labels not needed): a count and per-feature float64 sums, merged by adding.
     * Memory: d doubles. Mutable, not thread-safe.
     */
    public static final class Accumulator implements FitAccumulator<FdbdDetector>, NamedFit {
        private final DenseWeights dense;
        private final double[] sums;
        private long count;

        private Accumulator(DenseWeights dense) {
            this.dense = dense;
            this.sums = new double[dense.in()];
        }

        @Override
        public String detectorName() {
            return "fdbd";
        }

        @Override
        public void accept(DetectorInput batch) {
            dense.checkInput(batch, "fdbd fit");
            float[] h = batch.featureArray();
            int d = sums.length;
            for (int i = 0; i < batch.samples(); i++) {
                for (int j = 0; j < d; j++) {
                    sums[j] += h[i * d + j];
                }
            }
            count += batch.samples();
        }

        @Override
        public void merge(FitAccumulator<FdbdDetector> other) {
            if (!(other instanceof Accumulator o) || o.sums.length != sums.length) {
                throw new OodException(
                        "can only merge an fDBD accumulator for " + sums.length + " features, got " + other);
            }
            for (int j = 0; j < sums.length; j++) {
                sums[j] += o.sums[j];
            }
            count += o.count;
        }

        @Override
        public FdbdDetector result() {
            if (count == 0) {
                throw new OodException("fDBD has no fit samples to take the mean feature vector mu from: accept at"
                        + " least one batch of ID features (or use the option normalised by ‖h‖)");
            }
            double[] mean = new double[sums.length];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = sums[j] / count;
            }
            return new FdbdDetector(dense, Normaliser.FIT_MEAN, mean, count);
        }
    }
}
