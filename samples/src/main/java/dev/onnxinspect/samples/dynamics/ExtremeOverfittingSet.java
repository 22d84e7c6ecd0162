package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.SplittableRandom;

/**
 * The extreme overfitting set of SPEC §11: the test set relabelled with wrong labels (each label replaced by a
 * different class drawn uniformly from the K - 1 others, seeded), repeated until it is about the size of the training
 * set, appended to the training set. Immutable.
 *
 * <p>Choice: each test sample gets one wrong label, kept in every repetition (so the set can be memorised); the
 * number of repetitions is round(n_train / n_test), at least 1. The draw is {@code SplittableRandom(seed)}, one
 * {@code nextInt(K - 1)} per test sample in order, mapped to the classes other than the true one in increasing order.
 * (The trainers module has no experiments package yet, so the set is built here.)
 *
 * @param data        the training set followed by the repeated, relabelled test set
 * @param repeats     how many copies of the relabelled test set were appended
 * @param wrongLabels the relabelled test labels (one per test sample, each different from the true label)
 */
public record ExtremeOverfittingSet(TrainingData data, int repeats, int[] wrongLabels) {
    public ExtremeOverfittingSet {
        wrongLabels = wrongLabels.clone();
    }

    @Override
    public int[] wrongLabels() {
        return wrongLabels.clone();
    }

    /**
     * Builds the set.
     *
     * @throws DynamicsException when the test set is empty or the two sets differ in shape or classes
     */
    public static ExtremeOverfittingSet build(TrainingData train, TrainingData test, long seed) {
        if (test.size() == 0) {
            throw new DynamicsException("the test set is empty; the extreme overfitting set needs test samples");
        }
        if (test.numClasses() != train.numClasses()
                || !java.util.Arrays.equals(test.sampleShape(), train.sampleShape())) {
            throw new DynamicsException("training and test sets must have the same sample shape and classes, got "
                    + train + " and " + test);
        }
        int k = test.numClasses();
        SplittableRandom random = new SplittableRandom(seed);
        int[] wrong = new int[test.size()];
        for (int i = 0; i < wrong.length; i++) {
            int r = random.nextInt(k - 1);
            int truth = test.label(i);
            wrong[i] = r >= truth ? r + 1 : r;
        }
        int repeats = (int) Math.max(1, Math.round(train.size() / (double) test.size()));
        TrainingData relabelled = test.withLabels(wrong);
        TrainingData data = train;
        for (int r = 0; r < repeats; r++) {
            data = data.concat(relabelled);
        }
        return new ExtremeOverfittingSet(data, repeats, wrong);
    }
}
