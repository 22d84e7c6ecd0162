/**
 * Out-of-distribution detectors of SPEC §5; every score is float64 and higher = more OOD.
 *
 * <p>Lifecycle: build a {@link dev.onnxinspect.ood.DetectorInput} per batch from plain arrays (logits, the features
 * h of the chosen layer, per-layer activations, labels for fitting), so detectors never touch the runtime. Detectors
 * that need no fit are created directly ({@code MaxSoftmaxDetector.msp()}, {@code EnergyDetector.create()},
 * {@code AshDetector.create(dense, Variant.B)}, ...). Fitted detectors come from a
 * {@link dev.onnxinspect.ood.FitAccumulator} ({@code MahalanobisDetector.accumulator(classes)}, ...): feed it ID
 * fit batches with {@code accept}, combine partial accumulators with {@code merge}, and call {@code result}.
 * Fitted detectors are immutable and score from many threads at once. A
 * {@link dev.onnxinspect.ood.DetectorSuite} scores one input into named columns and saves/loads all its detectors
 * through {@link dev.onnxinspect.ood.DetectorFiles} (bound to the model's SHA-256).
 */
package dev.onnxinspect.ood;
