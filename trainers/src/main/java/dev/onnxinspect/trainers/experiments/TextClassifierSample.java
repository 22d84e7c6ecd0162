package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.TextClassifierExporter;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.TextTrainer;
import dev.onnxinspect.trainers.train.TextTrainingRun;
import dev.onnxinspect.trainers.train.TokenData;
import dev.onnxinspect.trainers.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained text classifier with its data, for end-to-end tests and examples: the {@link KeywordTextTask#DEFAULT}
 * task (V = 50, K = 3, lengths 4 to 12 padded to 12), {@value #TRAIN_SIZE} training, {@value #TEST_SIZE} test and
 * {@value #OOD_SIZE} out-of-distribution sequences, the network {@link #ARCHITECTURE} (16-dim embedding, one token
 * layer of 32 ReLU units, masked mean, one hidden layer of 32 ReLU units, 3 logits) trained with Adam (learning
 * rate {@value #LEARNING_RATE}, batch {@value #BATCH_SIZE}, {@value #EPOCHS} epochs) and exported with
 * {@link TextClassifierExporter} (hidden activations exposed). Takes a few seconds on one CPU thread.
 *
 * <p>Choice: the training data is drawn with {@code seed}, the test data with {@code seed + 1}, the
 * out-of-distribution data with {@code seed + 2}; the weights start from {@code seed}.
 *
 * <p>Run as a program: {@code TextClassifierSample [directory (text-classifier)] [seed (1)]}.
 */
public final class TextClassifierSample {
    /** The name of the model file written into the directory. */
    public static final String MODEL_FILE = "text-classifier.onnx";
    /** The network trained. */
    public static final TextClassifier ARCHITECTURE = TextClassifier.relu(
            KeywordTextTask.DEFAULT.vocabSize(),
            16,
            new int[] {32},
            new int[] {32},
            KeywordTextTask.DEFAULT.numClasses());

    static final int TRAIN_SIZE = 2000;
    static final int TEST_SIZE = 500;
    static final int OOD_SIZE = 500;
    static final double LEARNING_RATE = 0.003;
    static final int BATCH_SIZE = 32;
    static final int EPOCHS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(TextClassifierSample.class);

    private TextClassifierSample() {}

    /**
     * What {@link #trainAndExport} made.
     *
     * @param model the exported model file
     * @param train the labelled training sequences
     * @param test  the labelled test sequences (in-distribution)
     * @param ood   the unlabelled out-of-distribution sequences
     * @param run   the training run (history, final parameters, configuration)
     */
    public record Result(Path model, TokenData train, TokenData test, TokenData ood, TextTrainingRun run) {
        public Result {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(ood, "ood");
            Objects.requireNonNull(run, "run");
        }

        /** The accuracy on the training data after the last epoch (DJL, inference mode). */
        public double trainAccuracy() {
            return run.finalRecord().trainAccuracy();
        }

        /** The accuracy on the test data after the last epoch (DJL, inference mode). */
        public double testAccuracy() {
            return run.finalRecord().testAccuracy();
        }
    }

    /** The training configuration used for {@code seed}. */
    public static TrainingConfig config(long seed) {
        return TrainingConfig.builder(EPOCHS)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(LEARNING_RATE)
                .batchSize(BATCH_SIZE)
                .seed(seed)
                .build();
    }

    /**
     * Generates the data, trains {@link #ARCHITECTURE}, and writes the model to {@code directory/}{@value #MODEL_FILE}
     * (missing directories are created, an existing file is replaced).
     *
     * @throws IOException when the directory or the file cannot be written
     */
    public static Result trainAndExport(Path directory, long seed) throws IOException {
        KeywordTextTask task = KeywordTextTask.DEFAULT;
        TokenData train = task.generate(TRAIN_SIZE, seed);
        TokenData test = task.generate(TEST_SIZE, seed + 1);
        TokenData ood = task.generateOod(OOD_SIZE, seed + 2);
        TextTrainingRun run = TextTrainer.train(ARCHITECTURE, train, test, config(seed));
        Path model = directory.resolve(MODEL_FILE);
        TextClassifierExporter.export(run, ExportOptions.DEFAULTS).save(model);
        return new Result(model, train, test, ood, run);
    }

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args.length > 0 ? args[0] : "text-classifier");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        long start = System.nanoTime();
        Result result = trainAndExport(directory, seed);
        LOG.info(
                "text classifier: train accuracy {}, test accuracy {}, {} s of training steps, {} s in all; "
                        + "model {}",
                fmt(result.trainAccuracy()),
                fmt(result.testAccuracy()),
                fmt(result.run().trainSeconds()),
                fmt((System.nanoTime() - start) / 1e9),
                result.model());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
