package dev.onnxinspect.dynamics;

import java.util.List;

/**
 * The per-step summaries of the path similarities of one layer over a checkpoint series (SPEC §9), as
 * {@link PathSimilarityAccumulator#result()} returns them. Immutable.
 *
 * @param layer     the layer name
 * @param samples   the probe set size
 * @param units     the layer's units per sample
 * @param pairs     the pairs the cross similarities were computed on
 * @param options   the settings used
 * @param summaries one summary per (step, kind), ordered by step, then kind; no cross summaries when the probe set
 *                  has a single sample (no pairs)
 */
public record PathSimilarityResult(
        String layer, int samples, int units, ProbePairs pairs, PathOptions options, List<StepSummary> summaries) {
    public PathSimilarityResult {
        summaries = List.copyOf(summaries);
    }

    /** The steps t (later checkpoint of each compared pair) in increasing order. */
    public List<Integer> steps() {
        return summaries.stream().map(StepSummary::step).distinct().toList();
    }

    /** The summaries of one kind, in step order. */
    public List<StepSummary> summaries(PathKind kind) {
        return summaries.stream().filter(s -> s.kind() == kind).toList();
    }

    /**
     * The summary of {@code kind} at {@code step}.
     *
     * @throws DynamicsException when there is none (the step was not compared, or the kind has no values)
     */
    public StepSummary summary(int step, PathKind kind) {
        return summaries.stream()
                .filter(s -> s.step() == step && s.kind() == kind)
                .findFirst()
                .orElseThrow(() -> new DynamicsException("layer " + layer + ": no " + kind + " summary at step " + step
                        + "; steps present: " + steps()));
    }

    /**
     * The early-to-mid ratio of SPEC §9 for {@code kind} (normally a cross kind); see {@link EarlyToMidRatio}.
     *
     * @throws DynamicsException when a range holds no step of this result or the middle mean is 0
     */
    public EarlyToMidRatio earlyToMidRatio(PathKind kind, StepRange early, StepRange middle) {
        return EarlyToMidRatio.of(this, kind, early, middle);
    }
}
