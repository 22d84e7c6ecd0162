package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.ChannelBlocks;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts, for one layer, in how many samples of each class each neuron is significant under S1 and S2 (SPEC
 * §2), in one pass over the activations. Memory: two {@code int} counters per (class seen, neuron), allocated
 * when a class first appears; independent of the number of samples.
 * <p>Choice (SPEC leaves non-finite activations open): a sample with any NaN or infinite unit in the layer is
 * left out of all of the layer's counts, its class size included, and counted in
 * {@link ActivationFrequencies#invalidSamples()} and, per neuron, in
 * {@link ActivationFrequencies#nonFiniteByNeuron()} (a channel neuron counts when any of its units is
 * non-finite). It is never folded into a frequency. With {@link NeuronView#MASKED_MEAN} a sample whose attention
 * mask has no 1 is left out the same way and counted in {@link ActivationFrequencies#emptyMaskSamples()}.
 * <p>Memory ({@link #estimate}): at most two {@code int} counters per (class, neuron) and one {@code long} per neuron,
 * fixed by K and the view's neuron count; the result copies the counters once more.
 * <p>Mutable and not thread-safe: give each thread its own accumulator and {@link #merge} them; the merged
 * result equals one pass over all the data exactly (integer counts), whatever the batch sizes and order.
 * Per sample it copies the row's bit patterns into a scratch array ({@link NeuronReader}), scans them once for
 * finiteness, maximum and smallest positive value ({@link RowScan}), finds the S2 cut (usually in 0 or 1 more
 * pass) and counts S1 and S2 in one fused loop ({@link SignificantBits}); every pass is a loop the JIT
 * vectorises, and nothing is allocated per sample. A negative tau counts S1 on the floats (correct, not fast).
 * <p>With tau = 0 (the default) every S2-significant neuron is S1-significant (the S2 cut is positive), and on a
 * ReLU layer with eps = 1000 the two sets are almost always equal (the cut is the smallest positive value). The
 * S2 counts are then kept as S1 count minus the number of samples in which the neuron was S1- but not
 * S2-significant, and a sample whose S2 set equals its S1 set costs one test per neuron.
 * <p>Activations stored in ONNX Runtime's blocked channel layout ({@link LayerActivations#channelBlock()}) are
 * counted in their stored order, without reordering each row; the counters are reordered into neuron order once,
 * in {@link #result()} (S1 and S2 are per neuron, and the S2 cut depends only on the row's values, so the counts
 * are the same).
 */
public final class ActivationFrequencyAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StatsOptions options;
    private final NeuronReader reader;
    private final float s1Threshold;
    /** {@link SignificantBits#thresholdBits} of the S1 threshold, when {@link #s1Bitwise}. */
    private final int s1Bits;
    /** Whether the S1 threshold is >= 0, so that S1 is tested on the bit patterns. */
    private final boolean s1Bitwise;

    private final int[][] s1Counts;
    /** S2 counts, or with {@link #s2FromS1} the S1-but-not-S2 counts (S2 = S1 - these). */
    private final int[][] s2Counts;
    /** Whether tau = 0, so that S2 is a subset of S1 in every sample and S2 is counted as a difference. */
    private final boolean s2FromS1;

    private final int[] classSizes;
    private final long[] nonFinite;
    private final float[] sortScratch;
    private long invalidSamples;
    private long emptyMaskSamples;

    /**
     * @param options   classes, significance definitions, view and bins
     * @param layer     the layer (tensor) name every batch must carry
     * @param unitShape the unit shape every batch must have, e.g. {@code [128]} or {@code [16, 28, 28]}
     */
    public ActivationFrequencyAccumulator(StatsOptions options, String layer, int[] unitShape) {
        this.options = options;
        this.reader = new NeuronReader(layer, unitShape, options.view());
        // rows stored in ONNX Runtime's blocked channel layout are counted as stored; result() reorders the counts
        this.reader.allowStoredOrder();
        this.s1Threshold = options.s1().floatThreshold();
        this.s2FromS1 = s1Threshold == 0f;
        this.s1Bitwise = SignificantBits.bitComparable(s1Threshold);
        this.s1Bits = s1Bitwise ? SignificantBits.thresholdBits(s1Threshold) : 0;
        this.s1Counts = new int[options.numClasses()][];
        this.s2Counts = new int[options.numClasses()][];
        this.classSizes = new int[options.numClasses()];
        this.nonFinite = new long[reader.neurons];
        this.sortScratch = new float[reader.neurons];
    }

    /**
     * Counts one batch.
     *
     * @param classes the class of each sample (label or prediction as the options say), each in [0, K)
     * @param acts    the layer's activations for the batch
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        accept(classes, acts, null);
    }

    /**
     * Counts one batch of a layer viewed {@link NeuronView#MASKED_MEAN}, with the batch's attention mask.
     *
     * @param mask the batch's mask {@code [N, T]} (required for MASKED_MEAN; must be null for the other views)
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a missing mask or one whose
     *                        samples or length differ from the batch's; the accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask) {
        int samples = reader.check(classes, acts, options.numClasses(), mask);
        for (int i = 0; i < samples; i++) {
            if (reader.load(acts, i)) {
                acceptNeurons(classes[i], reader.bits, reader.scan);
            } else {
                acceptInvalid();
            }
        }
    }

    NeuronReader reader() {
        return reader;
    }

    /**
     * The memory this accumulator takes for a layer at most (every class seen), stated before it is allocated:
     * the S1 and S2 counters (K x n ints each), the per-neuron non-finite counts and the scratch rows.
     */
    public static MemoryEstimate estimate(StatsOptions options, String layer, int[] unitShape) {
        long neurons = options.view().neurons(unitShape);
        long units = NeuronView.units(unitShape);
        long counters = 2L * options.numClasses() * neurons * Integer.BYTES;
        long scratch = neurons * (Long.BYTES + 6L * Integer.BYTES)
                + (options.view() == NeuronView.FLATTENED ? 0 : units * Float.BYTES);
        return new MemoryEstimate(
                counters + scratch,
                "S1/S2 counters of layer " + layer + " "
                        + Arrays.toString(unitShape) + " viewed " + options.view() + " (" + options.numClasses()
                        + " classes x " + neurons + " neurons x 2 int counters)");
    }

    /** Counts the sample that {@link #reader()} last rejected as invalid. */
    void acceptInvalid() {
        if (reader.emptyMask) {
            emptyMaskSamples++;
            return;
        }
        invalidSamples++;
        reader.countNonFinite(nonFinite);
    }

    /**
     * Counts one valid sample whose neurons have the bit patterns {@code bits[0 .. n)}, already {@code scan}ned.
     * S1 and S2 are counted in one fused, branch-free loop ({@link SignificantBits}); a row without a positive
     * value has no S2 cut, which no value passes.
     */
    void acceptNeurons(int cls, int[] bits, RowScan scan) {
        int n = reader.neurons;
        if (classSizes[cls] == Integer.MAX_VALUE) {
            throw new StatsException("class " + cls + " of layer " + reader.layer + " has " + Integer.MAX_VALUE
                    + " samples, the most one accumulator can count; split the data");
        }
        if (s1Counts[cls] == null) {
            s1Counts[cls] = new int[n];
            s2Counts[cls] = new int[n];
        }
        classSizes[cls]++;
        float cut = options.s2().cutoff(bits, n, scan, sortScratch);
        int cutBits = SignificantBits.atLeastBits(cut);
        int[] c1 = s1Counts[cls];
        int[] c2 = s2Counts[cls];
        if (!s2FromS1) {
            if (s1Bitwise) {
                SignificantBits.countAboveAndAtLeast(c1, c2, bits, n, s1Bits, cutBits);
            } else {
                SignificantBits.countAbove(c1, bits, n, s1Threshold);
                SignificantBits.countAbove(c2, bits, n, cutBits);
            }
        } else if (!(cut > Float.intBitsToFloat(scan.minPositiveBits))) {
            // S2 = S1: the cut is the smallest positive value (v >= cut iff v > 0), or there is none (both empty)
            SignificantBits.countAbove(c1, bits, n, 0);
        } else {
            SignificantBits.countAboveNotAtLeast(c1, c2, bits, n, cutBits);
        }
    }

    /** The S2 counts of a class as {@link ClassCounts} wants them (a new array when kept as a difference). */
    private int[] s2Counts(int cls) {
        if (!s2FromS1) {
            return s2Counts[cls];
        }
        int[] counts = new int[reader.neurons];
        for (int j = 0; j < counts.length; j++) {
            counts[j] = s1Counts[cls][j] - s2Counts[cls][j];
        }
        return counts;
    }

    /**
     * Adds another accumulator's counts to this one (the other is unchanged).
     *
     * @throws StatsException when the other counts another layer, shape, view or options
     */
    public void merge(ActivationFrequencyAccumulator other) {
        if (!options.equals(other.options) || !reader.sameLayout(other.reader)) {
            throw new StatsException("cannot merge the accumulator of " + other.reader.describe() + " with "
                    + other.options + " into the one of " + reader.describe() + " with " + options
                    + "; merge only accumulators made with the same layer, shape and options");
        }
        int order = reader.adoptOrder(other.reader);
        int otherOrder = other.reader.storedBlock();
        for (int c = 0; c < classSizes.length; c++) {
            if (other.classSizes[c] == 0) {
                continue;
            }
            int size = addCount(classSizes[c], other.classSizes[c], c);
            if (s1Counts[c] == null) {
                s1Counts[c] = new int[reader.neurons];
                s2Counts[c] = new int[reader.neurons];
            }
            int[] other1 = reorder(other.s1Counts[c], otherOrder, order);
            int[] other2 = reorder(other.s2Counts[c], otherOrder, order);
            for (int j = 0; j < reader.neurons; j++) {
                s1Counts[c][j] += other1[j];
                s2Counts[c][j] += other2[j];
            }
            classSizes[c] = size;
        }
        invalidSamples += other.invalidSamples;
        emptyMaskSamples += other.emptyMaskSamples;
        long[] otherNonFinite = reorder(other.nonFinite, otherOrder, order);
        for (int j = 0; j < nonFinite.length; j++) {
            nonFinite[j] += otherNonFinite[j];
        }
    }

    /** Per-neuron counts kept in the stored order {@code from} as kept in the order {@code to} (the same array when equal). */
    private int[] reorder(int[] counts, int from, int to) {
        if (from == to) {
            return counts;
        }
        int[] out = new int[counts.length];
        int plane = reader.plane();
        for (int j = 0; j < counts.length; j++) {
            out[ChannelBlocks.storedIndex(j, plane, to)] = counts[ChannelBlocks.storedIndex(j, plane, from)];
        }
        return out;
    }

    private long[] reorder(long[] counts, int from, int to) {
        if (from == to) {
            return counts;
        }
        long[] out = new long[counts.length];
        int plane = reader.plane();
        for (int j = 0; j < counts.length; j++) {
            out[ChannelBlocks.storedIndex(j, plane, to)] = counts[ChannelBlocks.storedIndex(j, plane, from)];
        }
        return out;
    }

    private int addCount(int a, int b, int cls) {
        long sum = (long) a + b;
        if (sum > Integer.MAX_VALUE) {
            throw new StatsException("class " + cls + " of layer " + reader.layer + " would have " + sum
                    + " samples, more than one accumulator can count (" + Integer.MAX_VALUE + ")");
        }
        return (int) sum;
    }

    /** The frequencies so far; later updates do not change the returned result. */
    public ActivationFrequencies result() {
        List<ClassCounts> rows1 = new ArrayList<>();
        List<ClassCounts> rows2 = new ArrayList<>();
        long samples = 0;
        int order = reader.storedBlock();
        for (int c = 0; c < classSizes.length; c++) {
            if (classSizes[c] > 0) {
                rows1.add(new ClassCounts(c, classSizes[c], reorder(s1Counts[c], order, 0)));
                rows2.add(new ClassCounts(c, classSizes[c], reorder(s2Counts(c), order, 0)));
                samples += classSizes[c];
            }
        }
        int n = reader.neurons;
        return new ActivationFrequencies(
                reader.layer,
                reader.unitShape(),
                reader.view,
                options.basis(),
                options.s1(),
                options.s2(),
                n,
                samples,
                invalidSamples,
                emptyMaskSamples,
                reorder(nonFinite, order, 0),
                new FrequencyTable(options.s1().label(), n, options.bins(), rows1),
                new FrequencyTable(options.s2().label(), n, options.bins(), rows2));
    }
}
