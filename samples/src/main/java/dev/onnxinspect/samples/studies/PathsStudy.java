package dev.onnxinspect.samples.studies;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.dynamics.StepRange;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.samples.dynamics.CheckpointSeries;
import dev.onnxinspect.samples.dynamics.DynamicsResult;
import dev.onnxinspect.samples.dynamics.DynamicsTables;
import dev.onnxinspect.samples.dynamics.RunInfo;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.experiments.LabelCorruption;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The study of activation paths across training (SPEC §9), reproduced: {@code ./onnx-inspect study paths}.
 *
 * <p>(a) Per-model figures: two reference MLPs (clean labels, and 40% corrupted labels) are trained with a checkpoint
 * per epoch; a fixed probe set of Fashion-MNIST test images is followed through the checkpoints
 * ({@link DynamicsTables}: {@code path_similarity.arrow}, {@code training_history.arrow}, {@code weight_norms.csv}
 * under {@code <out>/reference/<name>/}), and the page shows the self, cross-pattern and cross-activation similarities
 * per step and layer as box plots.
 *
 * <p>Writes into the output directory: {@code index.html} and {@code summary.md} (the page), {@code population.csv}
 * (one row per model), {@code readme-line.md} (the headline), {@code models/} (one result and one log per model) and
 * {@code reference/} (the reference models' tables).
 *
 * <p>(b) Generalisation: a population of MLPs differing in width, depth, label noise and regularisation
 * ({@link PathModelSpec#population}) is trained on {@value #WORKERS} worker processes ({@link PathPopulation},
 * resumable: one result file per finished model under {@code <out>/models/}), while this JVM trains the reference
 * models; per model the early-to-mid ratio of its last hidden
 * layer's cross-pattern similarity is set against its test error (1 - accuracy on the clean test set), with Pearson's
 * and Spearman's correlation and their 95% intervals ({@link Correlation}); also against the generalisation gap
 * (train accuracy on the labels trained on minus test accuracy), and for the cross-activation similarity.
 *
 * <p>Choice: the full run uses Fashion-MNIST training images 0..3999, test images 0..1999 for the test accuracy,
 * probe = test images 0..255 (all 32 640 pairs, SPEC §9), 12 epochs of Adam (1e-3, batch 64), early range = steps
 * [1, 2], middle range = steps [5, 7] (step t compares checkpoints t-1 and t); the {@code --quick} run 600 / 200 /
 * 32 images, 5 epochs, ranges [1, 1] and [3, 4], 4 small models and 784-32-16-10 reference models. Each process
 * trains with one PyTorch thread and runs ONNX Runtime with one thread.
 */
public final class PathsStudy implements Study {
    private static final Logger LOG = LoggerFactory.getLogger(PathsStudy.class);
    static final int WORKERS = 2;
    /** The one-line headline the run writes for the README ({@code scripts/regenerate-doc-figures.sh paths}). */
    static final String README_LINE = "readme-line.md";
    /** The label noise of the second reference model. */
    static final double REFERENCE_NOISE = 0.4;

    /**
     * The sizes of one run.
     *
     * @param train          training images (Fashion-MNIST train 0..train-1)
     * @param test           test images for the accuracy (Fashion-MNIST test 0..test-1)
     * @param probe          probe images (Fashion-MNIST test 0..probe-1)
     * @param epochs         epochs per model
     * @param early          the early range of the ratio
     * @param middle         the middle range
     * @param referenceWidths the hidden widths of the two reference models
     */
    record Settings(
            int train, int test, int probe, int epochs, StepRange early, StepRange middle, int[] referenceWidths) {
        Settings {
            referenceWidths = referenceWidths.clone();
        }

        static final Settings FULL =
                new Settings(4000, 2000, 256, 12, new StepRange(1, 2), new StepRange(5, 7), new int[] {256, 128});
        static final Settings QUICK =
                new Settings(600, 200, 32, 5, new StepRange(1, 1), new StepRange(3, 4), new int[] {32, 16});
    }

    /** One reference model's analysis (part a). */
    record Reference(String name, PathModelSpec spec, TrainingRun run, DynamicsResult dynamics) {}

    @Override
    public String name() {
        return "paths";
    }

    @Override
    public String description() {
        return "Activation paths across training (SPEC 9): path similarities per checkpoint, and the early-to-mid"
                + " ratio against test error over 24 MLPs.";
    }

    @Override
    public StudyPage run(Path out, boolean quick, long seed) throws Exception {
        long start = System.nanoTime();
        Settings s = quick ? Settings.QUICK : Settings.FULL;
        PathPopulation population = new PathPopulation(s, seed);
        List<PathModelSpec> specs = quick ? PathModelSpec.quickPopulation(seed) : PathModelSpec.population(seed);
        ExecutorService background = Executors.newSingleThreadExecutor();
        PathPopulation.Outcome outcome;
        List<Reference> references = new ArrayList<>();
        try {
            Future<PathPopulation.Outcome> pending =
                    background.submit(() -> population.run(specs, out.resolve("models"), WORKERS));
            PathPopulation.Data data = PathPopulation.Data.load(s);
            try (BufferAllocator allocator = new RootAllocator()) {
                for (double q : new double[] {0, REFERENCE_NOISE}) {
                    PathModelSpec spec = new PathModelSpec(
                            q == 0 ? "reference-clean" : "reference-noisy", s.referenceWidths(), q, 0, 0, seed);
                    references.add(reference(spec, population, data, out, allocator));
                }
            }
            outcome = get(pending);
        } finally {
            background.shutdownNow();
            background.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<PathModelResult> results = outcome.results();
        AtomicFiles.write(
                out.resolve("population.csv"),
                PathsStudyPage.populationCsv(specs, results).getBytes(StandardCharsets.UTF_8));
        PathsStudyPage renderer = new PathsStudyPage(s, seed, quick, specs, results, references);
        StudyPage page = renderer.render(outcome.trained(), seconds, population.config());
        page.write(out);
        AtomicFiles.write(
                out.resolve(README_LINE),
                renderer.headline(page, outcome.trained(), seconds).getBytes(StandardCharsets.UTF_8));
        LOG.info(
                "paths study: {} models ({} trained now) in {} s; wrote {}",
                results.size(),
                outcome.trained(),
                String.format(Locale.ROOT, "%.0f", seconds),
                out.resolve(StudyPage.HTML));
        return page;
    }

    /**
     * Trains a reference model in this JVM (while the population's workers run) and writes its path tables under
     * {@code <out>/reference/<id>/}.
     */
    private static Reference reference(
            PathModelSpec spec,
            PathPopulation population,
            PathPopulation.Data data,
            Path out,
            BufferAllocator allocator)
            throws Exception {
        Mlp architecture = spec.architecture();
        LabelCorruption.Result noisy = PathPopulation.corrupted(data.train(), spec);
        TrainingConfig config =
                population.config().toBuilder().seed(spec.seed()).build();
        TrainingRun run = Trainer.train(architecture, noisy.data(), data.test(), config, EpochListener.NONE);
        Map<String, String> configuration = new LinkedHashMap<>(architecture.describe());
        configuration.putAll(config.describe());
        configuration.put("label_noise", Double.toString(spec.labelNoise()));
        configuration.put("realised_label_noise", Double.toString(noisy.realisedFraction()));
        DynamicsResult dynamics = DynamicsTables.analyse(
                CheckpointSeries.fromParameters(architecture, run.checkpoints()),
                data.probe(),
                population.options(),
                new RunInfo(spec.id(), configuration, run.history()),
                out.resolve("reference").resolve(spec.id()),
                allocator);
        String name = spec.labelNoise() == 0 ? "clean labels" : "label noise q = " + spec.labelNoise();
        LOG.info(
                "reference model {}: final test accuracy {}",
                spec.id(),
                run.finalRecord().testAccuracy());
        return new Reference(name, spec, run, dynamics);
    }

    private static <T> T get(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof OnnxInspectException o
                    ? o
                    : new OnnxInspectException(Kind.of(cause), "the path study's population failed: " + cause, cause);
        }
    }
}
