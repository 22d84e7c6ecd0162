package dev.onnxinspect.guard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-distribution calibration scores of every detector of a guard, kept sorted, for conformal p-values (SPEC §6b):
 * a sample with score s against the n calibration scores c_1..c_n of its detector has
 * p = (1 + #{i : c_i >= s}) / (n + 1). When the calibration samples were held out from the fit set and are
 * exchangeable with a new ID input, flagging p <= a accepts that input with probability at least 1 - a (the
 * finite-sample guarantee; {@link #heldOut()} says whether the samples were held out).
 *
 * <p>Immutable (the arrays are copied in and never handed out). Memory: n doubles per detector.
 *
 * @param calibrationSet the name of the data the scores come from
 * @param heldOut        whether that data was held out from the fit set (a separate set or a held-out share of the
 *                       fit set); false when the guard was calibrated on its own fit set, where the p-values of the
 *                       fitted detectors are optimistic and the guarantee does not hold
 * @param sorted         per detector, its n calibration scores in ascending order (no NaN); all of the same n >= 1
 */
public record CalibrationScores(String calibrationSet, boolean heldOut, Map<String, double[]> sorted) {
    public CalibrationScores {
        if (sorted.isEmpty()) {
            throw new GuardException("calibration scores need at least one detector");
        }
        Map<String, double[]> copy = new LinkedHashMap<>();
        int n = -1;
        for (Map.Entry<String, double[]> e : sorted.entrySet()) {
            double[] c = e.getValue().clone();
            if (c.length == 0 || (n >= 0 && c.length != n)) {
                throw new GuardException("detector " + e.getKey() + " has " + c.length + " calibration scores"
                        + (n >= 0 ? ", the others " + n : "") + "; every detector needs the same n >= 1 samples");
            }
            n = c.length;
            for (int i = 0; i < c.length; i++) {
                if (Double.isNaN(c[i]) || (i > 0 && c[i] < c[i - 1])) {
                    throw new GuardException("the calibration scores of detector " + e.getKey() + " are not sorted"
                            + " numbers at index " + i + "; build them with CalibrationScores.of");
                }
            }
            copy.put(e.getKey(), c);
        }
        sorted = Collections.unmodifiableMap(copy);
    }

    /**
     * Sorts every detector's calibration scores.
     *
     * @param scores per detector, its scores of the calibration samples (same length n >= 1, any order)
     * @throws GuardException for a NaN score (naming the detector and the sample), no detector or uneven lengths
     */
    public static CalibrationScores of(String calibrationSet, boolean heldOut, Map<String, double[]> scores) {
        Map<String, double[]> sorted = new LinkedHashMap<>();
        scores.forEach((name, column) -> {
            for (int i = 0; i < column.length; i++) {
                if (Double.isNaN(column[i])) {
                    throw new GuardException("detector " + name + " scored calibration sample " + i + " as NaN;"
                            + " p-values need numbers: check the model's output for that sample");
                }
            }
            double[] c = column.clone();
            Arrays.sort(c);
            sorted.put(name, c);
        });
        return new CalibrationScores(calibrationSet, heldOut, sorted);
    }

    /** n, the number of calibration samples. */
    public int samples() {
        return sorted.values().iterator().next().length;
    }

    /**
     * The conformal p-value (1 + #{i : c_i >= s}) / (n + 1) of a score of one detector (SPEC §6b); in
     * [1 / (n + 1), 1]. Ties count: a calibration score equal to s is one of the c_i >= s.
     *
     * @throws GuardException for an unknown detector or a NaN score
     */
    public double pValue(String detector, double score) {
        return (1.0 + atLeast(detector, score)) / (samples() + 1.0);
    }

    /** #{i : c_i >= s} for one detector, by binary search. */
    long atLeast(String detector, double score) {
        double[] c = scores(detector);
        if (Double.isNaN(score)) {
            throw new GuardException("score of detector " + detector + " is NaN; a NaN score has no p-value");
        }
        int lo = 0;
        int hi = c.length; // first index with c[i] >= score
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c[mid] < score) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (long) c.length - lo;
    }

    /**
     * Whether a score is flagged at the target false-alarm rate a: p <= a, decided exactly in decimal
     * ((1 + #{c_i >= s}) <= a (n + 1) with a as written, never a rounded quotient).
     *
     * @throws GuardException for an unknown detector, a NaN score or a outside (0, 1)
     */
    public boolean flagged(String detector, double score, double falseAlarmRate) {
        return 1 + atLeast(detector, score) <= flaggedCount(falseAlarmRate);
    }

    /**
     * The score threshold equivalent to p <= a for one detector: a score is flagged exactly when it is
     * {@code > t}. With m = floor(a (n + 1)) (exact), p <= a means #{c_i >= s} <= m - 1, i.e. s is above the
     * (n + 1 - m)-th smallest calibration score; t = +infinity when m = 0 (no score can reach p <= a).
     */
    public double threshold(String detector, double falseAlarmRate) {
        double[] c = scores(detector);
        long m = flaggedCount(falseAlarmRate);
        return m == 0 ? Double.POSITIVE_INFINITY : c[(int) (c.length - m)];
    }

    /** floor(a (n + 1)), exactly from the decimal form of a; between 0 and n since a < 1. */
    private long flaggedCount(double falseAlarmRate) {
        requireRate(falseAlarmRate);
        return BigDecimal.valueOf(falseAlarmRate)
                .multiply(BigDecimal.valueOf(samples() + 1L))
                .setScale(0, RoundingMode.FLOOR)
                .longValueExact();
    }

    /** Refuses a target false-alarm rate outside (0, 1). */
    static void requireRate(double falseAlarmRate) {
        if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) {
            throw new GuardException("the target false-alarm rate must lie in (0, 1), got " + falseAlarmRate
                    + "; e.g. 0.05 flags at most 5% of in-distribution inputs");
        }
    }

    private double[] scores(String detector) {
        double[] c = sorted.get(detector);
        if (c == null) {
            throw new GuardException(
                    "unknown detector '" + detector + "'; calibration scores exist for " + sorted.keySet());
        }
        return c;
    }

    /** Every detector's sorted calibration scores, copied. */
    @Override
    public Map<String, double[]> sorted() {
        Map<String, double[]> copy = new LinkedHashMap<>();
        sorted.forEach((name, c) -> copy.put(name, c.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /** A copy of one detector's sorted calibration scores. */
    public double[] scoresOf(String detector) {
        return scores(detector).clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CalibrationScores other)
                || heldOut != other.heldOut
                || !calibrationSet.equals(other.calibrationSet)
                || !sorted.keySet().equals(other.sorted.keySet())) {
            return false;
        }
        for (Map.Entry<String, double[]> e : sorted.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.sorted.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = calibrationSet.hashCode() * 31 + Boolean.hashCode(heldOut);
        for (Map.Entry<String, double[]> e : sorted.entrySet()) {
            h = h * 31 + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return "CalibrationScores[" + calibrationSet + ", n = " + samples() + ", held out " + heldOut + ", detectors "
                + sorted.keySet() + "]";
    }
}
