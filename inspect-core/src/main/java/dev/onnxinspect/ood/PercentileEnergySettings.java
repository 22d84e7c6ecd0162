package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.Serializable;
import java.util.function.Function;

/**
 * What a ReAct or DICE fit is made for (SPEC §5): the last dense layer, the percentile of the fitted threshold and the
 * energy temperature T. Checked once when the accumulator is made; two accumulators merge only when their settings
 * agree.
 *
 * @param detector    the detector as messages name it, e.g. "ReAct"
 * @param dense       the last dense layer's weights
 * @param percentile  in [0, 100]
 * @param temperature positive and finite
 */
record PercentileEnergySettings(String detector, DenseWeights dense, double percentile, double temperature)
        implements Serializable {
    /** Checks the percentile and the temperature, naming the detector in the message. */
    static PercentileEnergySettings of(String detector, DenseLayer last, double percentile, double temperature) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new OodException(detector + " percentile must lie in [0, 100], got " + percentile);
        }
        DenseEnergyDetector.checkTemperature(detector, temperature);
        return new PercentileEnergySettings(detector, new DenseWeights(last), percentile, temperature);
    }

    /**
     * The accumulator to merge, refused unless it is of this detector's type and made for the same settings.
     *
     * @param other      the accumulator given to {@code merge}
     * @param type       this detector's accumulator type
     * @param settingsOf the settings of such an accumulator
     */
    <A> A mergeable(Object other, Class<A> type, Function<? super A, PercentileEnergySettings> settingsOf) {
        if (type.isInstance(other)) {
            A accumulator = type.cast(other);
            PercentileEnergySettings o = settingsOf.apply(accumulator);
            if (o.percentile == percentile
                    && o.temperature == temperature
                    && o.dense.layer().equals(dense.layer())) {
                return accumulator;
            }
        }
        throw new OodException("can only merge a " + detector + " accumulator with the same layer, percentile "
                + percentile + " and temperature " + temperature + ", got " + other);
    }
}
