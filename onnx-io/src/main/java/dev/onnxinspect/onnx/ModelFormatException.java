package dev.onnxinspect.onnx;

import dev.onnxinspect.OnnxInspectException;

/**
 * An ONNX model could not be read or is not a valid graph: the file is empty, not a protobuf model, truncated,
 * too large, references an undefined tensor, contains a cycle, or uses an IR version or opset outside the
 * supported range. The message names the source (file name or {@code <bytes>}) and the problem. Its kind is
 * {@link OnnxInspectException.Kind#INVALID_INPUT} for a malformed model,
 * {@link OnnxInspectException.Kind#UNSUPPORTED} for a valid one this library cannot handle (IR version, opset,
 * size) and {@link OnnxInspectException.Kind#IO} for a model path or data file that cannot be read.
 */
public class ModelFormatException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public ModelFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }

    /** As {@link #ModelFormatException(String, String)}, of the given kind. */
    public ModelFormatException(Kind kind, String source, String problem) {
        super(kind, source + ": " + problem);
    }

    /** As {@link #ModelFormatException(String, String, Throwable)}, of the given kind. */
    public ModelFormatException(Kind kind, String source, String problem, Throwable cause) {
        super(kind, source + ": " + problem, cause);
    }
}
