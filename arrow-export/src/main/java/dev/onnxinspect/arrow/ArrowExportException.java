package dev.onnxinspect.arrow;

import dev.onnxinspect.OnnxInspectException;

/**
 * Raised by the Arrow export and import code for a bad argument (an unknown dictionary key, a NaN, a count out of
 * range), a misuse of a writer's lifecycle, an input table of the wrong shape, or an I/O failure in the middle of
 * writing rows. The message says what was wrong, what was expected and what to do.
 */
public class ArrowExportException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public ArrowExportException(String message) {
        super(message);
    }

    public ArrowExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
