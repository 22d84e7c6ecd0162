package dev.onnxinspect.onnx;

import dev.onnxinspect.OnnxInspectException;

/**
 * An ONNX model could not be read or is not a valid graph: the file is empty, not a protobuf model, truncated,
 * too large, references an undefined tensor, contains a cycle, or uses an IR version or opset outside the
 * supported range. The message names the source (file name or {@code <bytes>}) and the problem.
 */
public class ModelFormatException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public ModelFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
