package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException;

/**
 * A dataset file is missing, corrupt or malformed, or a data source was used wrongly. The message names the file
 * (where there is one), says what was expected and what was found, and how to fix it (for a missing or corrupt
 * cached dataset: the one command that fetches it).
 */
public class DatasetException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
