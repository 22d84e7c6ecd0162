package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException;

/**
 * A bad input to an OOD detector (SPEC §5): missing or mis-shaped logits, features or layer activations, NaN
 * values, fit data that cannot define the detector, or a saved detector that does not belong to the model.
 */
public class OodException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public OodException(String message) {
        super(message);
    }

    public OodException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #OodException(String)}, of the given kind. */
    public OodException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #OodException(String, Throwable)}, of the given kind. */
    public OodException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
