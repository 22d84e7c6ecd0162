package dev.onnxinspect.stats;

import dev.onnxinspect.OnnxInspectException;

/**
 * A statistic was given input it cannot use (wrong layer, wrong shape, a class id out of range, incompatible
 * accumulators to merge, a parameter out of range) or was asked for a value that its data does not define.
 * The message says what was expected, what came, and what to do.
 */
public class StatsException extends OnnxInspectException {
    private static final long serialVersionUID = 1L;

    public StatsException(String message) {
        super(message);
    }
}
