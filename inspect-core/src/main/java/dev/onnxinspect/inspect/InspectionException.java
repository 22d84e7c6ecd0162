package dev.onnxinspect.inspect;

import dev.onnxinspect.OnnxInspectException;

/**
 * An inspection could not start or stopped: bad configuration, an empty data source, a label outside the model's
 * classes, undefined predictions, or a failure while running the model (the original exception is the cause).
 */
public class InspectionException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public InspectionException(String message) {
        super(message);
    }

    public InspectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
