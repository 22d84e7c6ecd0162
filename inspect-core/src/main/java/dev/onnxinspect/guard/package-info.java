/**
 * Embedding OOD detection in an application: an {@link dev.onnxinspect.guard.OodGuard} loads a model and its fitted
 * SPEC §5 detectors once, then answers {@code score(input)} with the prediction, every detector's score and a yes/no
 * out-of-distribution decision against thresholds calibrated on in-distribution data (the {@code fpr95_id}
 * convention of SPEC §6).
 */
package dev.onnxinspect.guard;
