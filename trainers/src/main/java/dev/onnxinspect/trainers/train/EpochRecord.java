package dev.onnxinspect.trainers.train;

import java.util.OptionalDouble;

/**
 * One row of a run's history (SPEC §11; the {@code training_history} table of SPEC §12). Epoch 0 describes the
 * initial model. Losses are mean softmax cross-entropy (natural log) over all samples, accuracies the fraction of
 * samples whose arg-max logit (lowest index on ties) is the label, both computed in float64 from the logits of the
 * model in inference mode (dropout off, batch norm on running statistics) after the epoch.
 *
 * @param epoch            0 = initial weights, then 1, 2, ...
 * @param trainLoss        on the training data actually trained on (without a validation split)
 * @param trainAccuracy    in [0, 1]
 * @param testLoss         on the test data
 * @param testAccuracy     in [0, 1]
 * @param validationLoss   the validation loss used by early stopping, empty without early stopping
 * @param weightNorm       SPEC §10 ||theta_t||_2 over trainable values
 * @param distanceFromInit SPEC §10 ||theta_t - theta_0||_2
 * @param trainSeconds     wall time of this epoch's optimisation steps (0 for epoch 0)
 */
public record EpochRecord(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        OptionalDouble validationLoss,
        double weightNorm,
        double distanceFromInit,
        double trainSeconds) {
    public EpochRecord {
        java.util.Objects.requireNonNull(validationLoss, "validationLoss");
    }
}
