package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;

/**
 * Applies an {@link EarlyStopping} rule to a sequence of per-epoch validation losses. Mutable, not thread-safe.
 * Feed epoch 0 (the initial model) first, then epochs 1, 2, ...
 */
public final class EarlyStoppingMonitor {
    private final EarlyStopping rule;
    private int nextEpoch;
    private int bestEpoch = -1;
    private double best = Double.POSITIVE_INFINITY;
    private int epochsWithoutImprovement;

    public EarlyStoppingMonitor(EarlyStopping rule) {
        if (!rule.enabled()) {
            throw new TrainingException("the early stopping rule is disabled; nothing to monitor");
        }
        this.rule = rule;
    }

    /**
     * Records epoch {@code epoch}'s validation loss.
     *
     * @return true when training should stop after this epoch
     */
    public boolean update(int epoch, double validationLoss) {
        if (epoch != nextEpoch) {
            throw new TrainingException("expected the validation loss of epoch " + nextEpoch + ", got epoch " + epoch);
        }
        if (Double.isNaN(validationLoss)) {
            throw new TrainingException("validation loss of epoch " + epoch + " is NaN; the training diverged "
                    + "(lower the learning rate)");
        }
        nextEpoch++;
        if (bestEpoch < 0 || validationLoss < best - rule.minDelta()) {
            best = validationLoss;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
            return false;
        }
        epochsWithoutImprovement++;
        return epochsWithoutImprovement >= rule.patience();
    }

    /** The epoch with the best validation loss so far (-1 before the first update). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best validation loss so far. */
    public double bestLoss() {
        return best;
    }
}
