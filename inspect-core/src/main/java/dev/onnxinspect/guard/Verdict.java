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
 * @param primaryDetector the detector that makes the decision
 * @param threshold       its threshold (see {@link Thresholds})
 * @param ood             whether the primary detector's score is {@code > threshold}
 */
public record Verdict(
        int predictedClass,
        double confidence,
        Map<String, Double> scores,
        String primaryDetector,
        double threshold,
        boolean ood) {
    public Verdict {
        if (!scores.containsKey(primaryDetector)) {
            throw new GuardException("primary detector " + primaryDetector + " has no score among " + scores.keySet());
        }
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
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
