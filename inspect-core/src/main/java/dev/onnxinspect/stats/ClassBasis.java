package dev.onnxinspect.stats;

/**
 * Which class a sample is counted under (SPEC §2): its true label where labels exist, else the model's predicted
 * class (argmax of the logits, ties to the lowest index). The accumulators take the class ids already resolved;
 * every result records which basis they came from, so that a table always says what "class" means.
 */
public enum ClassBasis {
    /** The sample's true label. */
    LABEL,
    /** The model's predicted class (argmax of the logits). */
    PREDICTED
}
