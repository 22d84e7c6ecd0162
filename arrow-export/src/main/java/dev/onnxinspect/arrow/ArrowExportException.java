package dev.onnxinspect.arrow;

import dev.onnxinspect.OnnxInspectException;

/**
 * Raised by the Arrow export and import code for a bad argument (an unknown dictionary key, a NaN, a count out of
 * range), a misuse of a writer's lifecycle, an input table of the wrong shape, or an I/O failure in the middle of
 * writing rows. The message says what was wrong, what was expected and what to do. Its kind is
 * {@link OnnxInspectException.Kind#IO} for a file that cannot be read or written (including an image table that
 * cannot be read during a pass, where {@link java.util.Iterator#next()} cannot throw a checked exception) and
 * {@link OnnxInspectException.Kind#INVALID_INPUT} for the rest.
 */
public class ArrowExportException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public ArrowExportException(String message) {
        super(message);
    }

    public ArrowExportException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #ArrowExportException(String)}, of the given kind. */
    public ArrowExportException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #ArrowExportException(String, Throwable)}, of the given kind. */
    public ArrowExportException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
