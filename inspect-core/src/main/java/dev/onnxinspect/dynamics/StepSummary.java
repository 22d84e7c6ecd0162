package dev.onnxinspect.dynamics;

import dev.onnxinspect.stats.Percentiles;
import java.util.Arrays;

/**
 * The distribution of one kind of path similarity (SPEC §9) at one checkpoint step: all values comparing checkpoint
 * {@code previousStep} with checkpoint {@code step}.
 *
 * <p>Choice: quartiles and median are the 25th, 50th and 75th percentiles by the library's one percentile rule,
 * {@link Percentiles} (Hyndman-Fan type 7, as SPEC §5 uses for percentiles, rounded as numpy rounds it). The mean is
 * the float64 sum in input order divided by the count.
 *
 * @param previousStep the step of the earlier checkpoint
 * @param step         the step of the later checkpoint (the step the values belong to)
 * @param kind         which similarity
 * @param count        how many values (probe samples for SELF, pairs for the cross kinds); at least 1
 */
public record StepSummary(
        int previousStep,
        int step,
        PathKind kind,
        int count,
        double mean,
        double min,
        double lowerQuartile,
        double median,
        double upperQuartile,
        double max) {
    public StepSummary {
        if (count < 1) {
            throw new DynamicsException("a step summary needs at least one value, got count " + count);
        }
        if (previousStep >= step) {
            throw new DynamicsException("previousStep " + previousStep + " must be before step " + step);
        }
    }

    /** Summarises {@code values[0..count)}; sorts that part of the array in place. */
    static StepSummary of(int previousStep, int step, PathKind kind, double[] values, int count) {
        if (count < 1) {
            throw new DynamicsException("no values to summarise for " + kind + " at step " + step);
        }
        double sum = 0;
        for (int k = 0; k < count; k++) {
            sum += values[k];
        }
        Arrays.sort(values, 0, count);
        return new StepSummary(
                previousStep,
                step,
                kind,
                count,
                sum / count,
                values[0],
                Percentiles.type7Sorted(values, count, 25),
                Percentiles.type7Sorted(values, count, 50),
                Percentiles.type7Sorted(values, count, 75),
                values[count - 1]);
    }
}
