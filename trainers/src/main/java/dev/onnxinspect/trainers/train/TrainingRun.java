package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The result of one training run: what was trained and how, the per-epoch history (epoch 0 = initial model) and
 * the parameters after every epoch (checkpoint t = epoch t). Immutable.
 *
 * @param architecture the trained architecture
 * @param config       the configuration
 * @param history      one record per finished epoch, epochs 0..T
 * @param checkpoints  the parameters after each epoch, same length as {@code history}
 * @param stopReason   why the run ended
 * @param bestEpoch    the epoch with the lowest validation loss when early stopping was on
 */
public record TrainingRun(
        Architecture architecture,
        TrainingConfig config,
        List<EpochRecord> history,
        List<ModelParameters> checkpoints,
        StopReason stopReason,
        OptionalInt bestEpoch) {

    public TrainingRun {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(bestEpoch, "bestEpoch");
        history = List.copyOf(history);
        checkpoints = List.copyOf(checkpoints);
        if (history.isEmpty() || history.size() != checkpoints.size()) {
            throw new TrainingException("a run needs one checkpoint per history row and at least epoch 0, got "
                    + history.size() + " rows and " + checkpoints.size() + " checkpoints");
        }
    }

    /** T, the last finished epoch (0 when interrupted before the first epoch ended). */
    public int lastEpoch() {
        return history.get(history.size() - 1).epoch();
    }

    /** The parameters after epoch t (0 = initial). */
    public ModelParameters parameters(int epoch) {
        if (epoch < 0 || epoch > lastEpoch()) {
            throw new TrainingException("no checkpoint for epoch " + epoch + ", expected 0.." + lastEpoch());
        }
        return checkpoints.get(epoch);
    }

    /** The parameters after the last finished epoch. */
    public ModelParameters finalParameters() {
        return checkpoints.get(checkpoints.size() - 1);
    }

    /** The history row of the last finished epoch. */
    public EpochRecord finalRecord() {
        return history.get(history.size() - 1);
    }
}
