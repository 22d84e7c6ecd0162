package dev.onnxinspect.ood;

/**
 * A fit accumulator that knows the score column name of the detector it fits, so that a refusal at fit time is
 * recorded under that name ({@link DetectorSuite.Builder#buildSkippingFailures}: "scale: reason"), which is how the
 * guard and the CLI tell a user why a detector they named is missing.
 */
interface NamedFit {
    /** The fitted detector's {@link OodDetector#name()}. */
    String detectorName();
}
