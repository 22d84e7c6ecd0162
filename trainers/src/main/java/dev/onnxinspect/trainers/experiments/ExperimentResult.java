package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One finished run of a grid.
 *
 * @param runId         {@code <experiment>-seed<seed>}
 * @param configuration architecture, training configuration, seed and variant facts (insertion-ordered copy)
 * @param run           history and checkpoints
 * @param directory     the run directory holding {@code checkpoint-000.onnx}... and {@code run.properties}
 * @param corruptedTestAccuracy the final checkpoint's accuracy on the test set under the run's image corruption
 *                              (SPEC §11), empty for runs without image corruption; the history's test accuracy
 *                              is always on the clean test set
 */
public record ExperimentResult(
        String runId,
        Map<String, String> configuration,
        TrainingRun run,
        Path directory,
        OptionalDouble corruptedTestAccuracy) {
    public ExperimentResult {
        configuration = Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
        Objects.requireNonNull(corruptedTestAccuracy, "corruptedTestAccuracy (OptionalDouble.empty() for none)");
    }

    /** The run's history as {@code training_history} rows, epoch 0 first. */
    public List<HistoryRow> historyRows() {
        return run.history().stream().map(this::row).toList();
    }

    private HistoryRow row(EpochRecord r) {
        return new HistoryRow(
                runId,
                configuration,
                r.epoch(),
                r.trainLoss(),
                r.trainAccuracy(),
                r.testLoss(),
                r.testAccuracy(),
                r.weightNorm(),
                r.distanceFromInit());
    }
}
