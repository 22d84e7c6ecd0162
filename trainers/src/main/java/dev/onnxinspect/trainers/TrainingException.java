package dev.onnxinspect.trainers;

import dev.onnxinspect.OnnxInspectException;

/**
 * Raised by the trainers module for a bad architecture, bad training data, a bad configuration or a failure of the
 * training engine. The message says what was expected, what came and what to do. A checkpoint or run file that
 * cannot be written is of kind {@link OnnxInspectException.Kind#IO}, a training engine that cannot be loaded on
 * this machine of kind {@link OnnxInspectException.Kind#UNSUPPORTED}.
 */
public class TrainingException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #TrainingException(String)}, of the given kind. */
    public TrainingException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #TrainingException(String, Throwable)}, of the given kind. */
    public TrainingException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
