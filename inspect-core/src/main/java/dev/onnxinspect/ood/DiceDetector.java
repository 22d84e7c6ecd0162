package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.stats.Percentiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * DICE (SPEC §5): mask W by keeping the entries whose contribution {@code mean_fit(h_j) * w_cj} is strictly above the
 * type-7 percentile (default the 90th, {@link Percentiles}) of the whole K x d contribution matrix; score the energy
 * {@code -T logsumexp((W' h + b) / T)}. The accumulator keeps d sums only.
 */
public final class DiceDetector extends DenseEnergyDetector {
    static final String TYPE = "dice";
    public static final double DEFAULT_PERCENTILE = 90;
    private final double percentile;
    private final double[] featureMeans;
    private final boolean[] keep;
    private final double threshold;

    private DiceDetector(DenseWeights dense, double percentile, double temperature, double[] featureMeans) {
        super(dense, temperature);
        this.percentile = percentile;
        this.featureMeans = featureMeans;
        int out = dense.out();
        int in = dense.in();
        double[] contribution = new double[out * in];
        for (int c = 0; c < out; c++) {
            for (int j = 0; j < in; j++) {
                contribution[c * in + j] = featureMeans[j] * dense.weight(c, j);
            }
        }
        this.threshold = Percentiles.type7InPlace(contribution.clone(), percentile);
        this.keep = new boolean[out * in];
        for (int k = 0; k < keep.length; k++) {
            keep[k] = contribution[k] > threshold;
        }
    }

    /** A fit accumulator with the 90th percentile and T = 1. */
    public static Accumulator accumulator(DenseLayer last) {
        return accumulator(last, DEFAULT_PERCENTILE, 1);
    }

    /** A fit accumulator with the given percentile in [0, 100] and energy temperature T &gt; 0. */
    public static Accumulator accumulator(DenseLayer last, double percentile, double temperature) {
        return new Accumulator(PercentileEnergySettings.of("DICE", last, percentile, temperature));
    }

    /** The contribution threshold (the percentile of the contribution matrix). */
    public double threshold() {
        return threshold;
    }

    /** Whether W[c][j] is kept by the mask. */
    public boolean kept(int c, int j) {
        return keep[c * dense().in() + j];
    }

    @Override
    public String name() {
        return "dice";
    }

    /** W' h + b, W' the masked weights. */
    @Override
    double[] logits(double[] x, double[] scratch) {
        return dense().applyMasked(keep, x);
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
        StateIo.writeDoubles(out, featureMeans);
    }

    static DiceDetector read(DataInputStream in) throws IOException {
        return new DiceDetector(DenseWeights.read(in), in.readDouble(), in.readDouble(), StateIo.readDoubles(in));
    }

    /** Sums the fit features per dimension. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<DiceDetector> {
        private final PercentileEnergySettings settings;
        private final double[] sums;
        private long count;

        private Accumulator(PercentileEnergySettings settings) {
            this.settings = settings;
            this.sums = new double[settings.dense().in()];
        }

        @Override
        public void accept(DetectorInput batch) {
            settings.dense().checkInput(batch, "dice fit");
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
        public void merge(FitAccumulator<DiceDetector> other) {
            Accumulator o = settings.mergeable(other, Accumulator.class, a -> a.settings);
            for (int j = 0; j < sums.length; j++) {
                sums[j] += o.sums[j];
            }
            count += o.count;
        }

        @Override
        public DiceDetector result() {
            if (count == 0) {
                throw new OodException("DICE has no fit samples: accept at least one batch of ID features");
            }
            double[] means = new double[sums.length];
            for (int j = 0; j < means.length; j++) {
                means[j] = sums[j] / count;
            }
            return new DiceDetector(settings.dense(), settings.percentile(), settings.temperature(), means);
        }
    }
}
