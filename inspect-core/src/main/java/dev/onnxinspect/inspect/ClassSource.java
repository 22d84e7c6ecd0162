package dev.onnxinspect.inspect;

/** Where the class of a sample comes from (SPEC §2): every statistics table records which one it used. */
public enum ClassSource {
    /** The sample's true label. */
    LABEL,
    /** The model's prediction: argmax of the logits, ties to the lowest class index (SPEC §5). */
    PREDICTED
}
