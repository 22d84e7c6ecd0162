package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;

/**
 * A distributed inspection that cannot run as configured (a missing argument, a Spark job that failed for a reason
 * other than the data): what was wrong and what to do, in one line. Errors in the data (a missing column, a value
 * of the wrong type or length) are {@link dev.onnxinspect.data.DatasetException}s, as in the single-machine library.
 */
public class SparkInspectionException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public SparkInspectionException(String message) {
        super(message);
    }

    public SparkInspectionException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
