package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.arrow.TrainingHistoryWriter;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.samples.demo.TrainingStep;
import dev.onnxinspect.trainers.arch.Activation;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.IocMlp;
import dev.onnxinspect.trainers.arch.LeNet;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.arch.ResNet;
import dev.onnxinspect.trainers.experiments.DataVariant;
import dev.onnxinspect.trainers.experiments.Experiment;
import dev.onnxinspect.trainers.experiments.ExperimentResult;
import dev.onnxinspect.trainers.experiments.ExperimentRunner;
import dev.onnxinspect.trainers.experiments.HistoryRow;
import dev.onnxinspect.trainers.train.EarlyStopping;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains any architecture of the trainers module on Fashion-MNIST, under any SPEC §11 experiment, over seeds. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train an architecture on Fashion-MNIST with DJL under one or more SPEC §11 experiments and"
                    + " seeds, one run after another. Every run gets a directory with a checkpoint per epoch"
                    + " (checkpoint-0 = the initial weights) as ONNX with every hidden activation exposed;"
                    + " training_history.arrow holds every run's per-epoch losses, accuracies, weight norm and distance"
                    + " from initialisation.",
            "Experiments: clean, labels:Q (label corruption at level Q), random-pixels, shuffled-pixels,"
                    + " shuffled-pixels-per-image, gaussian-noise, extreme-overfit."
        })
final class TrainCommand implements Callable<Integer> {
    @Option(
            names = "--arch",
            defaultValue = "mlp",
            description = "mlp, lenet, resnet or ioc (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "256,128",
            description = "Hidden widths of mlp/ioc (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(
            names = "--activation",
            defaultValue = "relu",
            description = "relu, elu, gelu, sigmoid or tanh for mlp and lenet (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--dropout", defaultValue = "0", description = "Dropout rate (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(
            names = "--experiment",
            split = ",",
            defaultValue = "clean",
            description = "Experiments of the grid (default: ${DEFAULT-VALUE}).")
    List<String> experiments;

