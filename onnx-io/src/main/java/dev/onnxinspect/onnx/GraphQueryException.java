package dev.onnxinspect.onnx;

import dev.onnxinspect.OnnxInspectException;

/**
 * A question asked of a valid model has no answer: a tensor or node name that does not exist, a selector that
 * matches nothing, a tensor that is not produced by a dense layer, a model without a dense layer before its
 * logits. The message lists the closest names that do exist.
 */
public class GraphQueryException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public GraphQueryException(String message) {
        super(message);
    }

    /** As {@link #GraphQueryException(String)}, of the given kind. */
    public GraphQueryException(Kind kind, String message) {
        super(kind, message);
    }
}
