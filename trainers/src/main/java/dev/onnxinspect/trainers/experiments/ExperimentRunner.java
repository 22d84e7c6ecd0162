package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxCheckpointWriter;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.StopReason;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a grid of experiments x seeds one after another (SPEC §11). Each run gets the directory
 * {@code <root>/<runId>} with a checkpoint per epoch ({@code checkpoint-000.onnx} = initial weights, instrumented:
 * every hidden activation is a graph output) and {@code run.properties} (the configuration, written before training,
 * and the outcome, rewritten after: status, epochs, final train accuracy, final test accuracy on the clean test set and,
 * for an image corruption, {@code final_corrupted_test_accuracy} on the test set under the same corruption, SPEC
 * §11). Interrupting the thread ends the current run with its finished epochs and skips
 * the remaining runs.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    private ExperimentRunner() {}

    /**
     * @param experiments the configurations; names must be unique
     * @param seeds       the seeds; each replaces the configuration's seed and seeds the data variant
     * @param train       the clean training data
     * @param test        the test data (never changed)
     * @param root        the directory under which run directories are created
     * @return one result per finished (or interrupted) run, in grid order: experiments outer, seeds inner
     */
    public static List<ExperimentResult> run(
            List<Experiment> experiments, long[] seeds, TrainingData train, TrainingData test, Path root) {
        if (experiments.isEmpty() || seeds.length == 0) {
            throw new TrainingException("an experiment grid needs at least one experiment and one seed, got "
                    + experiments.size() + " and " + seeds.length);
        }
        if (new HashSet<>(experiments.stream().map(Experiment::name).toList()).size() != experiments.size()) {
            throw new TrainingException("experiment names must be unique (they name run directories), got "
                    + experiments.stream().map(Experiment::name).toList());
        }
        List<ExperimentResult> results = new ArrayList<>();
        for (Experiment experiment : experiments) {
            for (long seed : seeds) {
                if (Thread.currentThread().isInterrupted()) {
                    LOG.warn("grid interrupted; {} runs finished", results.size());
                    return List.copyOf(results);
                }
                results.add(runOne(experiment, seed, train, test, root));
                if (results.get(results.size() - 1).run().stopReason() == StopReason.INTERRUPTED) {
                    return List.copyOf(results);
                }
            }
        }
        return List.copyOf(results);
    }

    /** One run of one experiment with one seed. */
    public static ExperimentResult runOne(
            Experiment experiment, long seed, TrainingData train, TrainingData test, Path root) {
        String runId = experiment.runId(seed);
        Path directory = root.resolve(runId);
        DataVariant.Prepared prepared = experiment.variant().prepare(train, test, seed);
        TrainingConfig config = experiment.config().toBuilder().seed(seed).build();
        Map<String, String> configuration = new LinkedHashMap<>();
        configuration.put("run_id", runId);
        configuration.put("experiment", experiment.name());
        experiment.architecture().describe().forEach((k, v) -> configuration.put("architecture." + k, v));
        config.describe().forEach((k, v) -> configuration.put("training." + k, v));
        prepared.facts().forEach((k, v) -> configuration.put("data." + k, v));
        configuration.put(
                "data.train_samples", Integer.toString(prepared.train().size()));
        configuration.put("data.test_samples", Integer.toString(test.size()));
        writeProperties(directory, configuration, Map.of("status", "running"));

        Map<String, String> metadata = new LinkedHashMap<>();
        configuration.forEach((k, v) -> metadata.put("onnx_inspect.run." + k, v));
        EpochListener checkpoints = new OnnxCheckpointWriter(
                experiment.architecture(),
                directory,
                runId,
                ExportOptions.builder().metadata(metadata).build());
        LOG.info("run {}: {}", runId, configuration);
        TrainingRun run = Trainer.train(experiment.architecture(), prepared.train(), test, config, checkpoints);
        Map<String, String> outcome = new LinkedHashMap<>();
        outcome.put("status", run.stopReason().name().toLowerCase(Locale.ROOT));
        outcome.put("last_epoch", Integer.toString(run.lastEpoch()));
        run.bestEpoch().ifPresent(e -> outcome.put("best_epoch", Integer.toString(e)));
        outcome.put("final_train_accuracy", Double.toString(run.finalRecord().trainAccuracy()));
        outcome.put("final_test_accuracy", Double.toString(run.finalRecord().testAccuracy()));
        OptionalDouble corrupted = experiment
                .variant()
                .corruptedTest(test, seed)
                .map(t -> OptionalDouble.of(CheckpointAccuracy.of(experiment.architecture(), run.finalParameters(), t)))
                .orElse(OptionalDouble.empty());
        corrupted.ifPresent(a -> outcome.put("final_corrupted_test_accuracy", Double.toString(a)));
        writeProperties(directory, configuration, outcome);
        return new ExperimentResult(runId, configuration, run, directory, corrupted);
    }

    /** All runs' history rows for the {@code training_history} table, in run order. */
    public static List<HistoryRow> historyRows(List<ExperimentResult> results) {
        return results.stream().flatMap(r -> r.historyRows().stream()).toList();
    }

    private static void writeProperties(
            Path directory, Map<String, String> configuration, Map<String, String> outcome) {
        Properties properties = new Properties();
        configuration.forEach(properties::setProperty);
        outcome.forEach((k, v) -> properties.setProperty("outcome." + k, v));
        Path file = directory.resolve("run.properties");
        try {
            Files.createDirectories(directory);
            AtomicFiles.write(file, out -> {
                try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                    properties.store(w, "onnx-inspect training run");
                }
            });
        } catch (IOException e) {
            throw new TrainingException(
                    Kind.IO,
                    "could not write " + file + ": " + e.getMessage() + "; check that the run root is writable",
                    e);
        }
    }
}
