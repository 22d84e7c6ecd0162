package dev.onnxinspect.trainers.train;

/**
 * Where early stopping gets each epoch's validation loss. The trainer measures the loss on the validation split and
 * passes it in; the default returns it unchanged. Tests inject a hand-made curve to check the stopping epoch.
 */
@FunctionalInterface
public interface ValidationLossSource {

    /** The measured loss, unchanged. */
    ValidationLossSource MEASURED = (epoch, measured) -> measured;

    /** The validation loss to use for {@code epoch} (0 = the initial model), given the measured one. */
    double validationLoss(int epoch, double measured);
}
