package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;

/**
 * Early stopping on a validation split (SPEC §11 regularisation). An epoch improves when its validation loss is
 * below best - minDelta, where best is the lowest validation loss so far; training stops at the end of the epoch
 * that makes {@code patience} consecutive epochs without improvement.
 *
 * <p>Choice: the initial model (epoch 0) sets the first best value. Choice: the validation split is a seeded
 * random {@code validationFraction} of the training data (rounded to the nearest sample, at least 1), held out of
 * training. Choice: the weights are not rolled back; the run reports the best epoch, whose checkpoint is kept.
 *
 * @param patience           epochs without improvement before stopping, &gt;= 1 (0 only in {@link #DISABLED})
 * @param minDelta           the least decrease that counts as an improvement, &gt;= 0
 * @param validationFraction the fraction of the training data held out, in (0, 1)
 */
public record EarlyStopping(int patience, double minDelta, double validationFraction) {

    /** No early stopping and no validation split. */
    public static final EarlyStopping DISABLED = new EarlyStopping(0, 0.0, 0.0);

    public EarlyStopping {
        boolean disabled = patience == 0 && minDelta == 0.0 && validationFraction == 0.0;
        if (!disabled
                && (patience < 1 || !(minDelta >= 0.0) || !(validationFraction > 0.0 && validationFraction < 1.0))) {
            throw new TrainingException("early stopping needs patience >= 1, minDelta >= 0 and a validation "
                    + "fraction in (0, 1), got patience " + patience + ", minDelta " + minDelta + ", fraction "
                    + validationFraction + "; use EarlyStopping.DISABLED to train without it");
        }
    }

    /** Early stopping with {@code patience}, minDelta 0 and a validation fraction of 0.1. */
    public static EarlyStopping withPatience(int patience) {
        return new EarlyStopping(patience, 0.0, 0.1);
    }

    public boolean enabled() {
        return patience > 0;
    }
}
