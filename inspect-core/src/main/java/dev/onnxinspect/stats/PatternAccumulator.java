package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.ChannelBlocks;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects, per class, the distinct S1 patterns of one layer with their counts, for the layer perplexity (SPEC
 * §7). Patterns are stored exactly (packed bits, compared word by word).
 * <p>Memory grows with the number of distinct patterns, which is inherent: in a wide layer every sample tends
 * to have its own pattern, costing about n / 8 bytes (rounded up to whole blocks of {@link Pattern#BLOCK}
 * neurons in wide layers) plus ~80 bytes of map overhead per sample. Disable it
 * ({@link StatsOptions#patterns}) for wide layers where P = N_c is expected anyway. {@link #bytesPerPattern} says
 * the memory of one distinct pattern before any is stored.
 * <p>Mutable and not thread-safe; {@link #merge} then {@link #result} equals one pass over all the data, exactly
 * (the entropy is summed over pattern multiplicities in ascending order, independent of insertion order).
 * <p>Activations stored in ONNX Runtime's blocked channel layout ({@link
 * dev.onnxinspect.runtime.LayerActivations#channelBlock()}) are packed in their stored order: a one-to-one map of the
 * neurons, so the distinct patterns, their counts and the entropy are those of neuron order. A merge of accumulators
 * that packed in different orders repacks the other's patterns into this one's order.
 */
public final class PatternAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StatsOptions options;
    private final NeuronReader reader;
    private final float threshold;
    private final List<Map<Pattern, int[]>> patterns;
    private final int[] classSizes;
    private final Pattern probe;
    /** The S1 bit of each neuron of the current sample: 0 or 1, or in the folded layout 0 or its row bit. */
    private final int[] on;
    /** The row bits of the folded layout ({@link Pattern#foldedRowBits}), or null for the narrow layout. */
    private final int[] rowBits;

    private long invalidSamples;
    private long emptyMaskSamples;

    /**
     * @param options   classes, S1 definition and view (the S2 and bins settings are not used)
     * @param layer     the layer (tensor) name every batch must carry
     * @param unitShape the unit shape every batch must have
     */
    public PatternAccumulator(StatsOptions options, String layer, int[] unitShape) {
        this(options, new NeuronReader(layer, unitShape, options.view()));
        reader.allowStoredOrder();
    }

    /** An accumulator fed through {@link #acceptNeurons} from a reader it shares (and its scratch arrays). */
    PatternAccumulator(StatsOptions options, NeuronReader reader) {
        this.options = options;
        this.reader = reader;
        this.threshold = options.s1().floatThreshold();
        this.patterns = new ArrayList<>();
        for (int c = 0; c < options.numClasses(); c++) {
            patterns.add(new HashMap<>());
        }
        this.classSizes = new int[options.numClasses()];
        this.probe = new Pattern(new long[Pattern.wordCount(reader.neurons)]);
        this.on = new int[reader.neurons];
        this.rowBits = Pattern.folded(reader.neurons) ? Pattern.foldedRowBits(reader.neurons) : null;
    }

    /**
     * Counts one batch's patterns.
     *
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        accept(classes, acts, null);
    }

    /**
     * Counts one batch's patterns of a layer viewed {@link NeuronView#MASKED_MEAN}, with the batch's attention
     * mask (null for the other views); a sample whose mask has no 1 is left out and counted.
     *
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a missing or mismatched mask
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask) {
        int samples = reader.check(classes, acts, options.numClasses(), mask);
        for (int i = 0; i < samples; i++) {
            if (reader.load(acts, i)) {
                acceptNeurons(classes[i], reader.bits);
            } else {
                acceptInvalid();
            }
        }
    }

    /**
     * The memory one distinct pattern of a layer of n neurons (of its view) takes: its packed words plus the
     * objects of its map entry (the pattern, its word array, the entry, the count; about 96 bytes with compressed
     * references). A class whose every sample has its own pattern takes this per sample.
     */
    public static long bytesPerPattern(int neurons) {
        return (long) Pattern.wordCount(neurons) * Long.BYTES + 96;
    }

    /** Counts the sample that the reader last rejected as invalid (non-finite, or an empty mask). */
    void acceptInvalid() {
        if (reader.emptyMask) {
            emptyMaskSamples++;
        } else {
            invalidSamples++;
        }
    }

    /** Counts the pattern of one valid sample whose neurons have the bit patterns {@code bits[0 .. n)}. */
    void acceptNeurons(int cls, int[] bits) {
        if (classSizes[cls] == Integer.MAX_VALUE) {
            throw new StatsException("class " + cls + " of layer " + reader.layer + " has " + Integer.MAX_VALUE
                    + " samples, the most one accumulator can count; split the data");
        }
        packS1(bits, reader.neurons);
        probe.rehash();
        int[] count = patterns.get(cls).get(probe);
        if (count == null) {
            patterns.get(cls).put(probe.copy(), new int[] {1});
        } else {
            count[0]++;
        }
        classSizes[cls]++;
    }

    /** Packs the S1 pattern of the neurons {@code bits[0 .. n)} into the probe, in the layout for n neurons. */
    private void packS1(int[] bits, int n) {
        if (!SignificantBits.bitComparable(threshold)) {
            SignificantBits.above(on, bits, n, threshold);
            if (rowBits != null) {
                for (int j = 0; j < n; j++) {
                    on[j] = rowBits[j] & -on[j];
                }
            }
        } else if (rowBits == null) {
            SignificantBits.above(on, bits, n, SignificantBits.thresholdBits(threshold));
        } else {
            SignificantBits.select(on, bits, n, SignificantBits.thresholdBits(threshold), rowBits);
        }
        if (rowBits == null) {
            Pattern.pack(on, n, probe.words);
        } else {
            Pattern.packFolded(on, n, probe.words);
        }
    }

    /**
     * Adds another accumulator's patterns to this one (the other is unchanged).
     *
     * @throws StatsException when the other counts another layer, shape, view or options
     */
    public void merge(PatternAccumulator other) {
        if (!options.equals(other.options) || !reader.sameLayout(other.reader)) {
            throw new StatsException("cannot merge the pattern accumulator of " + other.reader.describe()
                    + " into the one of " + reader.describe() + "; merge only accumulators made with the same "
                    + "layer, shape and options");
        }
        int order = reader.adoptOrder(other.reader);
        int otherOrder = other.reader.storedBlock();
        for (int c = 0; c < classSizes.length; c++) {
            long size = (long) classSizes[c] + other.classSizes[c];
            if (size > Integer.MAX_VALUE) {
                throw new StatsException("class " + c + " of layer " + reader.layer + " would have " + size
                        + " samples, more than one accumulator can count");
            }
            Map<Pattern, int[]> mine = patterns.get(c);
            for (Map.Entry<Pattern, int[]> e : other.patterns.get(c).entrySet()) {
                int add = e.getValue()[0];
                // keys are never changed once stored, so sharing them between accumulators is safe
                Pattern key = otherOrder == order ? e.getKey() : repack(e.getKey(), otherOrder, order);
                mine.merge(key, new int[] {add}, (a, b) -> {
                    a[0] += b[0];
                    return a;
                });
            }
            classSizes[c] = (int) size;
        }
        invalidSamples += other.invalidSamples;
        emptyMaskSamples += other.emptyMaskSamples;
    }

    /** A pattern packed with the neurons in stored order {@code from}, packed again in stored order {@code to}. */
    private Pattern repack(Pattern pattern, int from, int to) {
        int n = reader.neurons;
        int plane = reader.plane();
        int[] fromOn = new int[n];
        Pattern.unpack(pattern.words, n, fromOn);
        int[] toOn = new int[n];
        for (int j = 0; j < n; j++) {
            int bit = fromOn[ChannelBlocks.storedIndex(j, plane, from)];
            int at = ChannelBlocks.storedIndex(j, plane, to);
            toOn[at] = rowBits == null ? bit : rowBits[at] & -bit;
        }
        long[] words = new long[pattern.words.length];
        if (rowBits == null) {
            Pattern.pack(toOn, n, words);
        } else {
            Pattern.packFolded(toOn, n, words);
        }
        return new Pattern(words);
    }

    /** The statistics so far; later updates do not change the returned result. */
    public PatternStatistics result() {
        List<ClassPatterns> rows = new ArrayList<>();
        long samples = 0;
        for (int c = 0; c < classSizes.length; c++) {
            if (classSizes[c] == 0) {
                continue;
            }
            int[] counts = patterns.get(c).values().stream().mapToInt(a -> a[0]).toArray();
            double entropy = entropy(counts, classSizes[c]);
            rows.add(new ClassPatterns(c, classSizes[c], counts.length, entropy, Math.exp(entropy)));
            samples += classSizes[c];
        }
        return new PatternStatistics(
                reader.layer,
                reader.view,
                options.basis(),
                options.s1(),
                samples,
                invalidSamples,
                emptyMaskSamples,
                rows);
    }

    /**
     * H = -sum over patterns (n / N) ln(n / N), grouping patterns of equal count n (multiplicity m) and summing
     * m * (n / N) ln(n / N) in ascending n, so the result does not depend on the order patterns were seen.
     */
    static double entropy(int[] counts, int total) {
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        double sum = 0.0;
        int k = 0;
        while (k < sorted.length) {
            int n = sorted[k];
            int m = 0;
            while (k < sorted.length && sorted[k] == n) {
                m++;
                k++;
            }
            double p = n / (double) total;
            sum += m * (p * Math.log(p));
        }
        return sum == 0.0 ? 0.0 : -sum; // one pattern: ln 1 = 0, and never -0.0
    }
}
