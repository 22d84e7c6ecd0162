package dev.onnxinspect.ood;

/**
 * A fit accumulator of the SPEC §5b bank and gradient detectors, known by its detector's name: NNGuide and Relation
 * keep a bank of fit samples whose memory grows with the fit set (a memory plan states it before the fit,
 * {@link NnGuideDetector#estimate}, {@link RelationDetector#estimate}, and may leave the detector out,
 * {@link DetectorSuite.Builder#leaveOut}); NAC-UE's may be replaced by one over more layers
 * ({@link DetectorSuite.Builder#replace}).
 */
interface BankAccumulator {
    /** The name of the detector the accumulator fits (its score column). */
    String detectorName();
}
