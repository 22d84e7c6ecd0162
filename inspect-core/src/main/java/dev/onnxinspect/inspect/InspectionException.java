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

    /** As {@link #InspectionException(String)}, of the given kind. */
    public InspectionException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #InspectionException(String, Throwable)}, of the given kind. */
    public InspectionException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
