package dev.onnxinspect;

/**
 * The one unchecked base exception of onnx-inspect. Every error the library raises for a bad model, bad data or a
 * bad argument is this type or a subclass, with a message that says what was expected, what came, and what to do.
 * Checked {@link java.io.IOException}s appear only at file boundaries.
 */
public class OnnxInspectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxInspectException(String message) {
        super(message);
    }

    public OnnxInspectException(String message, Throwable cause) {
        super(message, cause);
    }
}
