/**
 * OOD evaluation metrics of SPEC §6: {@link dev.onnxinspect.metrics.OodMetrics#evaluate} turns the scores of an ID
 * set and an OOD set (higher = more OOD) into an immutable {@link dev.onnxinspect.metrics.OodEvaluation} with
 * AUROC, AUPR-In/Out, both FPR@95TPR conventions, detection error and the {@link dev.onnxinspect.metrics.RocCurve}.
 */
package dev.onnxinspect.metrics;
