package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.EarlyToMidRatio;
import dev.onnxinspect.dynamics.OverlapStepSummary;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.ProbePairs;
import dev.onnxinspect.dynamics.StepRange;
import dev.onnxinspect.dynamics.StepSummary;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LeNet;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxCheckpointWriter;
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
 * Sample 1 (issue 9): trains a ReLU MLP (784-256-128-10) and the LeNet-like CNN on a Fashion-MNIST subset for
 * several epochs, saving a checkpoint per epoch ({@code <out>/<arch>/checkpoints/checkpoint-<ttt>.onnx}), then
 * follows a fixed probe set (test samples 0..probe-1) through the checkpoints: {@code path_similarity.arrow},
 * {@code training_history.arrow}, {@code weight_norms.csv} per model, one HTML report
 * ({@code <out>/dynamics-report.html}) and the measured figures as Markdown ({@code <out>/summary.md}).
 *
 * <p>Run: {@code scripts/sample-dynamics.sh [--out DIR] [--train N] [--test N] [--probe N] [--epochs E]
 * [--seed S] [--early A-B] [--middle C-D] [--architectures mlp,lenet]}; defaults: out target/sample-dynamics, 10000
 * training and 2000 test samples, probe 1000, 8 epochs, seed 1, early 1-2, middle 4-5. Training: Adam 1e-3, batch
 * 64. Pairs: 1000 probe samples are above SPEC's 256 limit, so 32 640 pairs are sampled with the seed.
 */
