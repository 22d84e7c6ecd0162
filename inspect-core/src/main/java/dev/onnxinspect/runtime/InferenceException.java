package dev.onnxinspect.runtime;

import dev.onnxinspect.OnnxInspectException;

/**
 * ONNX Runtime could not open or run a model, or a batch or output request does not fit the model. The message
 * names the model's expectation and what was received.
 */
public class InferenceException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #InferenceException(String)}, of the given kind. */
    public InferenceException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #InferenceException(String, Throwable)}, of the given kind. */
    public InferenceException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
