package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.SplittableRandom;

/**
 * SPEC §11 label corruption at level q: each training label is replaced, with probability q, by a uniformly random
 * class (which may equal the original, so the expected fraction of changed labels is q (K - 1) / K).
 *
 * <p>Choice: one {@link SplittableRandom}(seed); for each sample in order u = nextDouble(), and when u &lt; q the
 * new label is nextInt(K).
 */
public final class LabelCorruption {
    private LabelCorruption() {}

    /** The corrupted data and the realised fraction of labels that changed. */
    public record Result(TrainingData data, int changed, double realisedFraction) {}

    public static Result apply(TrainingData data, double q, long seed) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new TrainingException("the corruption level q must be in [0, 1], got " + q);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = data.labels();
        int changed = 0;
        for (int i = 0; i < labels.length; i++) {
            if (random.nextDouble() < q) {
                int label = random.nextInt(data.numClasses());
                if (label != labels[i]) {
                    changed++;
                }
                labels[i] = label;
            }
        }
        return new Result(data.withLabels(labels), changed, (double) changed / labels.length);
    }
}