public final class DynamicsSample {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicsSample.class);

    private DynamicsSample() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = SampleData.arguments(
                args,
                Map.of(
                        "out",
                        "target/sample-dynamics",
                        "train",
                        "10000",
                        "test",
                        "2000",
                        "probe",
                        "1000",
                        "epochs",
                        "8",
                        "seed",
                        "1",
                        "early",
                        "1-2",
                        "middle",
                        "4-5",
                        "architectures",
                        "mlp,lenet"));
        Path out = Path.of(a.get("out"));
        int epochs = Integer.parseInt(a.get("epochs"));
        long seed = Long.parseLong(a.get("seed"));
        StepRange early = range(a.get("early"));
        StepRange middle = range(a.get("middle"));
        InMemoryDataset train = FashionMnist.train();
        InMemoryDataset test = FashionMnist.test();
        int nTrain = Integer.parseInt(a.get("train"));
        int nTest = Integer.parseInt(a.get("test"));
        int nProbe = Integer.parseInt(a.get("probe"));
        TrainingConfig config = TrainingConfig.builder(epochs)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(1e-3)
                .batchSize(64)
                .seed(seed)
                .build();
        PathOptions paths = PathOptions.builder().seed(seed).anchors(0).build();
        DynamicsReport report = DynamicsReport.create("Training dynamics on Fashion-MNIST")
                .parameter("training samples", nTrain + " (Fashion-MNIST train 0.." + (nTrain - 1) + ")")
                .parameter("test samples", nTest)
                .parameter("probe set", nProbe + " test samples 0.." + (nProbe - 1))
                .parameter("pairs", pairsLabel(ProbePairs.select(nProbe, paths.maxSampledPairs(), seed)))
                .parameter("training", config.describe())
                .parameter(
                        "early / middle steps",
                        "[" + early.first() + ", " + early.last() + "] / [" + middle.first() + ", " + middle.last()
                                + "]");
        StringBuilder summary = new StringBuilder();
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String arch : a.get("architectures").split(",")) {
                Architecture architecture =
                        arch.equals("lenet") ? LeNet.relu(new int[] {1, 28, 28}, 10) : Mlp.relu(784, 10, 256, 128);
                int[] shape = architecture.inputShape();
                TrainingData trainData = SampleData.trainingData(train, 0, nTrain, shape);
                TrainingData testData = SampleData.trainingData(test, 0, nTest, shape);
                Path dir = out.resolve(arch);
                long t0 = System.nanoTime();
                TrainingRun run = Trainer.train(
                        architecture,
                        trainData,
                        testData,
                        config,
                        new OnnxCheckpointWriter(
                                architecture,
                                dir.resolve("checkpoints"),
                                arch + "-seed" + seed,
                                ExportOptions.DEFAULTS));
                long t1 = System.nanoTime();
                Map<String, String> configuration = new LinkedHashMap<>(architecture.describe());
                configuration.putAll(config.describe());
                InMemoryDataset probe =
                        test.subset(0, nProbe).reshaped(shape).named("fashion-mnist-test[0:" + nProbe + "]");
                DynamicsResult result = DynamicsTables.analyse(
                        CheckpointSeries.fromDirectory(dir.resolve("checkpoints")),
                        probe,
                        DynamicsOptions.builder().pathOptions(paths).build(),
                        new RunInfo(arch + "-seed" + seed, configuration, run.history()),
                        dir,
                        allocator);
                long t2 = System.nanoTime();
                LOG.info("{}: training {} s, dynamics {} s", arch, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                report.model(arch, result);
                addTables(report, summary, arch, run, result, early, middle, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            }
        }
        report.write(out.resolve("dynamics-report.html"));
        AtomicFiles.write(out.resolve("summary.md"), summary.toString().getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {} and {}", out.resolve("dynamics-report.html"), out.resolve("summary.md"));
    }

    private static StepRange range(String text) {
        String[] parts = text.split("-");
        return new StepRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[parts.length - 1]));
    }

    private static void addTables(
            DynamicsReport report,
            StringBuilder md,
            String arch,
            TrainingRun run,
            DynamicsResult result,
            StepRange early,
            StepRange middle,
            double trainSeconds,
            double dynamicsSeconds) {
        md.append(String.format(
                Locale.ROOT,
                "### %s%n%nTraining %.0f s, dynamics analysis %.0f s. Final test accuracy" + " %.4f.%n%n",
                arch,
                trainSeconds,
                dynamicsSeconds,
                run.finalRecord().testAccuracy()));
        for (PathKind kind : PathKind.values()) {
            List<String> header = new ArrayList<>(List.of("step"));
            header.addAll(result.layers());
            List<List<String>> rows = new ArrayList<>();
            for (int step : result.paths().get(0).steps()) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(step)));
                for (PathSimilarityResult layer : result.paths()) {
                    StepSummary s = layer.summary(step, kind);
                    row.add(String.format(Locale.ROOT, "%.4f (%.4f)", s.median(), s.mean()));
                }
                rows.add(row);
            }
            String title = arch + ": median (mean) " + kind.tableName() + " similarity per step";
            report.table(title, header, rows);
            markdown(md, title, header, rows);
        }
        List<List<String>> ratios = new ArrayList<>();
        for (PathSimilarityResult layer : result.paths()) {
            for (PathKind kind : List.of(PathKind.CROSS_PATTERN, PathKind.CROSS_ACTIVATION)) {
                EarlyToMidRatio r = layer.earlyToMidRatio(kind, early, middle);
                ratios.add(List.of(
                        layer.layer(), kind.tableName(), fmt(r.earlyMean()), fmt(r.middleMean()), fmt(r.ratio())));
            }
        }
        List<String> ratioHeader = List.of("layer", "kind", "early mean", "middle mean", "early/mid");
        String ratioTitle = arch + ": early-to-mid ratio, early [" + early.first() + ", " + early.last() + "], middle ["
                + middle.first() + ", " + middle.last() + "]";
        report.table(ratioTitle, ratioHeader, ratios);
        markdown(md, ratioTitle, ratioHeader, ratios);
        List<List<String>> weights = new ArrayList<>();
        result.weights().checkpoints().forEach(w -> {
            List<String> row = new ArrayList<>(List.of(Integer.toString(w.step())));
            w.layers().forEach(l -> row.add(fmt(l.norm()) + " / " + fmt(l.distanceFromInit())));
            row.add(fmt(w.totalNorm()) + " / " + fmt(w.totalDistanceFromInit()));
            row.add(fmt(run.history().get(w.step()).testAccuracy()));
            weights.add(row);
        });
        List<String> weightHeader = new ArrayList<>(List.of("epoch"));
        weightHeader.addAll(result.weights().layers());
        weightHeader.add("total");
        weightHeader.add("test accuracy");
        String weightTitle =
                arch + ": weight norm / distance from init per layer" + " (norm of theta_t / of theta_t - theta_0)";
        report.table(weightTitle, weightHeader, weights);
        markdown(md, weightTitle, weightHeader, weights);
        List<List<String>> overlaps = new ArrayList<>();
        for (PathOverlapResult o : result.overlaps()) {
            for (OverlapStepSummary s : o.steps()) {
                overlaps.add(List.of(
                        o.layer(),
                        Integer.toString(s.step()),
                        fmt(s.meanOverlap()),
                        s.correlation().isPresent() ? fmt(s.correlation().getAsDouble()) : "undefined"));
            }
        }
        List<String> overlapHeader = List.of("layer", "step", "mean path overlap", "corr(overlap, input distance)");
        String overlapTitle = overlapTitle(arch, result.overlaps());
        report.table(overlapTitle, overlapHeader, overlaps);
        markdown(md, overlapTitle, overlapHeader, overlaps);
    }

    /**
     * The title of the path overlap table, naming the pairs it was computed on (SPEC §9: all pairs for a probe set of
     * at most 256 samples, else a seeded sample).
     */
    static String overlapTitle(String arch, List<PathOverlapResult> overlaps) {
        String pairs =
                overlaps.isEmpty() ? "no anchors" : pairsLabel(overlaps.get(0).pairs());
        return arch + ": path overlap against input distance (" + pairs + ")";
    }

    /** What pairs were computed: "all 3 pairs" or "32640 sampled pairs of 499500". */
    static String pairsLabel(ProbePairs pairs) {
        long total = (long) pairs.samples() * (pairs.samples() - 1) / 2;
        return pairs.complete() ? "all " + total + " pairs" : pairs.size() + " sampled pairs of " + total;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static void markdown(StringBuilder md, String title, List<String> header, List<List<String>> rows) {
        md.append("**")
                .append(title)
                .append("**\n\n| ")
                .append(String.join(" | ", header))
                .append(" |\n|");
        header.forEach(h -> md.append("---|"));
        md.append('\n');
        rows.forEach(r -> md.append("| ").append(String.join(" | ", r)).append(" |\n"));
        md.append('\n');
    }
}
