package dev.onnxinspect.onnx.graph;

import dev.onnxinspect.OnnxInspectException;

/** A graph being built is invalid: wrong arity, bad attribute, undefined or duplicate tensor name. */
public class GraphBuildException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public GraphBuildException(String message) {
        super(message);
    }

    /** As {@link #GraphBuildException(String)}, of the given kind. */
    public GraphBuildException(Kind kind, String message) {
        super(kind, message);
    }
}
