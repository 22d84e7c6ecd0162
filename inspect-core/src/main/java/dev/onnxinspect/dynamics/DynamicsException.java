package dev.onnxinspect.dynamics;

import dev.onnxinspect.OnnxInspectException;

/**
 * A bad argument or inconsistent checkpoint series given to the training-dynamics statistics (SPEC §9, §10):
 * mismatched probe sets, unit counts or weight layouts across checkpoints, steps out of order, empty or invalid
 * step ranges. The message says what was expected, what came, and what to do.
 */
public class DynamicsException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public DynamicsException(String message) {
        super(message);
    }

    /** As {@link #DynamicsException(String)}, keeping the failure that caused it (e.g. an unreadable checkpoint). */
    public DynamicsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #DynamicsException(String)}, of the given kind. */
    public DynamicsException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #DynamicsException(String, Throwable)}, of the given kind. */
    public DynamicsException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
