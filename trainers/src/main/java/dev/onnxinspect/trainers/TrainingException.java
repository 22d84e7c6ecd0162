package dev.onnxinspect.trainers;

import dev.onnxinspect.OnnxInspectException;

/**
 * Raised by the trainers module for a bad architecture, bad training data, a bad configuration or a failure of the
 * training engine. The message says what was expected, what came and what to do.
 */
public class TrainingException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
