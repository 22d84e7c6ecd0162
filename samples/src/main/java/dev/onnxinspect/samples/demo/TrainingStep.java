package dev.onnxinspect.samples.demo;

import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.TrainingHistoryWriter;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.report.TrainingEpoch;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's training step: the Fashion-MNIST MLP trained with DJL and exported with its activations exposed. */
public final class TrainingStep {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingStep.class);

    /** The demo architecture: 784-256-128-10 with ReLU. */
    public static final Mlp DEMO_MLP = Mlp.relu(784, 10, 256, 128);

    private TrainingStep() {}

    /**
     * A trained and exported model.
     *
     * @param modelFile  the instrumented ONNX model
     * @param run        the training run (history, checkpoints)
     * @param runId      the run's id in the training_history table
     * @param parameters the training configuration as run parameters
     */
    public record Result(Path modelFile, TrainingRun run, String runId, Map<String, String> parameters) {
        public Result {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    /** Trains the demo MLP with Adam (lr 1e-3, batch 128) and writes {@code out/model.onnx}. */
    public static Result trainMlp(InMemoryDataset train, InMemoryDataset test, int epochs, long seed, Path out)
            throws IOException {
        TrainingConfig config = TrainingConfig.builder(epochs)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(1e-3)
                .seed(seed)
                .build();
        TrainingRun run = Trainer.train(
                DEMO_MLP,
                data(train),
                data(test),
                config,
                // the trainer logs each epoch; a second line here would repeat it
                (record, params) -> {});
        Map<String, String> params = new LinkedHashMap<>();
        DEMO_MLP.describe().forEach((k, v) -> params.put("arch." + k, v));
        config.describe().forEach((k, v) -> params.put("train." + k, v));
        params.put("train.dataset", train.name());
        OutputPaths.directory(out);
        Path model = out.resolve("model.onnx");
        ExportOptions export = ExportOptions.builder().metadata(params).build();
        OnnxExporter.export(DEMO_MLP, run.finalParameters(), export).save(model);
        LOG.info("exported the trained model with its hidden activations to {}", model);
        return new Result(model, run, "demo-mlp-seed" + seed, params);
    }

    /** The dataset as DJL training data (same order, same labels, K = 10). */
    public static TrainingData data(InMemoryDataset d) {
        return TrainingData.from(d, 10);
    }

    /** The final epoch's record. */
    public static EpochRecord last(Result r) {
        return r.run().finalRecord();
    }

    /** The run's per-epoch accuracies as the report's training curve (inspect-report's {@link TrainingEpoch}). */
    public static List<TrainingEpoch> epochs(Result training) {
        List<TrainingEpoch> epochs = new ArrayList<>();
        for (EpochRecord e : training.run().history()) {
            epochs.add(new TrainingEpoch(training.runId(), e.epoch(), e.trainAccuracy(), e.testAccuracy()));
        }
        return epochs;
    }

    /** Writes the run's per-epoch history as the SPEC §12 training_history table of a result directory. */
    public static void writeHistory(Result training, ArrowResultDirectory out) throws IOException {
        TrainingHistoryWriter w = out.trainingHistory(Map.of(training.runId(), training.parameters()));
        for (EpochRecord e : training.run().history()) {
            w.write(
                    training.runId(),
                    e.epoch(),
                    e.trainLoss(),
                    e.trainAccuracy(),
                    e.testLoss(),
                    e.testAccuracy(),
                    e.weightNorm(),
                    e.distanceFromInit());
        }
    }
}
