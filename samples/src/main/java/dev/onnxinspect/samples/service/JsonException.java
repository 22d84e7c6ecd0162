package dev.onnxinspect.samples.service;

import dev.onnxinspect.OnnxInspectException;

/** A request body that is not the JSON the service expects; the message names the position and the fix. */
public class JsonException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
