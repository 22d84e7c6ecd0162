package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.experiments.ExtremeOverfitting;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample 2 (issue 9): distance from initialisation (SPEC §10) of normal training against training on the SPEC §11
 * extreme overfitting set, for several seeds. Per seed, a ReLU MLP (784-256-128-10) is trained twice from the same
 * initial weights (same seed): on a Fashion-MNIST training subset, and on that subset with the test subset appended
 * with wrong labels (the trainers' {@link ExtremeOverfitting}, seeded with the run's seed). Both are evaluated on the
 * test subset with its true labels.
 * Writes {@code <out>/training_history.arrow} (all runs), {@code <out>/weight_norms.csv} (per layer, from the
 * checkpoints' initializers), {@code <out>/overfitting-report.html}, {@code <out>/summary.md} (the table that
 * {@code scripts/regenerate-doc-figures.sh} splices into {@code docs/results-dynamics.md}) and
 * {@code <out>/}{@value #README_FRAGMENT} (the README's one-line summary).
 *
 * <p>Run: {@code scripts/sample-overfitting-distance.sh [--out DIR] [--train N] [--test N] [--epochs E]
 * [--seeds 1,2,3]}.
 */
public final class OverfittingDistanceSample {
    private static final Logger LOG = LoggerFactory.getLogger(OverfittingDistanceSample.class);

    /** The file name of the README's one-line fragment. */
    public static final String README_FRAGMENT = "readme-line.md";

    private OverfittingDistanceSample() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = SampleData.arguments(
                args,
                Map.of(
                        "out",
                        "target/sample-overfitting-distance",
                        "train",
                        "5000",
                        "test",
                        "1000",
                        "epochs",
                        "10",
                        "seeds",
                        "1,2,3"));
        Path out = Path.of(a.get("out"));
        int epochs = Integer.parseInt(a.get("epochs"));
        Mlp mlp = Mlp.relu(784, 10, 256, 128);
        InMemoryDataset trainSet = FashionMnist.train();
        InMemoryDataset testSet = FashionMnist.test();
        TrainingData train = SampleData.trainingData(trainSet, 0, Integer.parseInt(a.get("train")), new int[] {784});
        TrainingData test = SampleData.trainingData(testSet, 0, Integer.parseInt(a.get("test")), new int[] {784});
        List<RunInfo> runs = new ArrayList<>();
        Map<String, WeightTrajectory> trajectories = new LinkedHashMap<>();
        Map<String, TrainingRun> results = new LinkedHashMap<>();
        int repeats = 0;
        for (String seedText : a.get("seeds").split(",")) {
            long seed = Long.parseLong(seedText.trim());
            ExtremeOverfitting.Result overfit = ExtremeOverfitting.build(train, test, seed);
            repeats = overfit.repeats();
            TrainingConfig config = TrainingConfig.builder(epochs)
                    .optimizer(OptimizerKind.ADAM)
                    .learningRate(1e-3)
                    .batchSize(64)
                    .seed(seed)
                    .build();
            for (String kind : List.of("normal", "overfit")) {
                TrainingData data = kind.equals("normal") ? train : overfit.data();
                String id = kind + "-seed" + seed;
                TrainingRun run = Trainer.train(mlp, data, test, config, EpochListener.NONE);
                WeightTrajectory w = DynamicsAnalysis.weights(CheckpointSeries.fromParameters(mlp, run.checkpoints()));
                Map<String, String> configuration = new LinkedHashMap<>(mlp.describe());
                configuration.putAll(config.describe());
                configuration.put(
                        "training_set",
                        kind.equals("normal")
                                ? "train subset"
                                : "train subset + " + repeats + " x test subset with wrong labels (SPEC 11)");
                configuration.put("training_samples", Integer.toString(data.size()));
                runs.add(new RunInfo(id, configuration, run.history()));
                trajectories.put(id, w);
                results.put(id, run);
                LOG.info(
                        "{}: final test accuracy {}, distance from init {}",
                        id,
                        run.finalRecord().testAccuracy(),
                        w.checkpoints().get(w.checkpoints().size() - 1).totalDistanceFromInit());
                checkAgainstTrainer(id, run, w);
            }
        }
        TrainingRun last = results.values().iterator().next();
        byte[] model = OnnxExporter.exportBytes(mlp, last.finalParameters(), ExportOptions.DEFAULTS);
        Checkpoint lastCheckpoint = new Checkpoint(
                last.lastEpoch(), String.format(Locale.ROOT, "mlp-checkpoint-%03d.onnx", last.lastEpoch()), model);
        TableMetadata metadata = TableMetadata.builder(
                        lastCheckpoint.fileName(), lastCheckpoint.sha256(), ClassSource.LABEL)
                .parameter(
                        "experiment", "distance from initialisation, normal vs extreme" + " overfitting (SPEC 10, 11)")
                .build();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowResultDirectory dir = ArrowResultDirectory.create(
                        out, metadata, ArrowWriteOptions.defaults(), allocator, Map.of("seeds", a.get("seeds")))) {
            DynamicsTables.writeHistory(dir, runs);
            dir.commit();
        }
        WeightNormsCsv.write(out, trajectories);
        report(out, a, trajectories, results, repeats);
    }

    /** The trainer computes the same totals from its parameters; log any disagreement beyond rounding. */
    private static void checkAgainstTrainer(String id, TrainingRun run, WeightTrajectory w) {
        for (EpochRecord e : run.history()) {
            WeightNorms n = w.at(e.epoch());
            double diff = Math.abs(n.totalDistanceFromInit() - e.distanceFromInit())
                    + Math.abs(n.totalNorm() - e.weightNorm());
            if (diff > 1e-6 * (1 + n.totalNorm())) {
                LOG.warn(
                        "{} epoch {}: norms from the ONNX initializers ({}, {}) differ from the trainer's ({}, {})",
                        id,
                        e.epoch(),
                        n.totalNorm(),
                        n.totalDistanceFromInit(),
                        e.weightNorm(),
                        e.distanceFromInit());
            }
        }
    }

    private static void report(
            Path out,
            Map<String, String> a,
            Map<String, WeightTrajectory> trajectories,
            Map<String, TrainingRun> results,
            int repeats)
            throws Exception {
        List<String> header = List.of(
                "seed",
                "run",
                "epoch",
                "distance from init (total)",
                "dense1/linear",
                "dense2/linear",
                "logits",
                "norm of theta",
                "train acc",
                "test acc (true labels)");
        List<List<String>> rows = new ArrayList<>();
        for (var e : trajectories.entrySet()) {
            TrainingRun run = results.get(e.getKey());
            for (WeightNorms w : e.getValue().checkpoints()) {
                if (w.step() != 1 && w.step() != run.lastEpoch() && w.step() != run.lastEpoch() / 2) {
                    continue;
                }
                EpochRecord r = run.history().get(w.step());
                String[] parts = e.getKey().split("-seed");
                rows.add(List.of(
                        parts[1],
                        parts[0],
                        Integer.toString(w.step()),
                        fmt(w.totalDistanceFromInit()),
                        fmt(w.layer("dense1/linear").distanceFromInit()),
                        fmt(w.layer("dense2/linear").distanceFromInit()),
                        fmt(w.layer("logits").distanceFromInit()),
                        fmt(w.totalNorm()),
                        fmt(r.trainAccuracy()),
                        fmt(r.testAccuracy())));
            }
        }
        String title = "Distance from initialisation, normal vs extreme overfitting";
        DynamicsReport.create(title)
                .parameter("model", "MLP 784-256-128-10, ReLU, Adam 1e-3, batch 64")
                .parameter("normal training set", "Fashion-MNIST train 0.." + (Integer.parseInt(a.get("train")) - 1))
                .parameter(
                        "overfitting set",
                        "normal set + " + repeats + " copies of test 0.." + (Integer.parseInt(a.get("test")) - 1)
                                + " with wrong labels (SPEC \u00a711)")
                .parameter("epochs", a.get("epochs"))
                .parameter("seeds", a.get("seeds"))
                .distanceComparison("Total distance from initialisation per run", trajectories)
                .table(title + " (epochs 1, T/2, T)", header, rows)
                .write(out.resolve("overfitting-report.html"));
        StringBuilder md = new StringBuilder();
        DynamicsSample.markdown(md, title + " (epochs 1, T/2, T)", header, rows);
        AtomicFiles.write(out.resolve("summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        List<Double> normal = new ArrayList<>();
        List<Double> overfit = new ArrayList<>();
        for (var e : trajectories.entrySet()) {
            List<WeightNorms> checkpoints = e.getValue().checkpoints();
            double last = checkpoints.get(checkpoints.size() - 1).totalDistanceFromInit();
            (e.getKey().startsWith("normal") ? normal : overfit).add(last);
        }
        AtomicFiles.write(
                out.resolve(README_FRAGMENT),
                (readmeFragment(normal, overfit, Integer.parseInt(a.get("epochs"))) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The README's summary: the range (smallest-largest over the seeds) of the final total distance from
     * initialisation of the normal and of the overfitting runs, two decimals.
     */
    static String readmeFragment(List<Double> normal, List<Double> overfit, int epochs) {
        return "normal " + range(normal) + ", extreme overfitting " + range(overfit) + " after " + epochs + " epochs"
                + " (`docs/results-dynamics.md`)";
    }

    private static String range(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return min == max ? fmt2(min) : fmt2(min) + "-" + fmt2(max);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
