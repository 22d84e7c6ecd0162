package dev.onnxinspect.samples.studies;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.report.StudyCharts;
import dev.onnxinspect.trainers.arch.IocMlp;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.experiments.CheckpointAccuracy;
import dev.onnxinspect.trainers.experiments.DataVariant;
import dev.onnxinspect.trainers.experiments.Experiment;
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
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Study {@code randomization}: the randomization tests (Zhang et al. 2017, SPEC §11) with explicit regularisers and
 * IOC networks, on a Fashion-MNIST subset: the 784-256-128-10 ReLU MLP trained on clean labels, on labels corrupted at
 * q = 0.2 ... 1 (random labels), on random labels with weight decay and with dropout, on random-pixel and
 * shuffled-pixel images; and the IOC network of the same widths ({@link IocMlp}) on clean and on random labels. Each
 * configuration is one trainers {@link Experiment} (architecture, training configuration, {@link DataVariant}).
 *
 * <p>Choice: the runs are trained with {@link Trainer#train} directly, not through the trainers'
 * {@code ExperimentRunner}, which writes an instrumented ONNX checkpoint per epoch (11 runs x 100 epochs of 1.3 MB
 * here) that this study does not read; the data preparation, the per-epoch history and the corrupted-test accuracy
 * (SPEC §11: an image corruption's run is also evaluated on the test set under the same corruption) are the same.
 * Writes {@code index.html}, {@code summary.md}, {@code runs.csv} (the final figures of every run) and
 * {@code readme-line.md}.
 */
public final class RandomizationStudy implements Study {
    private static final Logger LOG = LoggerFactory.getLogger(RandomizationStudy.class);
    private static final int CLASSES = 10;
    private static final double CHANCE = 1.0 / CLASSES;
    private static final double[] LEVELS = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
    private static final double WEIGHT_DECAY = 5e-4;
    private static final double DROPOUT = 0.5;

    /** Sizes of a run. */
    private record Sizes(int train, int test, int epochs) {}

    /** One finished run. */
    private record Outcome(Experiment experiment, TrainingRun run, OptionalDouble corruptedTest) {
        EpochRecord last() {
            return run.finalRecord();
        }
    }

    @Override
    public String name() {
        return "randomization";
    }

    @Override
    public String description() {
        return "Randomization tests: random and partly corrupted labels, random/shuffled pixels, weight decay and"
                + " dropout, IOC networks (train vs test accuracy).";
    }

    /** The grid: names are stable (the page and runs.csv use them). */
    static List<Experiment> experiments(int epochs, long seed) {
        Mlp mlp = Mlp.relu(784, CLASSES, 256, 128);
        IocMlp ioc = new IocMlp(new int[] {784}, new int[] {256, 128}, CLASSES);
        TrainingConfig adam = TrainingConfig.builder(epochs)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(2e-3)
                .seed(seed)
                .build();
        List<Experiment> grid = new ArrayList<>();
        for (double q : LEVELS) {
            DataVariant variant = q == 0 ? new DataVariant.Clean() : new DataVariant.CorruptLabels(q);
            grid.add(new Experiment("mlp-" + variant.name(), mlp, adam, variant));
        }
        grid.add(new Experiment(
                "mlp-random-labels-weight-decay",
                mlp,
                adam.toBuilder().weightDecay(WEIGHT_DECAY).build(),
                new DataVariant.CorruptLabels(1.0)));
        grid.add(new Experiment(
                "mlp-random-labels-dropout", mlp.withDropout(DROPOUT), adam, new DataVariant.CorruptLabels(1.0)));
        grid.add(new Experiment(
                "mlp-random-pixels",
                mlp,
                adam,
                new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.RANDOM_PIXELS)));
        grid.add(new Experiment(
                "mlp-shuffled-pixels",
                mlp,
                adam,
                new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS)));
        grid.add(new Experiment("ioc-clean", ioc, adam, new DataVariant.Clean()));
        grid.add(new Experiment("ioc-labels-q1.0", ioc, adam, new DataVariant.CorruptLabels(1.0)));
        return List.copyOf(grid);
    }

    @Override
    public StudyPage run(Path out, boolean quick, long seed) throws Exception {
        long start = System.nanoTime();
        Sizes sizes = quick ? new Sizes(300, 100, 25) : new Sizes(2000, 1000, 100);
        TrainingData train = TrainingData.from(FashionMnist.train().subset(0, sizes.train()), CLASSES);
        TrainingData test = TrainingData.from(FashionMnist.test().subset(0, sizes.test()), CLASSES);
        Map<String, Outcome> runs = new LinkedHashMap<>();
        for (Experiment e : experiments(sizes.epochs(), seed)) {
            long t0 = System.nanoTime();
            DataVariant.Prepared prepared = e.variant().prepare(train, test, seed);
            TrainingRun run = Trainer.train(e.architecture(), prepared.train(), test, e.config(), EpochListener.NONE);
            OptionalDouble corrupted = e.variant()
                    .corruptedTest(test, seed)
                    .map(t -> OptionalDouble.of(CheckpointAccuracy.of(e.architecture(), run.finalParameters(), t)))
                    .orElse(OptionalDouble.empty());
            runs.put(e.name(), new Outcome(e, run, corrupted));
            LOG.info(
                    "{}: train accuracy {}, test accuracy {} ({} s)",
                    e.name(),
                    fmt(run.finalRecord().trainAccuracy()),
                    fmt(run.finalRecord().testAccuracy()),
                    fmt((System.nanoTime() - t0) / 1e9));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StudyPage page = StudyPage.create(
                        "Randomization tests: random labels, regularisers and IOC networks",
                        "Zhang et al., Understanding deep learning requires rethinking generalization (ICLR 2017),"
                                + " and the IOC networks of SPEC §11")
                .parameter("data", "Fashion-MNIST train 0.." + (sizes.train() - 1) + ", test 0.." + (sizes.test() - 1))
                .parameter("MLP", "784-256-128-10 ReLU; dropout " + DROPOUT + " in the dropout run")
                .parameter("IOC", "784-256-128-10 ELU, weights after the first layer exp(w - 5) where w < 0")
                .parameter(
                        "training",
                        "Adam lr 2e-3, batch 128, " + sizes.epochs() + " epochs; weight decay " + WEIGHT_DECAY
                                + " in the weight-decay run")
                .parameter("label corruption levels q", list(LEVELS))
                .parameter("seed", seed)
                .parameter("quick", quick)
                .parameter("wall time (s)", String.format(Locale.ROOT, "%.0f", seconds));
        claims(page, runs, quick);
        figures(page, runs);
        table(page, runs);
        page.write(out);
        AtomicFiles.write(out.resolve("runs.csv"), csv(runs).getBytes(StandardCharsets.UTF_8));
        String line = String.format(
                Locale.ROOT,
                "%s: random labels train %s / test %s; with weight decay %s, with dropout %s; IOC on random labels"
                        + " %s; %.0f s",
                Studies.supportedCount(page),
                fmt(runs.get("mlp-labels-q1.0").last().trainAccuracy()),
                fmt(runs.get("mlp-labels-q1.0").last().testAccuracy()),
                fmt(runs.get("mlp-random-labels-weight-decay").last().trainAccuracy()),
                fmt(runs.get("mlp-random-labels-dropout").last().trainAccuracy()),
                fmt(runs.get("ioc-labels-q1.0").last().trainAccuracy()),
                seconds);
        AtomicFiles.write(out.resolve(README_FRAGMENT), (line + "\n").getBytes(StandardCharsets.UTF_8));
        return page;
    }

    private static Verdict verdict(boolean quick, boolean holds) {
        return quick ? Verdict.INCONCLUSIVE : Verdict.of(holds);
    }

    private static void claims(StudyPage page, Map<String, Outcome> runs, boolean quick) {
        String quickNote = quick ? " (a --quick run decides nothing: inconclusive)" : "";
        EpochRecord random = runs.get("mlp-labels-q1.0").last();
        page.claim(new Claim(
                "Deep networks easily fit random labels: training accuracy near 100% while test accuracy stays at"
                        + " chance.",
                "MLP, q = 1: train " + fmt(random.trainAccuracy()) + ", test " + fmt(random.testAccuracy())
                        + " (chance " + fmt(CHANCE) + ")",
                verdict(quick, random.trainAccuracy() >= 0.95 && Math.abs(random.testAccuracy() - CHANCE) <= 0.05),
                "supported when train >= 0.95 and test within 0.05 of chance" + quickNote));
        double[] tests = new double[LEVELS.length];
        double[] trains = new double[LEVELS.length];
        boolean falls = true;
        for (int i = 0; i < LEVELS.length; i++) {
            EpochRecord r = runs.get(levelName(LEVELS[i])).last();
            tests[i] = r.testAccuracy();
            trains[i] = r.trainAccuracy();
            if (i > 0) {
                falls &= tests[i] < tests[i - 1] + 0.01;
            }
        }
        page.claim(new Claim(
                "As the label corruption grows, the network still fits the training set while test accuracy falls"
                        + " steadily towards chance.",
                "q " + list(LEVELS) + ": train " + list(trains) + ", test " + list(tests),
                verdict(quick, falls && min(trains) >= 0.9 && tests[0] - tests[tests.length - 1] > 0.3),
                "supported when test accuracy never rises by 0.01 or more from one level to the next, drops by more"
                        + " than 0.3 from q = 0 to q = 1, and every train accuracy is >= 0.9" + quickNote));
        EpochRecord decay = runs.get("mlp-random-labels-weight-decay").last();
        EpochRecord dropout = runs.get("mlp-random-labels-dropout").last();
        page.claim(new Claim(
                "Explicit regularisation (weight decay, dropout) does not prevent fitting random labels.",
                "random labels, train accuracy: weight decay " + WEIGHT_DECAY + " " + fmt(decay.trainAccuracy())
                        + ", dropout " + DROPOUT + " " + fmt(dropout.trainAccuracy()) + " (test "
                        + fmt(decay.testAccuracy()) + ", " + fmt(dropout.testAccuracy()) + ")",
                verdict(quick, decay.trainAccuracy() >= 0.9 && dropout.trainAccuracy() >= 0.9),
                "supported when both train accuracies are >= 0.9" + quickNote));
        Outcome pixels = runs.get("mlp-random-pixels");
        Outcome shuffled = runs.get("mlp-shuffled-pixels");
        page.claim(new Claim(
                "Networks fit random-pixel and shuffled-pixel images too; on the same corruption of the test set"
                        + " they are at chance for random pixels.",
                "train: random pixels " + fmt(pixels.last().trainAccuracy()) + ", shuffled pixels "
                        + fmt(shuffled.last().trainAccuracy()) + "; corrupted test: random pixels "
                        + fmt(pixels.corruptedTest().orElse(Double.NaN)) + ", shuffled pixels "
                        + fmt(shuffled.corruptedTest().orElse(Double.NaN)),
                verdict(
                        quick,
                        pixels.last().trainAccuracy() >= 0.95
                                && shuffled.last().trainAccuracy() >= 0.95
                                && Math.abs(pixels.corruptedTest().orElse(Double.NaN) - CHANCE) <= 0.05),
                "supported when both train accuracies are >= 0.95 and the random-pixel corrupted test accuracy is"
                        + " within 0.05 of chance" + quickNote));
        EpochRecord iocRandom = runs.get("ioc-labels-q1.0").last();
        page.claim(new Claim(
                "IOC networks resist memorisation: on random labels their training accuracy stays far below an"
                        + " unconstrained MLP's.",
                "random labels, train accuracy: IOC " + fmt(iocRandom.trainAccuracy()) + ", MLP "
                        + fmt(random.trainAccuracy()),
                verdict(quick, iocRandom.trainAccuracy() <= random.trainAccuracy() - 0.2),
                "supported when the IOC train accuracy is at least 0.2 below the MLP's" + quickNote));
        EpochRecord iocClean = runs.get("ioc-clean").last();
        EpochRecord clean = runs.get("mlp-clean").last();
        page.claim(new Claim(
                "IOC networks still learn the clean task about as well as the MLP.",
                "clean labels, test accuracy: IOC " + fmt(iocClean.testAccuracy()) + ", MLP "
                        + fmt(clean.testAccuracy()),
                verdict(quick, iocClean.testAccuracy() >= clean.testAccuracy() - 0.05),
                "supported when the IOC test accuracy is at most 0.05 below the MLP's" + quickNote));
    }

    private static String levelName(double q) {
        return "mlp-" + (q == 0 ? new DataVariant.Clean() : new DataVariant.CorruptLabels(q)).name();
    }

    private static void figures(StudyPage page, Map<String, Outcome> runs) {
        page.section("Training curves");
        List<String> captions = new ArrayList<>();
        List<String> svgs = new ArrayList<>();
        List<List<String>> groups = List.of(
                List.of("mlp-clean", "mlp-labels-q0.4", "mlp-labels-q1.0", "ioc-clean", "ioc-labels-q1.0"),
                List.of(
                        "mlp-labels-q1.0",
                        "mlp-random-labels-weight-decay",
                        "mlp-random-labels-dropout",
                        "mlp-random-pixels",
                        "mlp-shuffled-pixels"));
        String[] titles = {"labels and IOC", "regularisers and image corruption"};
        for (int g = 0; g < groups.size(); g++) {
            for (boolean trainSide : new boolean[] {true, false}) {
                List<StudyCharts.Line> lines = new ArrayList<>();
                for (String name : groups.get(g)) {
                    List<EpochRecord> h = runs.get(name).run().history();
                    double[] x = new double[h.size()];
                    double[] y = new double[h.size()];
                    for (int i = 0; i < h.size(); i++) {
                        x[i] = h.get(i).epoch();
                        y[i] = trainSide ? h.get(i).trainAccuracy() : h.get(i).testAccuracy();
                    }
                    lines.add(new StudyCharts.Line(name, x, y));
                }
                String what = (trainSide ? "Train" : "Test") + " accuracy per epoch, " + titles[g];
                captions.add(what);
                svgs.add(StudyCharts.lines(
                        "curves-" + g + (trainSide ? "-train" : "-test"), what, "epoch", "accuracy", List.of(), lines));
            }
        }
        page.figures(captions, svgs);
        page.section("Accuracy against label corruption");
        double[] train = new double[LEVELS.length];
        double[] test = new double[LEVELS.length];
        for (int i = 0; i < LEVELS.length; i++) {
            train[i] = runs.get(levelName(LEVELS[i])).last().trainAccuracy();
            test[i] = runs.get(levelName(LEVELS[i])).last().testAccuracy();
        }
        page.figures(
                List.of("Final accuracy of the MLP against the label corruption level q"),
                List.of(StudyCharts.lines(
                        "levels",
                        "Final accuracy against q",
                        "label corruption level q",
                        "accuracy",
                        List.of(),
                        List.of(
                                new StudyCharts.Line("train", LEVELS, train),
                                new StudyCharts.Line("test", LEVELS, test)))));
    }

    private static void table(StudyPage page, Map<String, Outcome> runs) {
        List<List<String>> rows = new ArrayList<>();
        for (Outcome o : runs.values()) {
            EpochRecord r = o.last();
            rows.add(List.of(
                    o.experiment().name(),
                    o.experiment().architecture().kind(),
                    o.experiment().variant().name(),
                    Integer.toString(r.epoch()),
                    fmt(r.trainAccuracy()),
                    fmt(r.testAccuracy()),
                    o.corruptedTest().isPresent() ? fmt(o.corruptedTest().getAsDouble()) : "",
                    fmt(r.distanceFromInit())));
        }
        page.section("Final figures per run");
        page.table(
                "Runs (last epoch)",
                List.of(
                        "run",
                        "network",
                        "data",
                        "epochs",
                        "train acc",
                        "test acc",
                        "corrupted test acc",
                        "distance from init"),
                rows);
    }

    private static String csv(Map<String, Outcome> runs) {
        StringBuilder csv = new StringBuilder(
                "run,network,data,epochs,train_accuracy,test_accuracy,corrupted_test_accuracy,distance_from_init\n");
        for (Outcome o : runs.values()) {
            EpochRecord r = o.last();
            csv.append(String.join(
                            ",",
                            o.experiment().name(),
                            o.experiment().architecture().kind(),
                            o.experiment().variant().name(),
                            Integer.toString(r.epoch()),
                            Double.toString(r.trainAccuracy()),
                            Double.toString(r.testAccuracy()),
                            o.corruptedTest().isPresent()
                                    ? Double.toString(o.corruptedTest().getAsDouble())
                                    : "",
                            Double.toString(r.distanceFromInit())))
                    .append('\n');
        }
        return csv.toString();
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static String list(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(fmt(v));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
