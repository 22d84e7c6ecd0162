package dev.onnxinspect.trainers.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.model.DjlEnvironment;
import dev.onnxinspect.trainers.model.Initialization;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterBridge;
import dev.onnxinspect.trainers.model.TextClassifierBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link TextClassifier} with DJL (PyTorch engine, CPU, natives from the class path) on {@link TokenData},
 * as {@link Trainer} trains the float-input architectures: the same seeded start
 * ({@link Initialization#xavierUniform(TextClassifier, long)}), epoch order ({@code SplittableRandom(seed + epoch)}
 * permutation), batches of {@code batchSize}, mean softmax cross-entropy, optimiser and per-epoch
 * {@link EpochRecord}s measured by an inference pass after the epoch. With the same seed, data and machine two runs
 * give the same weights (no layer of this network draws random numbers while training).
 *
 * <p>Each batch is padded to its longest sequence with id 0 and mask 0 (see {@link TokenData#copyPadded}).
 * Interruption is checked between batches as in {@link Trainer}. Early stopping is not offered: a configuration
 * with it enabled is refused.
 *
 * <p>All native memory (the DJL model, its parameters and per-batch arrays) is created and closed inside
 * {@link #train}; the returned run holds plain Java arrays only.
 */
public final class TextTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(TextTrainer.class);
    private static final int EVAL_BATCH = 1000;

    private TextTrainer() {}

    /**
     * Trains {@code architecture} on {@code train}, evaluating on {@code test} after every epoch.
     *
     * @param train labelled sequences whose ids lie in [0, vocabSize)
     * @param test  labelled sequences, evaluated after every epoch, never trained on
     */
    public static TextTrainingRun train(
            TextClassifier architecture, TokenData train, TokenData test, TrainingConfig config) {
        check(architecture, train, "training");
        check(architecture, test, "test");
        if (config.earlyStopping().enabled()) {
            throw new TrainingException("the text trainer has no early stopping; use EarlyStopping.DISABLED (the "
                    + "default) and choose the number of epochs");
        }
        DjlEnvironment.ensureOffline();
        Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
        TextClassifierBlock network = TextClassifierBlock.of(architecture);
        try (Model model = Model.newInstance(architecture.kind(), Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Trainer.optimizer(config))
                    .optDevices(new Device[] {Device.cpu()})
                    .optInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            try (ai.djl.training.Trainer trainer = model.newTrainer(djlConfig)) {
                trainer.initialize(network.inputShapes(1, train.maxLength()));
                return new Loop(architecture, config, network, trainer, train, test).run();
            }
        }
    }

    private static void check(TextClassifier architecture, TokenData data, String what) {
        if (data.size() == 0) {
            throw new TrainingException("the " + what + " data is empty; expected at least one sequence");
        }
        if (!data.labelled()) {
            throw new TrainingException(
                    "the " + what + " data has no labels; training and evaluation need one " + "label per sequence");
        }
        if (data.numClasses() != architecture.numClasses()) {
            throw new TrainingException("the " + what + " data has " + data.numClasses() + " classes but the "
                    + "text classifier has " + architecture.numClasses() + " outputs");
        }
        if (data.maxId() >= architecture.vocabSize()) {
            throw new TrainingException("the " + what + " data has token id " + data.maxId() + " but the text "
                    + "classifier's vocabulary holds ids 0.." + (architecture.vocabSize() - 1)
                    + "; use a larger vocabSize");
        }
    }

    /** The state of one run; lives only inside {@link #train}. */
    private static final class Loop {
        private final TextClassifier architecture;
        private final TrainingConfig config;
        private final TextClassifierBlock network;
        private final ai.djl.training.Trainer trainer;
        private final TokenData train;
        private final TokenData test;
        private final List<EpochRecord> history = new ArrayList<>();

        Loop(
                TextClassifier architecture,
                TrainingConfig config,
                TextClassifierBlock network,
                ai.djl.training.Trainer trainer,
                TokenData train,
                TokenData test) {
            this.architecture = architecture;
            this.config = config;
            this.network = network;
            this.trainer = trainer;
            this.train = train;
            this.test = test;
        }

        TextTrainingRun run() {
            ModelParameters initial = Initialization.xavierUniform(architecture, config.seed());
            ParameterBridge.write(network, initial);
            LOG.info(
                    "training {} on {} sequences ({} test), {}",
                    architecture.describe(),
                    train.size(),
                    test.size(),
                    config.describe());
            ModelParameters parameters = initial;
            finishEpoch(0, 0.0, parameters, initial);
            StopReason reason = StopReason.COMPLETED;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                if (!trainEpoch(epoch)) {
                    reason = StopReason.INTERRUPTED;
                    LOG.warn("training interrupted during epoch {}; keeping epochs 0..{}", epoch, epoch - 1);
                    break;
                }
                parameters = ParameterBridge.read(network);
                finishEpoch(epoch, (System.nanoTime() - start) / 1e9, parameters, initial);
            }
            return new TextTrainingRun(architecture, config, history, parameters, reason);
        }

        /** One pass over the shuffled training data; false when interrupted. */
        private boolean trainEpoch(int epoch) {
            int[] order = Permutations.random(train.size(), new SplittableRandom(config.seed() + epoch));
            for (int from = 0; from < order.length; from += config.batchSize()) {
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                int n = Math.min(config.batchSize(), order.length - from);
                int[] rows = new int[n];
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    rows[i] = order[from + i];
                    y[i] = train.label(rows[i]);
                }
                try (NDManager manager = trainer.getManager().newSubManager()) {
                    NDList inputs = batch(manager, train, rows);
                    NDArray labels = manager.create(y);
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(inputs).singletonOrThrow();
                        NDArray loss = logits.logSoftmax(1)
                                .mul(labels.oneHot(architecture.numClasses(), DataType.FLOAT32))
                                .sum(new int[] {1})
                                .neg()
                                .mean();
                        collector.backward(loss);
                    }
                    trainer.step();
                }
            }
            return true;
        }

        private void finishEpoch(int epoch, double seconds, ModelParameters parameters, ModelParameters initial) {
            Trainer.Evaluation onTrain = evaluate(train);
            Trainer.Evaluation onTest = evaluate(test);
            EpochRecord record = new EpochRecord(
                    epoch,
                    onTrain.loss(),
                    onTrain.accuracy(),
                    onTest.loss(),
                    onTest.accuracy(),
                    OptionalDouble.empty(),
                    parameters.l2Norm(),
                    parameters.distanceTo(initial),
                    seconds);
            if (!Double.isFinite(record.trainLoss())) {
                throw new TrainingException("the training loss after epoch " + epoch + " is " + record.trainLoss()
                        + "; the training diverged, lower the learning rate");
            }
            history.add(record);
            LOG.info(
                    "epoch {}: train loss {} acc {}, test loss {} acc {}, {} s",
                    epoch,
                    fmt(record.trainLoss()),
                    fmt(record.trainAccuracy()),
                    fmt(record.testLoss()),
                    fmt(record.testAccuracy()),
                    fmt(seconds));
        }

        private Trainer.Evaluation evaluate(TokenData data) {
            int k = architecture.numClasses();
            double lossSum = 0;
            long correct = 0;
            for (int from = 0; from < data.size(); from += EVAL_BATCH) {
                int n = Math.min(EVAL_BATCH, data.size() - from);
                int[] rows = new int[n];
                for (int i = 0; i < n; i++) {
                    rows[i] = from + i;
                }
                float[] logits;
                try (NDManager manager = trainer.getManager().newSubManager()) {
                    logits = trainer.evaluate(batch(manager, data, rows))
                            .singletonOrThrow()
                            .toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    int label = data.label(from + i);
                    lossSum += Metrics.crossEntropy(logits, i * k, k, label);
                    if (Metrics.argMax(logits, i * k, k) == label) {
                        correct++;
                    }
                }
            }
            return new Trainer.Evaluation(lossSum / data.size(), (double) correct / data.size());
        }

        /** The ids and mask of the given samples, padded to the longest of them, in {@code manager}. */
        private static NDList batch(NDManager manager, TokenData data, int[] rows) {
            int length = 0;
            for (int row : rows) {
                length = Math.max(length, data.length(row));
            }
            long[] ids = new long[rows.length * length];
            long[] mask = new long[rows.length * length];
            for (int i = 0; i < rows.length; i++) {
                data.copyPadded(rows[i], length, ids, mask, i * length);
            }
            Shape shape = new Shape(rows.length, length);
            return new NDList(manager.create(ids, shape), manager.create(mask, shape));
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
