package dev.onnxinspect.ood;

/**
 * A fit accumulator that keeps a bank of fit samples (SPEC §5b: NNGuide, Relation), whose memory grows with the fit
 * set: a memory plan states it before the fit ({@link NnGuideDetector#estimate}, {@link RelationDetector#estimate})
 * and may leave the detector out ({@link DetectorSuite.Builder#leaveOut}).
 */
interface BankAccumulator {
    /** The name of the detector the accumulator fits (its score column). */
    String detectorName();
}
