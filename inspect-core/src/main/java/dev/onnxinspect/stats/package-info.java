/**
 * Activation statistics of instrumented layers: significance of neurons (SPEC §1), class-wise activation
 * frequencies with histograms and active fractions (§2), neuron-weight interactions of dense layers (§3), class
 * profiles and KL divergences (§4), layer perplexity of S1 patterns (§7) and nodes as classifiers (§8).
 *
 * <p>Lifecycle: every statistic is an {@code *Accumulator} made for one layer (its tensor name and unit shape)
 * and one set of options; {@code accept(int[] classes, LayerActivations acts)} counts a batch (the class ids
 * already resolved: labels or predictions, recorded as {@link dev.onnxinspect.stats.ClassBasis}),
 * {@code merge(other)} adds another accumulator's data (the result then equals one pass over all the data,
 * exactly: counts are integers, and floating sums are taken in an order independent of arrival), and
 * {@code result()} returns an immutable record that copies its arrays. Accumulators are mutable and not
 * thread-safe: one per thread, merged at the end. A bad batch raises a
 * {@link dev.onnxinspect.stats.StatsException} before anything is counted.
 *
 * <p>For the inspection hot path use {@link dev.onnxinspect.stats.LayerStatisticsAccumulator}, which feeds S1
 * and S2 frequencies and S1 patterns from one read of each sample.
 *
 * <p>Memory: frequencies take two ints per (class, neuron) and interactions one int per (class, out, in), both
 * independent of the number of samples; patterns grow with the number of distinct patterns and the node
 * classifiers with the number of on-activations, as their definitions require. Each states its memory before it is
 * allocated ({@link dev.onnxinspect.stats.MemoryEstimate}: {@code LayerStatisticsAccumulator.estimate},
 * {@code PatternAccumulator.bytesPerPattern}, {@code NodeClassifierFitAccumulator.estimate},
 * {@code InteractionAccumulator.estimate}); a {@link dev.onnxinspect.stats.NeuronView} other than FLATTENED (channel
 * means or maxima of a conv map, masked means of a sequence layer with its
 * {@link dev.onnxinspect.stats.SequenceMask}) is how a large layer fits.
 */
package dev.onnxinspect.stats;
