package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException;

/**
 * A dataset file is missing, corrupt or malformed, or a data source was used wrongly. The message names the file
 * (where there is one), says what was expected and what was found, and how to fix it (for a missing or corrupt
 * cached dataset: the one command that fetches it). A file that is missing or cannot be read is of kind
 * {@link OnnxInspectException.Kind#IO}; a file with the wrong content, a bad batch or a misused source is of kind
 * {@link OnnxInspectException.Kind#INVALID_INPUT}.
 */
public class DatasetException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** As {@link #DatasetException(String)}, of the given kind. */
    public DatasetException(Kind kind, String message) {
        super(kind, message);
    }

    /** As {@link #DatasetException(String, Throwable)}, of the given kind. */
    public DatasetException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
