package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.model.ModelParameters;

/**
 * Called by the trainer on the training thread after the initial evaluation (epoch 0) and after every finished
 * epoch. An exception thrown here ends the run.
 */
@FunctionalInterface
public interface EpochListener {

    /** Does nothing. */
    EpochListener NONE = (record, parameters) -> {};

    /** @param parameters the weights after this epoch (the checkpoint) */
    void onEpoch(EpochRecord record, ModelParameters parameters);

    /** This listener, then {@code next}. */
    default EpochListener andThen(EpochListener next) {
        return (record, parameters) -> {
            onEpoch(record, parameters);
            next.onEpoch(record, parameters);
        };
    }
}
