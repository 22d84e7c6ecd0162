package dev.onnxinspect.guard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link OodGuard} says about one input. Immutable.
 *
 * @param predictedClass  argmax of the logits, ties to the lowest index (SPEC §5)
 * @param confidence      the maximum softmax probability max_c softmax(z)_c, in float64 (SPEC §5 MSP, T = 1)
 * @param scores          every detector's score, higher = more OOD (SPEC §5), in the guard's detector order
 * @param pValues         every detector's conformal p-value against its calibration scores (SPEC §6b,
 *                        {@link CalibrationScores}), in the guard's detector order; empty for a guard saved before
 *                        p-values existed (guard file format 1 or 2)
 * @param primaryDetector the detector that makes the decision
 * @param threshold       its score threshold: the {@code targetTpr} threshold ({@link Thresholds}), or with a target
 *                        false-alarm rate a the score threshold equivalent to p <= a
 *                        ({@link CalibrationScores#threshold})
 * @param ood             whether the primary detector's score is {@code > threshold} (equivalently, with a target
 *                        false-alarm rate a, whether its p-value is {@code <= a})
 */
public record Verdict(
        int predictedClass,
        double confidence,
        Map<String, Double> scores,
        Map<String, Double> pValues,
        String primaryDetector,
        double threshold,
        boolean ood) {
    public Verdict {
        if (!scores.containsKey(primaryDetector)) {
            throw new GuardException("primary detector " + primaryDetector + " has no score among " + scores.keySet());
        }
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        if (!pValues.isEmpty() && !pValues.keySet().equals(scores.keySet())) {
            throw new GuardException(
                    "p-values for " + pValues.keySet() + " do not match the scores of " + scores.keySet());
        }
        pValues = Collections.unmodifiableMap(new LinkedHashMap<>(pValues));
    }

    /**
     * The primary detector's conformal p-value (SPEC §6b), in [1/(n+1), 1]; small = unusual for in-distribution
     * data. NaN for a guard saved without calibration scores (file format 1 or 2): fit and save it again.
     */
    public double pValue() {
        Double p = pValues.get(primaryDetector);
        return p == null ? Double.NaN : p;
    }

    /** The primary detector's score. */
    public double score() {
        return scores.get(primaryDetector);
    }

    /** One detector's score; throws naming the detectors when there is none of that name. */
    public double score(String detector) {
        Double s = scores.get(detector);
        if (s == null) {
            throw new GuardException(
                    "unknown detector '" + detector + "'; the verdict has scores of " + scores.keySet());
        }
        return s;
    }
}
