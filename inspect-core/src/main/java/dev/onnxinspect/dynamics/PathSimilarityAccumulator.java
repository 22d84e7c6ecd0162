package dev.onnxinspect.dynamics;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the path similarities of SPEC §9 for one layer over a series of checkpoints t = 0..T of the same model on a
 * fixed probe set. Feed the checkpoints in increasing step order with {@link #accept(int, LayerActivations)}; each
 * checkpoint after the first is compared with the one before it and yields
 * <ul>
 *   <li>{@link PathKind#SELF}: cos(p_i^{t-1}, p_i^t) for every probe sample i,</li>
 *   <li>{@link PathKind#CROSS_PATTERN}: cos(p_i^t * p_j^t, p_i^{t-1} * p_j^{t-1}) for every pair of
 *       {@link ProbePairs} (chosen once from the probe set size and the {@link PathOptions}),</li>
 *   <li>{@link PathKind#CROSS_ACTIVATION}: the same on activations, in float64,</li>
 * </ul>
 * each row sent to the {@link PathSimilaritySink} as it is computed, and one {@link StepSummary} per kind kept.
 * The pattern p is S1 with the options' tau (SPEC §1); a cosine is 0 when either vector is all zeros.
 *
 * <p>Choice: steps are the caller's checkpoint labels (e.g. epochs) and may skip numbers; each checkpoint is compared
 * with the previously accepted one, and the values are labelled with the later step. Choice: a non-finite activation
 * is rejected with an exception (it would make cosines NaN), as is a checkpoint whose probe set size or unit count
 * differs from the first one; a rejected checkpoint leaves the accumulator unchanged.
 *
 * <p>Memory: only checkpoints t-1 and t are held (their activations and packed patterns), plus one buffer of a step's
 * values for its quartiles, O(samples * units + pairs); the summaries grow by three small records per step.
 * Activations passed as {@link LayerActivations} are held by reference until the next checkpoint replaces them (that
 * record is never changed by contract); a {@code float[][]} is copied.
 *
 * <p>Mutable and not thread-safe. {@link #merge(PathSimilarityAccumulator)} joins an accumulator that covered other
 * steps of the same series (e.g. one fed checkpoints 0..5 and one fed 5..10): the result equals one pass over all.
 */
public final class PathSimilarityAccumulator {
    private static final Logger LOG = LoggerFactory.getLogger(PathSimilarityAccumulator.class);
    private static final Comparator<StepSummary> ORDER =
            Comparator.comparingInt(StepSummary::step).thenComparing(StepSummary::kind);

    private final String layer;
    private final PathOptions options;
    private final PathSimilaritySink sink;
    private final List<StepSummary> summaries = new ArrayList<>();
    private ProbePairs pairs;
    private int lastStep = -1;
    private ProbeMatrix lastActivations;
    private PatternSet lastPatterns;
    private double[] buffer = new double[0];
    private double[] activationBuffer = new double[0];

    /**
     * @param layer   the layer whose activations will be fed (checked against {@link LayerActivations#layer()})
     * @param options tau, pair sampling; anchors are not used here (see {@link PathOverlapAccumulator})
     * @param sink    receives every row; {@link PathSimilaritySink#NONE} to keep only the summaries
     */
    public PathSimilarityAccumulator(String layer, PathOptions options, PathSimilaritySink sink) {
        if (layer == null || options == null || sink == null) {
            throw new DynamicsException("layer, options and sink must not be null (got layer=" + layer + ", options="
                    + options + ", sink=" + sink + "); use PathSimilaritySink.NONE for no rows");
        }
        this.layer = layer;
        this.options = options;
        this.sink = sink;
    }

    /**
     * Feeds checkpoint {@code step}: the layer's activations for the whole probe set, in probe-set order.
     *
     * @throws DynamicsException when the step is not after the previous one, the layer name differs, the probe set
     *                           size or unit count differs from the first checkpoint, or an activation is not finite
     */
    public void accept(int step, LayerActivations activations) {
        accept(step, ProbeMatrix.of(layer, "layer " + layer + ", step " + step, activations));
    }

    /** As {@link #accept(int, LayerActivations)}, with one {@code float[]} row per probe sample (copied). */
    public void accept(int step, float[][] activations) {
        accept(step, ProbeMatrix.of("layer " + layer + ", step " + step, activations));
    }

    private void accept(int step, ProbeMatrix current) {
        if (step < 0 || step <= lastStep) {
            throw new DynamicsException("layer " + layer + ": checkpoint step " + step + " must be non-negative and"
                    + " after the previous step " + lastStep + "; feed checkpoints in increasing step order");
        }
        if (lastActivations != null) {
            requireSameProbeSet(lastActivations.samples(), lastActivations.units(), current, step);
        }
        if (pairs == null) {
            pairs = ProbePairs.select(current.samples(), options.maxSampledPairs(), options.seed());
            LOG.debug(
                    "layer {}: {} probe samples, {} pairs ({})",
                    layer,
                    current.samples(),
                    pairs.size(),
                    pairs.complete() ? "all" : "sampled with seed " + options.seed());
        }
        PatternSet patterns = PatternSet.of(current, options.tau());
        if (lastActivations != null) {
            compare(step, current, patterns);
        }
        lastStep = step;
        lastActivations = current;
        lastPatterns = patterns;
    }

    private void requireSameProbeSet(int samples, int units, ProbeMatrix current, int step) {
        if (current.samples() != samples) {
            throw new DynamicsException("layer " + layer + ", step " + step + ": " + current.samples()
                    + " probe samples, but earlier checkpoints had " + samples
                    + "; every checkpoint must be run on the same probe set");
        }
        if (current.units() != units) {
            throw new DynamicsException("layer " + layer + ", step " + step + ": " + current.units()
                    + " units per sample, but earlier checkpoints had " + units
                    + "; every checkpoint must come from the same architecture");
        }
    }

    private void compare(int step, ProbeMatrix current, PatternSet patterns) {
        int n = current.samples();
        int m = pairs.size();
        if (buffer.length < Math.max(n, m)) {
            buffer = new double[Math.max(n, m)];
        }
        if (activationBuffer.length < m) {
            activationBuffer = new double[m];
        }
        for (int i = 0; i < n; i++) {
            double s = PatternSet.selfCosine(lastPatterns, patterns, i);
            sink.accept(layer, step, PathKind.SELF, i, -1, s);
            buffer[i] = s;
        }
        summaries.add(StepSummary.of(lastStep, step, PathKind.SELF, buffer, n));
        if (m == 0) {
            return;
        }
        for (int k = 0; k < m; k++) {
            int i = pairs.first(k);
            int j = pairs.second(k);
            double p = PatternSet.crossCosine(lastPatterns, patterns, i, j);
            double a = ProbeMatrix.crossCosine(lastActivations, current, i, j);
            sink.accept(layer, step, PathKind.CROSS_PATTERN, i, j, p);
            sink.accept(layer, step, PathKind.CROSS_ACTIVATION, i, j, a);
            buffer[k] = p;
            activationBuffer[k] = a;
        }
        summaries.add(StepSummary.of(lastStep, step, PathKind.CROSS_PATTERN, buffer, m));
        summaries.add(StepSummary.of(lastStep, step, PathKind.CROSS_ACTIVATION, activationBuffer, m));
    }

    /**
     * Joins {@code other}, which covered other steps of the same layer, probe set and options (its summaries'
     * steps must not overlap this one's). Afterwards this accumulator continues from whichever of the two saw the
     * latest checkpoint. {@code other} is not changed.
     *
     * @throws DynamicsException when layer, options, probe set size, unit count or pairs differ, or steps overlap
     */
    public void merge(PathSimilarityAccumulator other) {
        if (!layer.equals(other.layer) || !options.equals(other.options)) {
            throw new DynamicsException("cannot merge path similarities of layer " + other.layer + " with "
                    + other.options + " into layer " + layer + " with " + options
                    + "; merge only accumulators of the same layer and options");
        }
        if (other.lastActivations == null) {
            return;
        }
        if (lastActivations != null) {
            requireSameProbeSet(
                    lastActivations.samples(), lastActivations.units(), other.lastActivations, other.lastStep);
            var steps = new HashSet<Integer>();
            summaries.forEach(s -> steps.add(s.step()));
            for (StepSummary s : other.summaries) {
                if (steps.contains(s.step())) {
                    throw new DynamicsException("layer " + layer + ": both accumulators hold step " + s.step()
                            + "; merge accumulators that compared disjoint checkpoint pairs"
                            + " (e.g. one fed steps 0..5, the other 5..10)");
                }
            }
        }
        summaries.addAll(other.summaries);
        summaries.sort(ORDER);
        pairs = other.pairs;
        if (other.lastStep > lastStep) {
            lastStep = other.lastStep;
            lastActivations = other.lastActivations;
            lastPatterns = other.lastPatterns;
        }
    }

    /**
     * The per-step summaries so far; unaffected by later {@code accept} calls. With one checkpoint fed there are no
     * steps yet (an empty summary list).
     *
     * @throws DynamicsException when no checkpoint has been fed
     */
    public PathSimilarityResult result() {
        if (lastActivations == null) {
            throw new DynamicsException("layer " + layer + ": no checkpoint accepted yet;"
                    + " call accept(step, activations) for checkpoints t = 0..T first");
        }
        var sorted = new ArrayList<>(summaries);
        sorted.sort(ORDER);
        return new PathSimilarityResult(
                layer, lastActivations.samples(), lastActivations.units(), pairs, options, sorted);
    }
}
