package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * SCALE (Xu et al. 2024; SPEC §5b): the energy {@code -T logsumexp((W h' + b) / T)} of the rescaled features
 * h' = h * exp(sum_j h_j / S_k), S_k the sum of the k largest entries of h, k = n - round(n P / 100) with P = 85 by
 * default. Every entry is kept, only rescaled (unlike ASH-S). Not fitted.
 *
 * <p>Details that change numbers (SPEC §5b): round is half to even ({@link Math#rint}, numpy's {@code np.round} in
 * the authors' code: n = 10, P = 85 gives k = 2); S_k = 0 (or k = 0) gives the factor 1. S_k is summed from the
 * largest entry down. SCALE assumes h >= 0 (ReLU features); a negative feature is refused with a clear message, as
 * sum(h) / S_k is then unbounded and exp of it could overflow.
 *
 * <p>{@link #accumulator} checks the fit features' sign, so that a suite refuses SCALE once, at fit time, for a feature
 * layer with negative values (it then lands among the skipped detectors with the reason) instead of failing a scoring
 * pass. Choice: that check is the only "fit": the detector's parameters do not depend on the data.
 */
public final class ScaleDetector extends DenseEnergyDetector {
    static final String TYPE = "scale";
    public static final double DEFAULT_PERCENTILE = 85;

    private final double percentile;
    private final int k;

    private ScaleDetector(DenseWeights dense, double percentile, double temperature) {
        super(dense, temperature);
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new OodException("SCALE percentile P must lie in [0, 100], got " + percentile);
        }
        checkTemperature("SCALE", temperature);
        int n = dense.in();
        this.k = n - (int) Math.rint(n * percentile / 100);
        this.percentile = percentile;
    }

    /** SCALE with P = 85 and T = 1, named {@code scale}. */
    public static ScaleDetector create(DenseLayer last) {
        return create(last, DEFAULT_PERCENTILE, 1);
    }

    /**
     * SCALE with explicit parameters, named {@code scale}.
     *
     * @param percentile  P in [0, 100]
     * @param temperature the energy temperature T &gt; 0
     */
    public static ScaleDetector create(DenseLayer last, double percentile, double temperature) {
        return new ScaleDetector(new DenseWeights(last), percentile, temperature);
    }

    /** A fit-time check of the feature sign that yields {@link #create(DenseLayer)}'s detector. */
    public static Accumulator accumulator(DenseLayer last) {
        return new Accumulator(create(last));
    }

    /** A fit-time check of the feature sign that yields SCALE with percentile P and T = 1 (hyperparameter grids). */
    public static Accumulator accumulator(DenseLayer last, double percentile) {
        return new Accumulator(create(last, percentile, 1));
    }

    /** k, the number of largest entries in S_k. */
    public int topCount() {
        return k;
    }

    public double percentile() {
        return percentile;
    }

    @Override
    public String name() {
        return "scale";
    }

    @Override
    double[] logits(double[] x, double[] scratch) {
        int n = x.length;
        double total = 0;
        for (int j = 0; j < n; j++) {
            if (x[j] < 0) {
                throw new OodException(negative(j, x[j]));
            }
            total += x[j];
        }
        double factor = 1;
        if (k > 0) {
            System.arraycopy(x, 0, scratch, 0, n);
            Arrays.sort(scratch, 0, n);
            double top = 0;
            for (int r = 1; r <= k; r++) {
                top += scratch[n - r];
            }
            factor = top == 0 ? 1 : Math.exp(total / top);
        }
        for (int j = 0; j < n; j++) {
            x[j] *= factor;
        }
        return dense().apply(x);
    }

    private String negative(int j, double v) {
        return "SCALE needs non-negative features (it assumes ReLU features h >= 0) but feature " + j + " of "
                + dense().layer().inputName() + " is " + v + ": leave SCALE out for this feature layer or choose"
                + " features after a ReLU";
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        dense().write(out);
        out.writeDouble(percentile);
        out.writeDouble(temperature());
    }

    static ScaleDetector read(DataInputStream in) throws IOException {
        DenseWeights dense = DenseWeights.read(in);
        return new ScaleDetector(dense, in.readDouble(), in.readDouble());
    }

    /**
     * Checks that every fit feature is non-negative (SCALE's assumption, SPEC §5b); {@link #result} refuses a feature
     * layer with a negative value, naming the first one seen. Constant memory. Mutable, not thread-safe.
     */
    public static final class Accumulator implements FitAccumulator<ScaleDetector>, NamedFit {
        private final ScaleDetector detector;
        private long samples;
        private String firstNegative;

        private Accumulator(ScaleDetector detector) {
            this.detector = detector;
        }

        @Override
        public String detectorName() {
            return "scale";
        }

        @Override
        public void accept(DetectorInput batch) {
            detector.dense().checkInput(batch, "scale fit");
            float[] h = batch.featureArray();
            int d = batch.featureDim();
            for (int q = 0; q < h.length && firstNegative == null; q++) {
                if (h[q] < 0) {
                    firstNegative = "feature " + q % d + " of fit sample " + (samples + q / d) + " is " + h[q];
                }
            }
            samples += batch.samples();
        }

        @Override
        public void merge(FitAccumulator<ScaleDetector> other) {
            if (!(other instanceof Accumulator o)
                    || o.detector.dense().in() != detector.dense().in()) {
                throw new OodException("can only merge a SCALE accumulator for "
                        + detector.dense().in() + " features, got " + other);
            }
            if (firstNegative == null && o.firstNegative != null) {
                firstNegative = o.firstNegative + " (a merged part)";
            }
            samples += o.samples;
        }

        @Override
        public ScaleDetector result() {
            if (firstNegative != null) {
                throw new OodException("SCALE needs non-negative features (it assumes ReLU features h >= 0), but "
                        + firstNegative + " in " + detector.dense().layer().inputName() + ": SCALE is left out;"
                        + " choose features after a ReLU to use it");
            }
            return detector;
        }
    }
}
