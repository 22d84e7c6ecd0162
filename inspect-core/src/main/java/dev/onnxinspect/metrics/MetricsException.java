package dev.onnxinspect.metrics;

import dev.onnxinspect.OnnxInspectException;

/** Bad input to an evaluation metric (SPEC §6): an empty score set, a NaN score, mismatched lengths. */
public class MetricsException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public MetricsException(String message) {
        super(message);
    }
}
