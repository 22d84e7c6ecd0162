package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;

/**
 * Reads one layer's samples as neurons for the accumulators: checks that a batch belongs to the layer, checks
 * the class ids, skips samples with non-finite values and applies the {@link NeuronView}. Owns one scratch
 * row; not thread-safe (one per accumulator).
 * <p>Choice (SPEC leaves NaN open): a sample with any NaN or infinite unit in a layer is excluded from all of
 * that layer's counts (its class size included) and counted as invalid, per layer and per neuron (a channel
 * neuron counts when any of its units is non-finite); it is never folded into a frequency.
 */
final class NeuronReader {
    final String layer;
    final NeuronView view;
    final int units;
    final int neurons;
    private final int[] unitShape;
    private final int spatial;
    private final float[] scratch;

    /** The array holding the neurons of the sample last {@link #load}ed. */
    float[] array;
    /** Where that sample's neurons start in {@link #array}. */
    int offset;
    /** The scan (maximum, smallest positive value) of that sample's neurons. */
    final RowScan scan = new RowScan();

    NeuronReader(String layer, int[] unitShape, NeuronView view) {
        if (layer == null || unitShape == null || view == null) {
            throw new StatsException("layer name, unit shape and neuron view are required, got layer=" + layer
                    + ", unitShape=" + Arrays.toString(unitShape) + ", view=" + view);
        }
        this.layer = layer;
        this.unitShape = unitShape.clone();
        this.view = view;
        this.units = (int) NeuronView.units(unitShape);
        this.neurons = view.neurons(unitShape);
        this.spatial = units / neurons;
        this.scratch = view == NeuronView.FLATTENED ? null : new float[neurons];
    }

    int[] unitShape() {
        return unitShape.clone();
    }

    boolean sameLayout(NeuronReader other) {
        return layer.equals(other.layer) && view == other.view && Arrays.equals(unitShape, other.unitShape);
    }

    String describe() {
        return "layer " + layer + " " + Arrays.toString(unitShape) + " viewed " + view;
    }

    /**
     * Checks a batch before anything is counted, so that a bad batch changes nothing.
     *
     * @return the number of samples
     */
    int check(int[] classes, LayerActivations acts, int numClasses) {
        if (acts == null || classes == null) {
            throw new StatsException("accept needs the class ids and the activations of " + describe()
                    + ", got classes=" + Arrays.toString(classes) + ", activations=" + acts);
        }
        if (!layer.equals(acts.layer())) {
            throw new StatsException("this accumulator is for layer " + layer + " but got activations of layer "
                    + acts.layer() + "; use one accumulator per layer");
        }
        if (!Arrays.equals(unitShape, acts.unitShape())) {
            throw new StatsException("layer " + layer + " was set up with unit shape " + Arrays.toString(unitShape)
                    + " but a batch has unit shape " + Arrays.toString(acts.unitShape()));
        }
        if (classes.length != acts.samples()) {
            throw new StatsException("layer " + layer + ": the batch has " + acts.samples() + " samples but "
                    + classes.length + " class ids; pass one class id per sample");
        }
        checkClasses(classes, numClasses);
        return acts.samples();
    }

    static void checkClasses(int[] classes, int numClasses) {
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= numClasses) {
                throw new StatsException("class id " + classes[i] + " of sample " + i + " of the batch is outside [0, "
                        + numClasses + "); set numClasses to at least " + (classes[i] + 1)
                        + " or fix the class ids (labels, or argmax of the logits)");
            }
        }
    }

    /**
     * Loads sample i as neurons into {@link #array}/{@link #offset}.
     *
     * @return false (and loads nothing) when the sample has a non-finite unit
     */
    boolean load(LayerActivations acts, int i) {
        float[] values = acts.values();
        int start = i * units;
        scan.scan(values, start, units);
        if (!scan.finite) {
            return false;
        }
        if (scratch == null) {
            array = values;
            offset = start;
        } else {
            view.reduceChannels(values, start, neurons, spatial, scratch);
            scan.scan(scratch, 0, neurons);
            array = scratch;
            offset = 0;
        }
        return true;
    }

    /** Adds 1 to {@code perNeuron[j]} for every neuron of sample i that has a non-finite unit. */
    void countNonFinite(LayerActivations acts, int i, long[] perNeuron) {
        float[] values = acts.values();
        int start = i * units;
        for (int j = 0; j < neurons; j++) {
            if (!allFinite(values, start + j * spatial, spatial)) {
                perNeuron[j]++;
            }
        }
    }

    static boolean allFinite(float[] values, int start, int length) {
        int bad = 0;
        for (int k = start; k < start + length; k++) {
            // the sign bit is set iff the exponent is all ones (NaN or infinite)
            bad |= (Float.floatToRawIntBits(values[k]) & 0x7F800000) + 0x00800000;
        }
        return bad >= 0;
    }
}
