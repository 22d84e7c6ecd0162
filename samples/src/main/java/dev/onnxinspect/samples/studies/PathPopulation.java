package dev.onnxinspect.samples.studies;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.DatasetCache;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.EarlyToMidRatio;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.samples.dynamics.CheckpointSeries;
import dev.onnxinspect.samples.dynamics.DynamicsAnalysis;
import dev.onnxinspect.samples.dynamics.DynamicsOptions;
import dev.onnxinspect.samples.dynamics.DynamicsResult;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.experiments.LabelCorruption;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the path study's population of models ({@link PathModelSpec}) and measures each one's early-to-mid ratio
 * (SPEC §9) and final accuracies. Resumable: each finished model's {@link PathModelResult} is written atomically
 * under the results directory as soon as it is done, and a model whose result is there (measured with the same
 * settings) is read back, not retrained; an interrupted model (no result file) is trained again from its start.
 *
 * <p>Parallel: each model is trained in its own JVM ({@link PathModelWorker}, the class path of this one), at most
 * {@code workers} at a time. Choice: processes, not threads, because DJL's PyTorch engine allows one gradient
 * collector per JVM at a time ("A PtGradientCollector is already collecting"), so two trainings cannot share a JVM.
 * Each worker trains with one PyTorch thread and runs ONNX Runtime with one thread; its log goes to
 * {@code <id>.log} next to the results. A worker's start (JVM, PyTorch natives, Fashion-MNIST) costs a few seconds.
 *
 * <p>Each model: labels corrupted at its level q (SPEC §11, {@link LabelCorruption}, seeded with the model's seed,
 * mixed), trained with Adam (learning rate 1e-3, batch 64) and the model's weight decay and dropout, checkpoints kept
 * in memory (epoch 0 = initial weights); then every checkpoint is exported and run over the probe set
 * ({@link DynamicsAnalysis}, path rows not stored) for the last hidden layer's cross-pattern and cross-activation
 * early-to-mid ratios.
 *
 * @param settings the data sizes, epochs and ratio ranges
 * @param seed     the run's seed (pair sampling; each model has its own training seed)
 */
record PathPopulation(PathsStudy.Settings settings, long seed) {
    private static final Logger LOG = LoggerFactory.getLogger(PathPopulation.class);
    /** Mixed into a model's seed for its label corruption, so that it differs from the weights' seed stream. */
    private static final long NOISE_SEED_MIX = 0x9A7E5L;

    /**
     * The results of every model in {@code specs} order, and how many were trained now (the others were read back).
     *
     * @param results one per spec, in the specs' order
     * @param trained how many models this call trained
     */
    record Outcome(List<PathModelResult> results, int trained) {
        Outcome {
            results = List.copyOf(results);
        }
    }

    /** The Fashion-MNIST subsets of a run: training and test images from the start of each split, probe = test. */
    record Data(TrainingData train, TrainingData test, InMemoryDataset probe) {
        static Data load(PathsStudy.Settings s) {
            InMemoryDataset testSet = FashionMnist.test();
            return new Data(
                    TrainingData.from(FashionMnist.train().subset(0, s.train()), 10),
                    TrainingData.from(testSet.subset(0, s.test()), 10),
                    testSet.subset(0, s.probe()).named("fashion-mnist-test[0:" + s.probe() + "]"));
        }
    }

    /** Adam, learning rate 1e-3, batch 64, the settings' epochs, seeded with the run's seed. */
    TrainingConfig config() {
        return TrainingConfig.builder(settings.epochs())
                .optimizer(OptimizerKind.ADAM)
                .learningRate(1e-3)
                .batchSize(64)
                .seed(seed)
                .build();
    }

    /** Pairs sampled with the run's seed (all pairs up to 256 probe samples); ONNX Runtime on one thread. */
    DynamicsOptions options() {
        return DynamicsOptions.builder()
                .pathOptions(PathOptions.builder().seed(seed).build())
                .session(SessionConfig.builder()
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .spinning(false)
                        .build())
                .build();
    }

    /** The settings line stored with each result: every figure-changing setting of the run and of the model. */
    String settings(PathModelSpec spec) {
        TrainingConfig c = config();
        return String.format(
                Locale.ROOT,
                "%s train=%d test=%d probe=%d epochs=%d optimizer=%s lr=%s batch=%d early=%d-%d middle=%d-%d"
                        + " pair_seed=%d",
                spec.describe(),
                settings.train(),
                settings.test(),
                settings.probe(),
                c.epochs(),
                c.optimizer(),
                c.learningRate(),
                c.batchSize(),
                settings.early().first(),
                settings.early().last(),
                settings.middle().first(),
                settings.middle().last(),
                seed);
    }