    @Option(names = "--seeds", split = ",", defaultValue = "1", description = "Seeds of the grid (default: 1).")
    long[] seeds;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--train-batch-size",
            defaultValue = "128",
            description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--patience",
            defaultValue = "0",
            description = "Early stopping patience in epochs, 0 = off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(
            names = "--validation-fraction",
            defaultValue = "0.1",
            description = "Validation split held out for early stopping (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--train-samples", description = "Use the first N training images (default: all).")
    Integer trainSamples;

    @Option(names = "--test-samples", description = "Use the first N test images (default: all).")
    Integer testSamples;

    @Option(
            names = "--out",
            defaultValue = "onnx-inspect-out/train",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Architecture architecture = architecture();
        TrainingConfig.Builder config = TrainingConfig.builder(epochs)
                .batchSize(batchSize)
                .optimizer(enumOf(OptimizerKind.class, optimizer, "adam or sgd"))
                .learningRate(learningRate)
                .momentum(momentum)
                .weightDecay(weightDecay);
        if (patience > 0) {
            config.earlyStopping(new EarlyStopping(patience, 0.0, validationFraction));
        }
        List<Experiment> grid = new ArrayList<>();
        for (String e : experiments) {
            grid.add(new Experiment(e.replace(':', '-'), architecture, config.build(), variant(e)));
        }
        InMemoryDataset train = FashionMnist.train();
        InMemoryDataset test = FashionMnist.test();
        if (trainSamples != null) {
            train = train.subset(0, Math.min(trainSamples, (int) train.size()));
        }
        if (testSamples != null) {
            test = test.subset(0, Math.min(testSamples, (int) test.size()));
        }
        OutputPaths.directory(out);
        List<ExperimentResult> results =
                ExperimentRunner.run(grid, seeds, shaped(train, architecture), shaped(test, architecture), out);
        writeHistory(results);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-36s %6s %10s %10s %14s %12s%n",
                "run",
                "epochs",
                "train acc",
                "test acc",
                "corrupted test",
                "dist. init");
        for (ExperimentResult r : results) {
            var last = r.run().finalRecord();
            System.out.printf(
                    Locale.ROOT,
                    "%-36s %6d %10.4f %10.4f %14s %12.4f%n",
                    r.runId(),
                    last.epoch(),
                    last.trainAccuracy(),
                    last.testAccuracy(),
                    r.corruptedTestAccuracy().isPresent()
                            ? String.format(
                                    Locale.ROOT,
                                    "%.4f",
                                    r.corruptedTestAccuracy().getAsDouble())
                            : "-",
                    last.distanceFromInit());
        }
        System.out.println("\nRuns and checkpoints under " + out.toAbsolutePath() + ", history in "
                + out.resolve("training_history.arrow").toAbsolutePath());
        return ExitCodes.OK;
    }

    private Architecture architecture() {
        Activation act = enumOf(Activation.class, activation, "relu, elu, gelu, sigmoid or tanh");
        int[] image = {1, 28, 28};
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "mlp" -> new Mlp(new int[] {784}, hidden, act, 10, dropout);
            case "lenet" -> new LeNet(image, 10, act, dropout);
            case "resnet" -> ResNet.small(image, 10);
            case "ioc" -> new IocMlp(new int[] {784}, hidden, 10);
            default ->
                throw new OnnxInspectException("unknown architecture '" + arch + "'; use mlp, lenet, resnet or ioc");
        };
    }

    static DataVariant variant(String e) {
        String s = e.toLowerCase(Locale.ROOT);
        if (s.startsWith("labels:")) {
            double q;
            try {
                q = Double.parseDouble(s.substring("labels:".length()));
            } catch (NumberFormatException ex) {
                throw new OnnxInspectException("bad experiment '" + e + "': labels:Q needs a level Q in [0, 1]");
            }
            return new DataVariant.CorruptLabels(q);
        }
        return switch (s) {
            case "clean" -> new DataVariant.Clean();
            case "random-pixels" -> new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.RANDOM_PIXELS);
            case "shuffled-pixels" -> new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS);
            case "shuffled-pixels-per-image" ->
                new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS_PER_IMAGE);
            case "gaussian-noise" -> new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.GAUSSIAN_NOISE);
            case "extreme-overfit" -> new DataVariant.ExtremeOverfit();
            default ->
                throw new OnnxInspectException(
                        "unknown experiment '" + e + "'; use clean, labels:Q,"
                                + " random-pixels, shuffled-pixels, shuffled-pixels-per-image, gaussian-noise or extreme-overfit");
        };
    }

    private static TrainingData shaped(InMemoryDataset d, Architecture a) {
        TrainingData data = TrainingStep.data(d);
        int[] shape = a.inputShape();
        return Arrays.equals(shape, data.sampleShape())
                ? data
                : new TrainingData(data.features(), data.labels(), shape, data.numClasses());
    }

    private void writeHistory(List<ExperimentResult> results) throws IOException {
        List<HistoryRow> rows = ExperimentRunner.historyRows(results);
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (ExperimentResult r : results) {
            Map<String, String> config = new LinkedHashMap<>(r.configuration());
            config.remove("run_id"); // the table's own run_id column holds it
            configs.put(r.runId(), config);
        }
        ExperimentResult first = results.get(0);
        Path anyCheckpoint;
        try (Stream<Path> files = Files.list(first.directory())) {
            anyCheckpoint = files.filter(p -> p.toString().endsWith(".onnx"))
                    .sorted()
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("run " + first.runId() + " wrote no checkpoint"));
        }
        TableMetadata meta = TableMetadata.builder(
                        anyCheckpoint.getFileName().toString(), Sha256.of(anyCheckpoint), ClassSource.LABEL)
                .build();
        try (BufferAllocator allocator = new RootAllocator();
                ArrowResultDirectory dir = ArrowResultDirectory.create(
                        out,
                        meta,
                        ArrowWriteOptions.defaults(),
                        allocator,
                        Map.of("runs", Integer.toString(results.size())))) {
            TrainingHistoryWriter w = dir.trainingHistory(configs);
            for (HistoryRow r : rows) {
                w.write(
                        r.runId(),
                        r.epoch(),
                        r.trainLoss(),
                        r.trainAccuracy(),
                        r.testLoss(),
                        r.testAccuracy(),
                        r.weightNorm(),
                        r.distanceFromInit());
            }
            dir.commit();
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String accepted) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new OnnxInspectException("unknown value '" + value + "'; use " + accepted);
    }
}
