package dev.onnxinspect.dynamics;

import java.util.OptionalDouble;

/**
 * Path overlap against input distance at one checkpoint (SPEC §9), over the pairs of {@link ProbePairs}.
 *
 * <p>Choice: the association is summarised by the Pearson correlation of overlap and input distance over the pairs
 * (float64, two-pass: means first, then centred sums). It is empty, not NaN, when there are fewer than two pairs or
 * either variable is constant over the pairs.
 *
 * @param step         the checkpoint step t
 * @param pairs        how many pairs
 * @param meanOverlap  the mean path overlap over the pairs (0 when there are no pairs)
 * @param correlation  Pearson correlation of overlap and input distance, when defined
 */
public record OverlapStepSummary(int step, int pairs, double meanOverlap, OptionalDouble correlation) {
    public OverlapStepSummary {
        if (pairs < 0 || correlation == null) {
            throw new DynamicsException(
                    "pairs must be >= 0 and correlation non-null, got " + pairs + ", " + correlation);
        }
    }

    static OverlapStepSummary of(int step, int[] overlaps, double[] distances) {
        int m = overlaps.length;
        if (m == 0) {
            return new OverlapStepSummary(step, 0, 0, OptionalDouble.empty());
        }
        double sumO = 0;
        double sumD = 0;
        for (int k = 0; k < m; k++) {
            sumO += overlaps[k];
            sumD += distances[k];
        }
        double meanO = sumO / m;
        double meanD = sumD / m;
        double so = 0;
        double sd = 0;
        double sod = 0;
        for (int k = 0; k < m; k++) {
            double o = overlaps[k] - meanO;
            double d = distances[k] - meanD;
            so += o * o;
            sd += d * d;
            sod += o * d;
        }
        if (m < 2 || so == 0 || sd == 0) {
            return new OverlapStepSummary(step, m, meanO, OptionalDouble.empty());
        }
        double r = sod / (Math.sqrt(so) * Math.sqrt(sd));
        return new OverlapStepSummary(step, m, meanO, OptionalDouble.of(Math.max(-1, Math.min(1, r))));
    }
}
