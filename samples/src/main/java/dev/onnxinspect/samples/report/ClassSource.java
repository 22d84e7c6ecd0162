package dev.onnxinspect.samples.report;

/** Where the class of a sample came from (SPEC §2: every table says which it used). */
public enum ClassSource {
    /** The dataset's true label. */
    LABEL,
    /** The model's prediction (argmax of the logits), used where a dataset has no labels. */
    PREDICTED
}
