/**
 * Training dynamics on trained checkpoints (issue 9; SPEC §9, §10, §11 extreme overfitting, §12 tables): the
 * inspect-core accumulators of {@code dev.onnxinspect.dynamics} wired to ONNX checkpoints, Arrow tables, an HTML report
 * and two runnable samples.
 *
 * <ul>
 *   <li>{@link dev.onnxinspect.samples.dynamics.CheckpointSeries}: checkpoints t = 0..T from a run directory
 *       ({@code checkpoint-<t>.onnx}, as the trainers' {@code OnnxCheckpointWriter} saves them during training) or
 *       from in-memory parameters, loaded one at a time;</li>
 *   <li>{@link dev.onnxinspect.samples.dynamics.DynamicsAnalysis}: runs each checkpoint on a fixed probe set with ONNX
 *       Runtime and feeds the path and weight accumulators; {@link dev.onnxinspect.samples.dynamics.DynamicsTables}
 *       does the same while streaming the {@code path_similarity} table, plus {@code training_history} and
 *       {@link dev.onnxinspect.samples.dynamics.WeightNormsCsv};</li>
 *   <li>{@link dev.onnxinspect.samples.dynamics.DynamicsReport}: the self-contained HTML page;</li>
 *   <li>{@link dev.onnxinspect.samples.dynamics.DynamicsSample} and
 *       {@link dev.onnxinspect.samples.dynamics.OverfittingDistanceSample}: the runnable samples
 *       ({@code scripts/sample-dynamics.sh}, {@code scripts/sample-overfitting-distance.sh}).</li>
 * </ul>
 */
package dev.onnxinspect.samples.dynamics;
