package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.train.TrainingData;
import java.util.SplittableRandom;

/**
 * SPEC §11 extreme-overfitting set: the test set relabelled with wrong labels, repeated until it is about the size
 * of the training set, appended to the training set.
 *
 * <p>Choice: each test label y becomes (y + 1 + r) mod K with r = nextInt(K - 1) from {@link SplittableRandom}(seed)
 * in sample order, a uniformly random class different from y. Choice: the test set is relabelled once and the same
 * relabelled copy is repeated (independent relabels per copy could not be memorised);
 * repeats = max(1, round(n_train / n_test)).
 */
public final class ExtremeOverfitting {
    private ExtremeOverfitting() {}

    /**
     * @param data        the training data followed by {@code repeats} copies of the relabelled test set
     * @param wrongLabels the relabelled test labels (one copy)
     * @param testSize    n_test
     * @param repeats     how many copies were appended
     */
    public record Result(TrainingData data, int[] wrongLabels, int testSize, int repeats) {
        public Result {
            wrongLabels = wrongLabels.clone();
        }

        @Override
        public int[] wrongLabels() {
            return wrongLabels.clone();
        }
    }

    public static Result build(TrainingData train, TrainingData test, long seed) {
        int k = test.numClasses();
        SplittableRandom random = new SplittableRandom(seed);
        int[] wrong = test.labels();
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = (wrong[i] + 1 + random.nextInt(k - 1)) % k;
        }
        TrainingData relabelled = test.withLabels(wrong);
        int repeats = Math.max(1, (int) Math.round((double) train.size() / test.size()));
        TrainingData combined = train;
        for (int r = 0; r < repeats; r++) {
            combined = combined.concat(relabelled);
        }
        return new Result(combined, wrong, test.size(), repeats);
    }
}
