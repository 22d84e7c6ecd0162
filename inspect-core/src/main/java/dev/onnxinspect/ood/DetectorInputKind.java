package dev.onnxinspect.ood;

/** What a detector reads from a {@link DetectorInput} (to score, or to fit). */
public enum DetectorInputKind {
    /** The model's logits z, {@code [samples][K]}. */
    LOGITS,
    /** The features h of the chosen layer (default: the input of the last dense layer), {@code [samples][d]}. */
    FEATURES,
    /** The activations of a named layer, for the S1-pattern detectors. */
    LAYER_ACTIVATIONS,
    /** The true class labels (fitting only). */
    LABELS
}
