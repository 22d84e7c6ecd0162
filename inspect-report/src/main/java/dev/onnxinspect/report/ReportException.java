package dev.onnxinspect.report;

import dev.onnxinspect.OnnxInspectException;

/** Bad report data (a value outside its range, mismatched sizes) or a report that could not be written. */
public class ReportException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
