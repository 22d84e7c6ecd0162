package dev.onnxinspect.trainers.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.model.DjlEnvironment;
import dev.onnxinspect.trainers.model.Initialization;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterBridge;
import dev.onnxinspect.trainers.model.TextClassifierBlock;
import java.util.OptionalDouble;
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
        return EpochLoop.withTrainer(
                architecture.kind(),
                network,
                config,
                network.inputShapes(1, train.maxLength()),
                djl -> new Loop(architecture, config, network, djl, train, test).run());
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
    private static final class Loop implements EpochLoop.Epochs {
        private final TextClassifier architecture;
        private final TrainingConfig config;
        private final TextClassifierBlock network;
        private final TokenData train;
        private final TokenData test;
        private final EpochLoop epochs;
        private final ModelParameters initial;
        private ModelParameters parameters;

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
            this.train = train;
            this.test = test;
            this.epochs = new EpochLoop(LOG, config, trainer, architecture.numClasses());
            this.initial = Initialization.xavierUniform(architecture, config.seed());
            this.parameters = initial;
        }

        TextTrainingRun run() {
            ParameterBridge.write(network, initial);
            LOG.info(
                    "training {} on {} sequences ({} test), {}",
                    architecture.describe(),
                    train.size(),
                    test.size(),
                    config.describe());
            StopReason reason = epochs.run(this);
            return new TextTrainingRun(architecture, config, epochs.history(), parameters, reason);
        }

        @Override
        public boolean train(int epoch) {
            return epochs.trainEpoch(epoch, train.size(), samples -> {
                int[] y = new int[samples.length];
                for (int i = 0; i < samples.length; i++) {
                    y[i] = train.label(samples[i]);
                }
                epochs.step(manager -> batch(manager, train, samples), y);
            });
        }

        /** Evaluates and records; never stops early. */
        @Override
        public boolean finish(int epoch, double seconds) {
            parameters = epoch == 0 ? initial : ParameterBridge.read(network);
            epochs.record(epoch, seconds, evaluate(train), evaluate(test), OptionalDouble.empty(), parameters, initial);
            return false;
        }

        private EpochLoop.Evaluation evaluate(TokenData data) {
            return epochs.evaluate(data.size(), data::label, (manager, from, n) -> {
                int[] rows = new int[n];
                for (int i = 0; i < n; i++) {
                    rows[i] = from + i;
                }
                return batch(manager, data, rows);
            });
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
    }
}
