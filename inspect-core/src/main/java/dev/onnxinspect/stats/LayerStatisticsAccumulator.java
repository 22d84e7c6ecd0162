package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.Optional;

/**
 * The per-layer statistics of the inspection hot path in one pass over each batch: S1 and S2 class-wise
 * frequencies, histograms and active fractions (SPEC §1, §2) and, unless disabled in the options, the S1
 * patterns for the layer perplexity (SPEC §7). Each sample is read (finiteness check, neuron view) once and
 * both statistics are fed from the same row; no allocation per sample except a newly seen pattern.
 * <p>Non-finite samples are left out and counted as in {@link ActivationFrequencyAccumulator}; so are, for a layer
 * viewed {@link NeuronView#MASKED_MEAN}, samples whose attention mask has no 1 (counted apart).
 * <p>Memory: {@link #estimate} states the counters before they are allocated; the patterns add
 * {@link PatternAccumulator#bytesPerPattern} per distinct pattern.
 * <p>Mutable and not thread-safe; {@link #merge} then {@link #result} equals one pass over all the data.
 * The result equals that of separate {@link ActivationFrequencyAccumulator} and {@link PatternAccumulator}s.
 */
public final class LayerStatisticsAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StatsOptions options;
    private final ActivationFrequencyAccumulator frequencies;
    private final PatternAccumulator patterns;

    /**
     * @param options   classes, significance definitions, view, bins, and whether to collect patterns
     * @param layer     the layer (tensor) name every batch must carry
     * @param unitShape the unit shape every batch must have
     */
    public LayerStatisticsAccumulator(StatsOptions options, String layer, int[] unitShape) {
        this.options = options;
        this.frequencies = new ActivationFrequencyAccumulator(options, layer, unitShape);
        this.patterns = options.patterns() ? new PatternAccumulator(options, frequencies.reader()) : null;
    }

    /**
     * Counts one batch.
     *
     * @param classes the class of each sample, each in [0, K)
     * @param acts    the layer's activations for the batch
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        accept(classes, acts, null, 0, classes == null || acts == null ? 0 : acts.samples());
    }

    /**
     * Counts one batch of a layer viewed {@link NeuronView#MASKED_MEAN} with the batch's attention mask (null for
     * the other views).
     *
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a missing mask, a mask for
     *                        another view, or one whose samples or length differ from the batch's
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask) {
        accept(classes, acts, mask, 0, classes == null || acts == null ? 0 : acts.samples());
    }

    /** The memory of this layer's counters at most (see {@link ActivationFrequencyAccumulator#estimate}). */
    public static MemoryEstimate estimate(StatsOptions options, String layer, int[] unitShape) {
        return ActivationFrequencyAccumulator.estimate(options, layer, unitShape);
    }

    /**
     * Counts the samples {@code [from, to)} of a batch only, so that several accumulators can share the work on
     * one batch (e.g. two threads, each with its own accumulator, take one half each; {@link #merge} then gives
     * exactly the counts of one {@link #accept(int[], LayerActivations)} of the whole batch).
     *
     * @param classes the class of each sample of the whole batch, each in [0, K)
     * @param acts    the layer's activations for the whole batch
     * @param from    the first sample to count
     * @param to      one past the last sample to count, {@code from <= to <= acts.samples()}
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a range outside the batch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts, int from, int to) {
        accept(classes, acts, null, from, to);
    }

    /**
     * Counts the samples {@code [from, to)} of a batch with its attention mask (for MASKED_MEAN; null otherwise).
     *
     * @throws StatsException as {@link #accept(int[], LayerActivations, int, int)} and
     *                        {@link #accept(int[], LayerActivations, SequenceMask)}
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask, int from, int to) {
        NeuronReader reader = frequencies.reader();
        int samples = reader.check(classes, acts, options.numClasses(), mask);
        if (from < 0 || from > to || to > samples) {
            throw new StatsException("sample range [" + from + ", " + to + ") of layer " + reader.layer
                    + " is not inside the batch of " + samples + " samples; pass 0 <= from <= to <= " + samples);
        }
        for (int i = from; i < to; i++) {
            if (reader.load(acts, i)) {
                frequencies.acceptNeurons(classes[i], reader.bits, reader.scan);
                if (patterns != null) {
                    patterns.acceptNeurons(classes[i], reader.bits);
                }
            } else {
                frequencies.acceptInvalid();
                if (patterns != null) {
                    patterns.acceptInvalid();
                }
            }
        }
    }

    /**
     * Adds another accumulator's statistics to this one (the other is unchanged).
     *
     * @throws StatsException when the other was made for another layer, shape or options
     */
    public void merge(LayerStatisticsAccumulator other) {
        if (!options.equals(other.options)) {
            throw new StatsException("cannot merge layer statistics made with " + other.options + " into ones made "
                    + "with " + options + "; merge only accumulators made with the same options");
        }
        frequencies.merge(other.frequencies);
        if (patterns != null) {
            patterns.merge(other.patterns);
        }
    }

    /** The statistics so far; later updates do not change the returned result. */
    public LayerStatistics result() {
        return new LayerStatistics(
                frequencies.result(), patterns == null ? Optional.empty() : Optional.of(patterns.result()));
    }
}
