/**
 * Embedding OOD detection in an application: an {@link dev.onnxinspect.guard.OodGuard} loads a model and its fitted
 * SPEC §5 detectors once, then answers {@code score(input)} with the prediction, every detector's score and a yes/no
 * out-of-distribution decision against thresholds calibrated on in-distribution data (the {@code fpr95_id}
 * convention of SPEC §6) or, with a target false-alarm rate a, by conformal p-value (p <= a, SPEC §6b); every
 * verdict carries the p-values ({@link dev.onnxinspect.guard.CalibrationScores}).
 *
 * <pre>{@code
 * // once, offline: fit on labelled ID data, calibrate on held-out ID data, save next to the model
 * GuardOptions options = GuardOptions.builder().calibration(heldOut).build();   // energy, 95% TPR
 * try (OodGuard guard = OodGuard.fit(model, train, options)) {
 *     guard.save(guardDir);
 * }
 * // in the application: load once, score from any number of threads
 * try (OodGuard guard = OodGuard.load(model, guardDir)) {
 *     Verdict v = guard.score(pixels);            // float[784]
 *     if (v.ood()) { ... }                        // v.predictedClass(), v.confidence(), v.scores()
 * }
 * }</pre>
 */
package dev.onnxinspect.guard;
