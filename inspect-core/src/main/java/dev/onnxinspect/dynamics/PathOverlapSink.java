package dev.onnxinspect.dynamics;

/**
 * Receives, per checkpoint and pair, the path overlap against the input distance (SPEC §9) as
 * {@link PathOverlapAccumulator} computes them, in {@link ProbePairs} order.
 */
@FunctionalInterface
public interface PathOverlapSink {
    /** A sink that drops every row. */
    PathOverlapSink NONE = (layer, step, sampleI, sampleJ, overlap, inputDistance) -> {};

    /**
     * One row.
     *
     * @param layer         the layer name
     * @param step          the checkpoint step t
     * @param sampleI       probe sample i
     * @param sampleJ       probe sample j &gt; i
     * @param overlap       p_i^t . p_j^t, the number of units on for both samples
     * @param inputDistance ||x_i - x_j||_2 (float64; the same at every step)
     */
    void accept(String layer, int step, int sampleI, int sampleJ, int overlap, double inputDistance);
}
