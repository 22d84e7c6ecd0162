package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runnable sample (not a test) reproducing two memorisation results of SPEC §11 on a Fashion-MNIST subset with the
 * 784-256-128-10 ReLU MLP (Adam, batch 128):
 * <ol>
 *   <li>fully random labels (label corruption q = 1) on 2,000 training images: training accuracy reaches &gt;= 95%
 *       while test accuracy stays near chance (10%);</li>
 *   <li>extreme overfitting: the 2,000 clean images plus 4 copies of 500 test images with wrong labels; training
 *       accuracy reaches &gt;= 95%, accuracy on those 500 test images (true labels) falls far below the clean run's,
 *       and the weights move further from their initialisation than in the clean run with the same seed and epochs.
 *   </li>
 * </ol>
 * Arguments: [epochs (100)] [learning rate (0.002)] [output directory (target/sample-memorization)]. Writes the
 * measured figures as the one-line Markdown fragment {@code <out>/}{@value #FRAGMENT} that
 * {@code scripts/regenerate-doc-figures.sh} splices into the README's sample table. Reads Fashion-MNIST from the dataset cache
 * ({@link FashionMnist}: $ONNX_INSPECT_DATA or ~/.cache/onnx-inspect/datasets). Run it with
 * {@code scripts/sample-memorization.sh}.
 */
public final class MemorizationSample {
    private static final Logger LOG = LoggerFactory.getLogger(MemorizationSample.class);
    private static final int TRAIN_SUBSET = 2000;
    private static final int TEST_SUBSET = 500;
    private static final int CLASSES = 10;
    private static final long SEED = 1;
    /** The file name of the README fragment. */
    public static final String FRAGMENT = "memorization.md";

    private MemorizationSample() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        double lr = args.length > 1 ? Double.parseDouble(args[1]) : 0.002;
        Path out = Path.of(args.length > 2 ? args[2] : "target/sample-memorization");
        TrainingData train = TrainingData.from(FashionMnist.train().subset(0, TRAIN_SUBSET), CLASSES);
        TrainingData test = TrainingData.from(FashionMnist.test().subset(0, TEST_SUBSET), CLASSES);
        Mlp mlp = Mlp.relu(784, 10, 256, 128);
        TrainingConfig config = TrainingConfig.builder(epochs)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(lr)
                .seed(SEED)
                .build();
        EpochListener progress = (r, p) -> {
            if (r.epoch() % 10 == 0) {
                LOG.info(
                        "  epoch {}: train acc {}, test acc {}",
                        r.epoch(),
                        fmt(r.trainAccuracy()),
                        fmt(r.testAccuracy()));
            }
        };

        long start = System.nanoTime();
        LabelCorruption.Result random = LabelCorruption.apply(train, 1.0, SEED);
        LOG.info(
                "random labels: {} of {} labels changed ({})",
                random.changed(),
                train.size(),
                fmt(random.realisedFraction()));
        TrainingRun randomRun = Trainer.train(mlp, random.data(), test, config, progress);
        report("random labels", randomRun, start);

        start = System.nanoTime();
        TrainingRun cleanRun = Trainer.train(mlp, train, test, config, progress);
        report("clean", cleanRun, start);

        start = System.nanoTime();
        ExtremeOverfitting.Result extreme = ExtremeOverfitting.build(train, test, SEED);
        LOG.info(
                "extreme overfitting set: {} samples ({} copies of {} relabelled test images)",
                extreme.data().size(),
                extreme.repeats(),
                extreme.testSize());
        TrainingRun extremeRun = Trainer.train(mlp, extreme.data(), test, config, progress);
        report("extreme overfitting", extremeRun, start);

        LOG.info(
                "summary: random labels train acc {} / test acc {}; extreme train acc {} / test acc {} vs clean "
                        + "test acc {}; distance from init extreme {} vs clean {}",
                fmt(randomRun.finalRecord().trainAccuracy()),
                fmt(randomRun.finalRecord().testAccuracy()),
                fmt(extremeRun.finalRecord().trainAccuracy()),
                fmt(extremeRun.finalRecord().testAccuracy()),
                fmt(cleanRun.finalRecord().testAccuracy()),
                fmt(extremeRun.finalRecord().distanceFromInit()),
                fmt(cleanRun.finalRecord().distanceFromInit()));
        Files.createDirectories(out);
        String line = readmeFragment(
                randomRun.finalRecord().trainAccuracy(),
                randomRun.finalRecord().testAccuracy(),
                extremeRun.finalRecord().trainAccuracy(),
                extremeRun.finalRecord().testAccuracy(),
                extremeRun.finalRecord().distanceFromInit(),
                cleanRun.finalRecord().distanceFromInit());
        AtomicFiles.write(out.resolve(FRAGMENT), (line + "\n").getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {}", out.resolve(FRAGMENT));
    }

    /**
     * The README's figures of this sample in one line: accuracies as percentages with two decimals (fractions times
     * 100, rounded half-up by {@link String#format}), distances with two decimals.
     */
    static String readmeFragment(
            double randomTrain,
            double randomTest,
            double extremeTrain,
            double extremeTest,
            double extremeDistance,
            double cleanDistance) {
        return String.format(
                Locale.ROOT,
                "random labels: train %.2f%%, test %.2f%% (chance 10%%); extreme overfitting: train %.2f%%, test %.2f%%,"
                        + " distance from init %.2f vs %.2f for clean training (same seed and epochs)",
                100 * randomTrain,
                100 * randomTest,
                100 * extremeTrain,
                100 * extremeTest,
                extremeDistance,
                cleanDistance);
    }

    private static void report(String what, TrainingRun run, long start) {
        EpochRecord last = run.finalRecord();
        LOG.info(
                "{}: {} epochs in {} s: train acc {}, test acc {}, |theta| {}, |theta - theta0| {}",
                what,
                last.epoch(),
                fmt((System.nanoTime() - start) / 1e9),
                fmt(last.trainAccuracy()),
                fmt(last.testAccuracy()),
                fmt(last.weightNorm()),
                fmt(last.distanceFromInit()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