    /**
     * Runs every model of {@code specs} that has no stored result on at most {@code workers} worker processes,
     * each writing its result into {@code directory}, and returns all results.
     *
     * @throws OnnxInspectException when a worker fails (the model, its exit status and log), or a stored result is
     *                              of other settings or damaged
     * @throws IOException          when a result cannot be read
     * @throws InterruptedException when interrupted (running workers are stopped; finished results stay)
     */
    Outcome run(List<PathModelSpec> specs, Path directory, int workers) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        AtomicInteger trained = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (PathModelSpec spec : specs) {
                if (Files.isRegularFile(PathModelResult.file(directory, spec.id()))) {
                    LOG.info("model {}: finished in an earlier run, read back", spec.id());
                    continue;
                }
                futures.add(pool.submit(() -> {
                    train(spec, directory);
                    trained.incrementAndGet();
                    return spec.id();
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof OnnxInspectException o
                    ? o
                    : new OnnxInspectException(Kind.of(cause), "a model of the path study failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        List<PathModelResult> results = new ArrayList<>();
        for (PathModelSpec spec : specs) {
            results.add(PathModelResult.read(directory, spec.id(), settings(spec)));
        }
        return new Outcome(results, trained.get());
    }

    /** Trains one model in a worker process and waits for it; the worker writes the result. */
    private void train(PathModelSpec spec, Path directory) throws IOException, InterruptedException {
        Path log = directory.resolve(spec.id() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "--add-opens=java.base/java.nio=ALL-UNNAMED"));
        for (String key : List.of(DatasetCache.PROPERTY, "ai.djl.offline", "ai.djl.pytorch.num_threads")) {
            String value = System.getProperty(key);
            if (value != null) {
                command.add("-D" + key + "=" + value);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PathModelWorker.class.getName()));
        command.addAll(PathModelWorker.arguments(this, spec, directory));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putIfAbsent("ORT_DISABLE_TELEMETRY", "1");
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        LOG.info("model {}: training in a worker process (log {})", spec.id(), log);
        Process process = builder.start();
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (status != 0 || !Files.isRegularFile(PathModelResult.file(directory, spec.id()))) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = lines.stream()
                    .filter(l -> l.contains("Exception") || l.contains("ERROR"))
                    .reduce((a, b) -> b)
                    .orElse(lines.isEmpty() ? "(empty log)" : lines.get(lines.size() - 1));
            throw new OnnxInspectException(
                    Kind.INTERNAL,
                    "model " + spec.id() + ": its worker process exited with status " + status + " (" + last.strip()
                            + "); see " + log + " and run the study again to resume");
        }
    }

    /** The training set with {@code spec}'s labels corrupted (seeded with the model's seed, mixed). */
    static LabelCorruption.Result corrupted(TrainingData train, PathModelSpec spec) {
        return LabelCorruption.apply(train, spec.labelNoise(), spec.seed() ^ NOISE_SEED_MIX);
    }

    /**
     * Trains one model in this JVM and measures it (what a {@link PathModelWorker} does).
     *
     * @throws InterruptedException when training was interrupted (nothing is measured then)
     */
    PathModelResult trainAndMeasure(PathModelSpec spec, Data data) throws InterruptedException {
        long t0 = System.nanoTime();
        LabelCorruption.Result noisy = corrupted(data.train(), spec);
        TrainingConfig modelConfig = config().toBuilder()
                .seed(spec.seed())
                .weightDecay(spec.weightDecay())
                .build();
        Mlp architecture = spec.architecture();
        TrainingRun run = Trainer.train(architecture, noisy.data(), data.test(), modelConfig, EpochListener.NONE);
        if (run.lastEpoch() < modelConfig.epochs()) {
            throw new InterruptedException("model " + spec.id() + " was interrupted after epoch " + run.lastEpoch());
        }
        DynamicsOptions options = options();
        DynamicsResult dynamics = DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(architecture, run.checkpoints()),
                data.probe(),
                DynamicsOptions.builder()
                        .layers(List.of(spec.lastHiddenLayer()))
                        .pathOptions(options.pathOptions())
                        .session(options.session())
                        .build(),
                PathSimilaritySink.NONE);
        PathSimilarityResult paths = dynamics.paths(spec.lastHiddenLayer());
        EarlyToMidRatio pattern = paths.earlyToMidRatio(PathKind.CROSS_PATTERN, settings.early(), settings.middle());
        EarlyToMidRatio activation =
                paths.earlyToMidRatio(PathKind.CROSS_ACTIVATION, settings.early(), settings.middle());
        double seconds = (System.nanoTime() - t0) / 1e9;
        PathModelResult result = PathModelResult.of(
                spec,
                settings(spec),
                noisy.realisedFraction(),
                run.lastEpoch(),
                run.finalRecord().trainAccuracy(),
                run.finalRecord().testAccuracy(),
                pattern,
                activation,
                seconds);
        LOG.info(
                "model {}: train {} test {} cross-pattern early/mid {} ({} s)",
                spec.id(),
                String.format(Locale.ROOT, "%.4f", result.trainAccuracy()),
                String.format(Locale.ROOT, "%.4f", result.testAccuracy()),
                String.format(Locale.ROOT, "%.4f", result.patternRatio()),
                String.format(Locale.ROOT, "%.1f", seconds));
        return result;
    }
}
