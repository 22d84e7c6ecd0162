package dev.onnxinspect.guard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decision threshold per detector, chosen on in-distribution calibration scores so that a target fraction of them
 * is accepted (SPEC §6, the {@code fpr95_id} convention): t is the smallest score with at least
 * k = ceil(targetTpr * n) of the n ID scores {@code <= t}, i.e. the k-th smallest ID score; a sample is OOD when its
 * score is {@code > t}. k is computed exactly in decimal (0.95 * n as written, never 0.9499... * n).
 *
 * <p>Immutable. A threshold may be +infinity (e.g. activation-profile KL gives +inf to a sample with no active
 * neuron); then that detector flags nothing.
 *
 * @param targetTpr          the fraction of ID samples to accept, in (0, 1]
 * @param calibrationSet     the name of the data the thresholds were chosen on
 * @param calibrationSamples n, the number of calibration samples (at least 1)
 * @param values             the threshold of each detector, in the suite's order
 */
public record Thresholds(double targetTpr, String calibrationSet, long calibrationSamples, Map<String, Double> values) {
    public Thresholds {
        if (!(targetTpr > 0 && targetTpr <= 1)) {
            throw new GuardException("target true-positive rate must lie in (0, 1], got " + targetTpr);
        }
        if (calibrationSamples < 1) {
            throw new GuardException("thresholds need at least one calibration sample, got " + calibrationSamples);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        values.forEach((name, t) -> {
            if (t == null || t.isNaN() || t == Double.NEGATIVE_INFINITY) {
                throw new GuardException(
                        "threshold of detector " + name + " is " + t + "; expected a number or" + " +Infinity");
            }
            copy.put(name, t);
        });
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * Chooses every detector's threshold from its ID calibration scores.
     *
     * @param scores the ID scores of each detector (all of the same length n >= 1), in the suite's order
     * @throws GuardException when a score is NaN or the columns are empty or of different lengths
     */
    public static Thresholds calibrate(String calibrationSet, Map<String, double[]> scores, double targetTpr) {
        if (scores.isEmpty()) {
            throw new GuardException("no detector scores to calibrate thresholds on");
        }
        int n = -1;
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] column = e.getValue();
            if (n >= 0 && column.length != n) {
                throw new GuardException("detector " + e.getKey() + " has " + column.length + " calibration scores,"
                        + " the others " + n + "; every detector must score the same samples");
            }
            n = column.length;
            values.put(e.getKey(), threshold(e.getKey(), column, targetTpr));
        }
        return new Thresholds(targetTpr, calibrationSet, n, values);
    }

    /** The k-th smallest score, k = {@link #acceptedCount}(n, targetTpr). */
    static double threshold(String detector, double[] idScores, double targetTpr) {
        if (idScores.length == 0) {
            throw new GuardException("detector " + detector + " has no calibration scores; calibrate on at least one"
                    + " in-distribution sample");
        }
        double[] sorted = idScores.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (Double.isNaN(sorted[i])) {
                throw new GuardException("detector " + detector + " scored calibration sample " + i + " as NaN;"
                        + " thresholds need numbers: check the model's output for that sample");
            }
        }
        Arrays.sort(sorted);
        return sorted[acceptedCount(sorted.length, targetTpr) - 1];
    }

    /** ceil(targetTpr * n) computed exactly from the decimal form of targetTpr; between 1 and n. */
    static int acceptedCount(int n, double targetTpr) {
        int k = BigDecimal.valueOf(targetTpr)
                .multiply(BigDecimal.valueOf(n))
                .setScale(0, RoundingMode.CEILING)
                .intValueExact();
        return Math.max(1, Math.min(n, k));
    }

    /**
     * The threshold of one detector.
     *
     * @throws GuardException naming the known detectors when there is none of that name
     */
    public double threshold(String detector) {
        Double t = values.get(detector);
        if (t == null) {
            throw new GuardException(
                    "unknown detector '" + detector + "'; this guard has thresholds for " + values.keySet());
        }
        return t;
    }

    /**
     * Whether a score counts as OOD for one detector: {@code score > threshold} (SPEC §6: accepted as ID when
     * {@code score <= t}). Lets an application decide by another detector than the guard's primary one.
     *
     * @throws GuardException for an unknown detector or a NaN score
     */
    public boolean isOod(String detector, double score) {
        if (Double.isNaN(score)) {
            throw new GuardException("score of detector " + detector + " is NaN; a NaN score cannot be judged");
        }
        return score > threshold(detector);
    }
}
