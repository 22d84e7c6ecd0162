package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException;
import java.io.IOException;
import java.nio.file.Path;

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

    /**
     * The refusal of a file whose content cannot be decoded, the same for every format: {@link Kind#INVALID_INPUT}
     * (exit code 3), one line that names the file and what the decoder found, e.g. {@code cannot read x.arrow: the
     * file is damaged or truncated (IndexOutOfBoundsException: index: 1024, length: 8); write it again}. A refusal
     * ({@link OnnxInspectException}) is returned as it is. Choice: any other failure while decoding a file's content
     * (an {@link IOException} of the decoder included, such as a {@code ZipException}) is taken for a damaged file,
     * not an I/O error; a file that cannot be opened at all stays an I/O error ({@link Kind#IO}, exit code 4).
     */
    public static OnnxInspectException damaged(Path file, Throwable cause) {
        if (cause instanceof OnnxInspectException refusal) {
            return refusal;
        }
        return new DatasetException(
                "cannot read " + file + ": the file is damaged or truncated (" + oneLine(cause) + "); write it again",
                cause);
    }

    /** {@code Type: first line of the message} (at most 200 characters of it), for a message on one line. */
    public static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? "" : t.getMessage().strip();
        int newline = m.indexOf('\n');
        String first = (newline < 0 ? m : m.substring(0, newline)).strip();
        if (first.length() > 200) {
            first = first.substring(0, 200) + "...";
        }
        return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }
}
