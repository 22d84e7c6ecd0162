package dev.onnxinspect.dynamics;

/**
 * Receives the rows of the {@code path_similarity} table (SPEC §12) as {@link PathSimilarityAccumulator} computes
 * them, so a writer can stream them to disk without the accumulator holding them. Called on the thread that calls
 * {@code accept}; within one step, all {@link PathKind#SELF} rows come first (by sample), then for each pair in
 * {@link ProbePairs} order its {@link PathKind#CROSS_PATTERN} row and then its {@link PathKind#CROSS_ACTIVATION} row.
 */
@FunctionalInterface
public interface PathSimilaritySink {
    /** A sink that drops every row (when only the per-step summaries are wanted). */
    PathSimilaritySink NONE = (layer, step, kind, sampleI, sampleJ, similarity) -> {};

    /**
     * One row.
     *
     * @param layer      the layer name
     * @param step       the checkpoint step t of the later checkpoint of the compared pair (t-1, t)
     * @param kind       which similarity
     * @param sampleI    probe sample i
     * @param sampleJ    probe sample j &gt; i for the cross kinds, -1 for {@link PathKind#SELF}
     * @param similarity the cosine, in [-1, 1] (in [0, 1] for patterns)
     */
    void accept(String layer, int step, PathKind kind, int sampleI, int sampleJ, double similarity);
}
