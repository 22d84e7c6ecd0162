package dev.onnxinspect.guard;

import dev.onnxinspect.OnnxInspectException;

/**
 * A bad input to an {@link OodGuard} or a guard that cannot be built or loaded: an input of the wrong length or
 * with NaN or infinite values, an unknown detector name, a model without a usable dense head, or a saved guard that
 * belongs to another model or is damaged. The message says what was expected, what came and what to do.
 */
public class GuardException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public GuardException(String message) {
        super(message);
    }

    public GuardException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #GuardException(String)}, of the given kind. */
    public GuardException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #GuardException(String, Throwable)}, of the given kind. */
    public GuardException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
