package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.stats.Percentiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * ReAct + Energy (SPEC §5): the energy {@code -T logsumexp((W min(h, r) + b) / T)} with r the type-7 percentile
 * (default the 90th, {@link Percentiles}) of every entry of the fit features h, zeros included. The accumulator keeps
 * the fit entries (N d floats) because an exact percentile needs them; the fitted detector keeps only r and the
 * weights.
 */
public final class ReactDetector extends DenseEnergyDetector {
    static final String TYPE = "react_energy";
    public static final double DEFAULT_PERCENTILE = 90;
    private final double percentile;
    private final double threshold;

    private ReactDetector(DenseWeights dense, double percentile, double temperature, double threshold) {
        super(dense, temperature);
        this.percentile = percentile;
        this.threshold = threshold;
    }

    /** A fit accumulator with the 90th percentile and T = 1. */
    public static Accumulator accumulator(DenseLayer last) {
        return accumulator(last, DEFAULT_PERCENTILE, 1);
    }

    /**
     * A fit accumulator.
     *
     * @param last        the last dense layer (its input is the features h)
     * @param percentile  the clipping percentile in [0, 100]
     * @param temperature the energy temperature T &gt; 0
     */
    public static Accumulator accumulator(DenseLayer last, double percentile, double temperature) {
        return new Accumulator(PercentileEnergySettings.of("ReAct", last, percentile, temperature));
    }

    /** The clipping threshold r. */
    public double threshold() {
        return threshold;
    }

    @Override
    public String name() {
        return "react_energy";
    }

    /** W min(h, r) + b. */
    @Override
    double[] logits(double[] x, double[] scratch) {
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.min(x[j], threshold);
        }
        return dense().apply(x);
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
        out.writeDouble(threshold);
    }

    static ReactDetector read(DataInputStream in) throws IOException {
        return new ReactDetector(DenseWeights.read(in), in.readDouble(), in.readDouble(), in.readDouble());
    }

    /** Keeps every fit feature entry for the exact percentile. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<ReactDetector> {
        private final PercentileEnergySettings settings;
        private final GrowableArrays.Floats entries = new GrowableArrays.Floats();

        private Accumulator(PercentileEnergySettings settings) {
            this.settings = settings;
        }

        @Override
        public void accept(DetectorInput batch) {
            settings.dense().checkInput(batch, "react_energy fit");
            float[] h = batch.featureArray();
            entries.addAll(h, 0, h.length);
        }

        @Override
        public void merge(FitAccumulator<ReactDetector> other) {
            entries.addAll(settings.mergeable(other, Accumulator.class, a -> a.settings).entries);
        }

        @Override
        public ReactDetector result() {
            if (entries.size() == 0) {
                throw new OodException("ReAct has no fit samples: accept at least one batch of ID features");
            }
            return new ReactDetector(
                    settings.dense(),
                    settings.percentile(),
                    settings.temperature(),
                    Percentiles.type7InPlace(entries.toArray(), settings.percentile()));
        }
    }
}
