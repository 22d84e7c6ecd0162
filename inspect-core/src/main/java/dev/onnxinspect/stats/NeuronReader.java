package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.ChannelBlocks;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Reads one layer's samples as neurons for the accumulators: checks that a batch belongs to the layer, checks
 * the class ids, skips samples with non-finite values and applies the {@link NeuronView}. Owns one scratch
 * row; not thread-safe (one per accumulator).
 * <p>Choice (SPEC leaves NaN open): a sample with any NaN or infinite unit in a layer is excluded from all of
 * that layer's counts (its class size included) and counted as invalid, per layer and per neuron (a channel
 * neuron counts when any of its units is non-finite); it is never folded into a frequency.
 * <p>{@link NeuronView#MASKED_MEAN}: every batch comes with its {@link SequenceMask} ({@link #check}); a sample
 * whose mask has no 1 is rejected by {@link #load} with {@link #emptyMask} set (counted apart from the non-finite
 * ones); only the positions with mask 1 are checked for finiteness. The sequence length T may change from batch to
 * batch (the width d may not); the scratch row grows to the longest batch seen.
 * <p>A loaded sample's neurons are the IEEE bit patterns {@code bits[0 .. neurons)} at offset 0 (the shape the
 * JIT vectorises, see {@link SignificantBits}): read straight from the activations
 * ({@link LayerActivations#readRowBits}, a plain memory copy for activations in native memory) for the
 * flattened view; for a channel or masked view the raw floats are read ({@link LayerActivations#readRow}),
 * reduced and then converted. All scratch arrays are allocated once, here (for MASKED_MEAN, again when a longer
 * sequence comes).
 */
final class NeuronReader implements Serializable {
    private static final long serialVersionUID = 2L;

    final String layer;
    final NeuronView view;
    final int units;
    final int neurons;
    private final int[] unitShape;
    private final int spatial;
    /** The raw units of the last sample of a channel or masked view, else null. */
    private float[] raw;
    /** The channel neurons of the last sample of a channel or masked view, else null. */
    private final float[] reduced;
    /** The float64 sums of the masked mean, else null. */
    private final double[] sums;
    /** The mask of the batch last {@link #check}ed (MASKED_MEAN only). */
    private transient SequenceMask mask;
    /** The sequence length of the batch last checked (MASKED_MEAN only). */
    private int positions;

    /**
     * The bit patterns of the neurons of the sample last {@link #load}ed: {@code bits[0 .. neurons)}; for the
     * flattened view also of a sample {@link #load} rejected.
     */
    final int[] bits;
    /** The scan (finiteness, maximum, smallest positive value) of that sample's neurons. */
    final RowScan scan;
    /**
     * Whether {@link #load} may keep a flattened row in the order its activations are stored
     * ({@link LayerActivations#channelBlock()}): set by an owner that reorders its per-neuron results by
     * {@link #storedBlock()} at the end.
     */
    private boolean storedOrder;
    /**
     * The channel block of the order {@link #bits} are in: -1 until the first load or {@link #adoptOrder}, then
     * fixed (0: neuron order).
     */
    private int order = -1;
    /** H * W of a [C, H, W] unit shape (1 otherwise), the plane of a blocked order. */
    private final int plane;
    /** A row in neuron order, for a batch stored in another order than {@link #order}; made when first needed. */
    private transient int[] reorderScratch;
    /** The index of the sample last loaded (MASKED_MEAN only). */
    private int lastSample;
    /** Whether the sample {@link #load} last rejected was rejected for an attention mask without a 1. */
    boolean emptyMask;

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
        this.sums = view == NeuronView.MASKED_MEAN ? new double[neurons] : null;
        this.bits = new int[neurons];
        this.scan = new RowScan(neurons);
        this.plane = unitShape.length == 3 ? unitShape[1] * unitShape[2] : 1;
    }

    /** Lets {@link #load} keep flattened rows in their stored order (see {@link #storedBlock()}). */
    void allowStoredOrder() {
        storedOrder = true;
    }

    /**
     * The channel block of the order every loaded row's {@link #bits} are in (0: neuron order, also before the
     * first load): neuron j at {@code ChannelBlocks.storedIndex(j, H * W, block)}.
     */
    int storedBlock() {
        return Math.max(order, 0);
    }

    /** H * W of a [C, H, W] unit shape, else 1. */
    int plane() {
        return plane;
    }

    /**
     * Before merging another reader's owner into this one's: when this one has loaded no row yet and the other has,
     * takes the other's order (so that its counts need no reordering); returns the order this one's counts are in
     * ({@link #storedBlock()}). An order is fixed by the first load (or adopted), never by merging two readers that
     * loaded nothing, whose counts are all zero.
     */
    int adoptOrder(NeuronReader other) {
        if (order < 0 && other.order >= 0) {
            order = storedOrder ? other.order : 0;
        }
        return Math.max(order, 0);
    }

    int[] unitShape() {
        return unitShape.clone();
    }

    /** Same layer, view and shape (for MASKED_MEAN the width d: the sequence length may differ). */
    boolean sameLayout(NeuronReader other) {
        return layer.equals(other.layer)
                && view == other.view
                && (view == NeuronView.MASKED_MEAN
                        ? unitShape[1] == other.unitShape[1]
                        : Arrays.equals(unitShape, other.unitShape));
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
        return check(classes, acts, numClasses, null);
    }

    /**
     * Checks a batch and its mask (required for MASKED_MEAN, refused for the other views) before anything is
     * counted, so that a bad batch changes nothing; remembers the mask for {@link #load}.
     *
     * @return the number of samples
     */
    int check(int[] classes, LayerActivations acts, int numClasses, SequenceMask batchMask) {
        if (acts == null || classes == null) {
            throw new StatsException("accept needs the class ids and the activations of " + describe()
                    + ", got classes=" + Arrays.toString(classes) + ", activations=" + acts);
        }
        if (!layer.equals(acts.layer())) {
            throw new StatsException("this accumulator is for layer " + layer + " but got activations of layer "
                    + acts.layer() + "; use one accumulator per layer");
        }
        int[] shape = acts.unitShape();
        boolean masked = view == NeuronView.MASKED_MEAN;
        if (masked ? shape.length != 2 || shape[1] != unitShape[1] : !Arrays.equals(unitShape, shape)) {
            throw new StatsException("layer " + layer + " was set up with unit shape " + Arrays.toString(unitShape)
                    + " but a batch has unit shape " + Arrays.toString(shape)
                    + (masked ? " (MASKED_MEAN: [T, " + unitShape[1] + "] with any T)" : ""));
        }
        if (classes.length != acts.samples()) {
            throw new StatsException("layer " + layer + ": the batch has " + acts.samples() + " samples but "
                    + classes.length + " class ids; pass one class id per sample");
        }
        checkClasses(classes, numClasses);
        if (masked) {
            NeuronView.checkMask(batchMask, shape[0], "layer " + layer);
            if (batchMask.samples() != acts.samples()) {
                throw new StatsException("layer " + layer + ": the batch has " + acts.samples() + " samples but the "
                        + "attention mask " + batchMask.input() + " has " + batchMask.samples()
                        + "; pass the batch's own mask");
            }
            if (raw.length < acts.units()) {
                raw = new float[acts.units()];
            }
            positions = shape[0];
        } else if (batchMask != null) {
            throw new StatsException("layer " + layer + " is viewed " + view + ", which reads no attention mask, but"
                    + " got mask " + batchMask.input() + "; pass a mask for MASKED_MEAN layers only");
        }
        mask = batchMask;
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
     * @return false (and the neurons are not to be used) when the sample has a non-finite unit, or for
     *         MASKED_MEAN no position with mask 1 ({@link #emptyMask} then set)
     */
    boolean load(LayerActivations acts, int i) {
        emptyMask = false;
        if (raw == null) {
            readFlattened(acts, i);
            scan.scan(bits, neurons);
            return scan.finite;
        }
        if (sums != null) {
            return loadMasked(acts, i);
        }
        acts.readRow(i, raw);
        if (!view.reduceChannelsIfFinite(raw, 0, neurons, spatial, reduced)) {
            return false;
        }
        for (int j = 0; j < neurons; j++) {
            bits[j] = Float.floatToRawIntBits(reduced[j]);
        }
        scan.scan(bits, neurons);
        return true;
    }

    private boolean loadMasked(LayerActivations acts, int i) {
        lastSample = i;
        if (mask.positions(i) == 0) {
            emptyMask = true;
            return false;
        }
        acts.readRow(i, raw);
        for (int t = 0; t < positions; t++) {
            if (mask.onUnchecked(i, t) && !allFinite(raw, t * neurons, neurons)) {
                return false;
            }
        }
        NeuronView.maskedMean(raw, 0, positions, neurons, mask, i, sums, reduced);
        for (int j = 0; j < neurons; j++) {
            bits[j] = Float.floatToRawIntBits(reduced[j]);
        }
        scan.scan(bits, neurons);
        return true;
    }

    /**
     * Reads a flattened row into {@link #bits} in {@link #order}: a memory copy when the activations are stored in
     * it, else through a row in neuron order.
     */
    private void readFlattened(LayerActivations acts, int i) {
        int stored = acts.channelBlock();
        if (order < 0) {
            order = storedOrder ? stored : 0;
        }
        if (stored == order) {
            acts.readStoredRowBits(i, bits);
            return;
        }
        if (reorderScratch == null) {
            reorderScratch = new int[neurons];
        }
        if (order == 0) {
            acts.readStoredRowBits(i, reorderScratch);
            ChannelBlocks.unblock(reorderScratch, bits, neurons / plane, plane, stored);
        } else {
            acts.readRowBits(i, reorderScratch);
            for (int j = 0; j < neurons; j++) {
                bits[ChannelBlocks.storedIndex(j, plane, order)] = reorderScratch[j];
            }
        }
    }

    /** The value of neuron j of the sample last loaded. */
    float value(int j) {
        return Float.intBitsToFloat(bits[j]);
    }

    /**
     * Adds 1 to {@code perNeuron[j]} for every neuron that has a non-finite unit in the sample {@link #load} last
     * rejected for non-finite values (for MASKED_MEAN: at a position whose mask is 1).
     */
    void countNonFinite(long[] perNeuron) {
        if (sums != null) {
            for (int j = 0; j < neurons; j++) {
                boolean finite = true;
                for (int t = 0; t < positions && finite; t++) {
                    finite = !mask.onUnchecked(lastSample, t) || finite(Float.floatToRawIntBits(raw[t * neurons + j]));
                }
                if (!finite) {
                    perNeuron[j]++;
                }
            }
            return;
        }
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
