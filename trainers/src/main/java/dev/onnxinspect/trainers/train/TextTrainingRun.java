package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.util.List;
import java.util.Objects;

/**
 * The result of one {@link TextTrainer} run: what was trained and how, the per-epoch history (epoch 0 = initial
 * model) and the parameters after the last finished epoch. Immutable.
 *
 * @param architecture    the trained architecture
 * @param config          the configuration
 * @param history         one record per finished epoch, epochs 0..T
 * @param finalParameters the parameters after epoch T
 * @param stopReason      {@link StopReason#COMPLETED} or {@link StopReason#INTERRUPTED}
 */
public record TextTrainingRun(
        TextClassifier architecture,
        TrainingConfig config,
        List<EpochRecord> history,
        ModelParameters finalParameters,
        StopReason stopReason) {

    public TextTrainingRun {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(finalParameters, "finalParameters");
        Objects.requireNonNull(stopReason, "stopReason");
        history = List.copyOf(history);
        if (history.isEmpty()) {
            throw new TrainingException("a run needs at least the history row of epoch 0");
        }
    }

    /** The history row of the last finished epoch. */
    public EpochRecord finalRecord() {
        return history.get(history.size() - 1);
    }

    /** The wall time of all finished epochs' optimisation steps, in seconds (evaluation passes excluded). */
    public double trainSeconds() {
        return history.stream().mapToDouble(EpochRecord::trainSeconds).sum();
    }
}
