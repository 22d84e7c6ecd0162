/**
 * Training dynamics (SPEC §9, §10): how the activation paths of a fixed probe set and the weights change across the
 * checkpoints t = 0..T of one model.
 *
 * <ul>
 *   <li>{@link dev.onnxinspect.dynamics.PathSimilarityAccumulator}: self and cross path similarities between
 *       consecutive checkpoints, streamed to a {@link dev.onnxinspect.dynamics.PathSimilaritySink} (the
 *       {@code path_similarity} table of SPEC §12) and summarised per step
 *       ({@link dev.onnxinspect.dynamics.PathSimilarityResult}, {@link dev.onnxinspect.dynamics.EarlyToMidRatio});</li>
 *   <li>{@link dev.onnxinspect.dynamics.PathOverlapAccumulator}: path overlap against input distance and nearest
 *       neighbours by path overlap ({@link dev.onnxinspect.dynamics.NeighbourRanks});</li>
 *   <li>{@link dev.onnxinspect.dynamics.WeightNormAccumulator}: ||theta_t|| and ||theta_t - theta_0|| per layer and
 *       in total ({@link dev.onnxinspect.dynamics.WeightTrajectory}).</li>
 * </ul>
 * The building blocks are public too: {@link dev.onnxinspect.dynamics.PatternSet} (S1 patterns of a probe set as
 * packed bitsets, cosines from bit counts) and {@link dev.onnxinspect.dynamics.ProbePairs} (all pairs, or a seeded
 * sample of pairs above 256 probe samples). One accumulator per layer; none is thread-safe; results are immutable.
 * Every bad input raises a {@link dev.onnxinspect.dynamics.DynamicsException} that says what to do.
 */
package dev.onnxinspect.dynamics;
