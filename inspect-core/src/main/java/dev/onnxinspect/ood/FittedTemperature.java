package dev.onnxinspect.ood;

import java.io.Serializable;

/**
 * The temperature T* of SPEC §5b temperature scaling (Guo et al. 2017): the exact minimiser of the mean NLL of
 * softmax(z / T) at the fit labels, found in [1/100, 100].
 *
 * @param temperature T*, in [1/100, 100]
 * @param clamped     true when the NLL has no minimum inside [1/100, 100] and T* is the nearer end (a flag to report:
 *                    e.g. a fit set the model separates perfectly drives T* towards 0)
 * @param samples     the number of fit samples, at least 1
 */
public record FittedTemperature(double temperature, boolean clamped, long samples) implements Serializable {
    public static final double MIN = 0.01;
    public static final double MAX = 100;

    public FittedTemperature {
        if (!(temperature >= MIN && temperature <= MAX)) {
            throw new OodException("a fitted temperature lies in [" + MIN + ", " + MAX + "], got " + temperature);
        }
        if (samples < 1) {
            throw new OodException("a fitted temperature needs at least one fit sample, got " + samples);
        }
    }

    /** E.g. "1.8204784532536746 (5 fit samples)" or "0.01 (clamped: no NLL minimum in [0.01, 100]; ...)". */
    public String describe() {
        return temperature + (clamped ? " (clamped: the NLL has no minimum in [0.01, 100]; " : " (") + samples
                + " fit samples)";
    }
}
