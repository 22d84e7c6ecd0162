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
 * <p>A loaded sample's neurons are the IEEE bit patterns {@code bits[0 .. neurons)} at offset 0 (the shape the
 * JIT vectorises, see {@link SignificantBits}): read straight from the activations
 * ({@link LayerActivations#readRowBits}, a plain memory copy for activations in native memory) for the
 * flattened view; for a channel view the raw floats are read ({@link LayerActivations#readRow}), reduced and then
 * converted. All scratch arrays are allocated once, here.
 */
final class NeuronReader {
    final String layer;
    final NeuronView view;
    final int units;
    final int neurons;
    private final int[] unitShape;
    private final int spatial;
    /** The raw units of the last sample of a channel view, else null. */
    private final float[] raw;
    /** The channel neurons of the last sample of a channel view, else null. */
    private final float[] reduced;

    /**
     * The bit patterns of the neurons of the sample last {@link #load}ed: {@code bits[0 .. neurons)}; for the
     * flattened view also of a sample {@link #load} rejected.
     */
    final int[] bits;
    /** The scan (finiteness, maximum, smallest positive value) of that sample's neurons. */
    final RowScan scan;

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
        boolean flat = view == NeuronView.FLATTENED;
        this.raw = flat ? null : new float[units];
        this.reduced = flat ? null : new float[neurons];
        this.bits = new int[neurons];
        this.scan = new RowScan(neurons);
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
     * Loads sample i's neurons into {@link #bits} and scans them into {@link #scan}.
     *
     * @return false (and the neurons are not to be used) when the sample has a non-finite unit
     */
    boolean load(LayerActivations acts, int i) {
        if (raw == null) {
            acts.readRowBits(i, bits);
            scan.scan(bits, neurons);
            return scan.finite;
        }
        acts.readRow(i, raw);
        if (!allFinite(raw, 0, units)) {
            return false;
        }
        view.reduceChannels(raw, 0, neurons, spatial, reduced);
        for (int j = 0; j < neurons; j++) {
            bits[j] = Float.floatToRawIntBits(reduced[j]);
        }
        scan.scan(bits, neurons);
        return true;
    }

    /** The value of neuron j of the sample last loaded. */
    float value(int j) {
        return Float.intBitsToFloat(bits[j]);
    }

    /**
     * Adds 1 to {@code perNeuron[j]} for every neuron that has a non-finite unit in the sample {@link #load} last
     * rejected.
     */
    void countNonFinite(long[] perNeuron) {
        for (int j = 0; j < neurons; j++) {
            boolean finite = raw == null ? finite(bits[j]) : allFinite(raw, j * spatial, spatial);
            if (!finite) {
                perNeuron[j]++;
            }
        }
    }

    private static boolean finite(int bits) {
        return (bits & 0x7F800000) != 0x7F800000;
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
