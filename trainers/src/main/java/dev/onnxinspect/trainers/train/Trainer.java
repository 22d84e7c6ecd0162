package dev.onnxinspect.trainers.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.model.DjlEnvironment;
import dev.onnxinspect.trainers.model.Initialization;
import dev.onnxinspect.trainers.model.ModelFactory;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.NetworkBlock;
import dev.onnxinspect.trainers.model.ParameterBridge;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an {@link Architecture} with DJL (PyTorch engine, CPU, natives from the class path) on plain arrays and
 * records the SPEC §11 history. Every run starts from {@link Initialization#xavierUniform} with the config's seed;
 * with the same seed, data and machine two runs give the same weights.
 *
 * <p>One epoch visits every training sample once, in a seeded random order (a {@link Permutations#random} drawn
 * from {@code SplittableRandom(seed + epoch)}), in batches of {@code batchSize}, minimising mean softmax
 * cross-entropy. After each epoch the model is evaluated in inference mode (see {@link EpochRecord}), the listener is
 * called, and early stopping is checked.
 *
 * <p>Interruption: the thread's interrupt flag is checked between batches; when set, the unfinished epoch is
 * dropped, the run returns with {@link StopReason#INTERRUPTED} and the flag stays set. Finished epochs have
 * already been passed to the listener (e.g. written as checkpoints).
 *
 * <p>Choice: dropout masks come from PyTorch's global generator, seeded with {@code (int) seed} at the start of each
 * run; runs are reproducible when they run one after another in a JVM (concurrent runs share the generator).
 * Choice: the per-epoch train loss and accuracy are measured by an inference pass after the epoch (not averaged
 * over the epoch's changing weights), so they describe the checkpoint.
 *
 * <p>All native memory (the DJL model, its parameters and per-batch arrays) is created and closed inside
 * {@link #train}; the returned run holds plain Java arrays only.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private Trainer() {}

    /** Trains with the measured validation losses; see {@link #train(Architecture, TrainingData, TrainingData,
     * TrainingConfig, EpochListener, ValidationLossSource)}. */
    public static TrainingRun train(
            Architecture architecture,
            TrainingData train,
            TrainingData test,
            TrainingConfig config,
            EpochListener listener) {
        return train(architecture, train, test, config, listener, ValidationLossSource.MEASURED);
    }

    /**
     * Trains {@code architecture} on {@code train}, evaluating on {@code test} after every epoch.
     *
     * <p>Choice: data whose per-sample shape differs from the architecture's input shape is accepted when both have
     * the same number of values (e.g. [784] data for a [1, 28, 28] network) and reshaped.
     *
     * @param train            training data (a validation split is held out of it when early stopping is on)
     * @param test             test data, evaluated after every epoch, never trained on
     * @param listener         called for epoch 0 and every finished epoch
     * @param validationLosses turns measured validation losses into the ones early stopping sees
     */
    public static TrainingRun train(
            Architecture architecture,
            TrainingData train,
            TrainingData test,
            TrainingConfig config,
            EpochListener listener,
            ValidationLossSource validationLosses) {
        check(architecture, train, "training");
        check(architecture, test, "test");
        DjlEnvironment.ensureOffline();
        boolean earlyStopping = config.earlyStopping().enabled();
        TrainingData[] split =
                earlyStopping ? split(train, config.earlyStopping().validationFraction(), config.seed()) : null;
        TrainingData fit = earlyStopping ? split[0] : train;
        TrainingData validation = earlyStopping ? split[1] : null;
        Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
        NetworkBlock network = ModelFactory.toDjlBlock(architecture);
        return EpochLoop.withTrainer(
                architecture.kind(),
                network,
                config,
                new Shape[] {network.inputShape(1)},
                djl -> new Loop(architecture, config, network, djl, fit, validation, test, listener, validationLosses)
                        .run());
    }

    private static void check(Architecture architecture, TrainingData data, String what) {
        if (data.sampleSize() != Shapes.size(architecture.inputShape())) {
            throw new TrainingException("the " + what + " data has samples of shape " + Shapes.text(data.sampleShape())
                    + " but the " + architecture.kind() + " expects " + Shapes.text(architecture.inputShape())
                    + "; reshape or choose a matching architecture");
        }
        if (data.numClasses() != architecture.numClasses()) {
            throw new TrainingException("the " + what + " data has " + data.numClasses() + " classes but the "
                    + architecture.kind() + " has " + architecture.numClasses() + " outputs");
        }
        if (data.size() == 0) {
            throw new TrainingException("the " + what + " data is empty; expected at least one sample");
        }
    }

    /** [fit, validation]: a seeded random validation fraction of {@code data} (at least 1 sample) held out. */
    static TrainingData[] split(TrainingData data, double fraction, long seed) {
        int n = data.size();
        int held = Math.max(1, (int) Math.round(fraction * n));
        if (held >= n) {
            throw new TrainingException(
                    "a validation fraction of " + fraction + " leaves no training data out of " + n + " samples");
        }
        int[] order = Permutations.random(n, new SplittableRandom(seed ^ 0x5DEECE66DL));
        int[] valIdx = Arrays.copyOfRange(order, 0, held);
        int[] fitIdx = Arrays.copyOfRange(order, held, n);
        Arrays.sort(valIdx);
        Arrays.sort(fitIdx);
        return new TrainingData[] {data.subset(fitIdx), data.subset(valIdx)};
    }

    static Optimizer optimizer(TrainingConfig config) {
        float lr = (float) config.learningRate();
        float wd = (float) config.weightDecay();
        return switch (config.optimizer()) {
            case SGD ->
                Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(lr))
                        .optMomentum((float) config.momentum())
                        .optWeightDecays(wd)
                        .build();
            case ADAM ->
                Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(lr))
                        .optWeightDecays(wd)
                        .build();
        };
    }

    /** The state of one run; lives only inside {@link #train}. */
    private static final class Loop implements EpochLoop.Epochs {
        private final Architecture architecture;
        private final TrainingConfig config;
        private final NetworkBlock network;
        private final TrainingData fit;
        private final TrainingData validation;
        private final TrainingData test;
        private final EpochListener listener;
        private final ValidationLossSource validationLosses;
        private final EpochLoop epochs;
        private final List<ModelParameters> checkpoints = new ArrayList<>();
        private final ModelParameters initial;
        private final EarlyStoppingMonitor monitor;

        Loop(
                Architecture architecture,
                TrainingConfig config,
                NetworkBlock network,
                ai.djl.training.Trainer trainer,
                TrainingData fit,
                TrainingData validation,
                TrainingData test,
                EpochListener listener,
                ValidationLossSource validationLosses) {
            this.architecture = architecture;
            this.config = config;
            this.network = network;
            this.fit = fit;
            this.validation = validation;
            this.test = test;
            this.listener = listener;
            this.validationLosses = validationLosses;
            this.epochs = new EpochLoop(LOG, config, trainer, architecture.numClasses());
            this.initial = Initialization.xavierUniform(architecture, config.seed());
            this.monitor = validation == null ? null : new EarlyStoppingMonitor(config.earlyStopping());
        }

        TrainingRun run() {
            ParameterBridge.write(network, initial);
            LOG.info(
                    "training {} on {} samples ({} test{}), {}",
                    architecture.describe(),
                    fit.size(),
                    test.size(),
                    validation == null ? "" : ", " + validation.size() + " validation",
                    config.describe());
            StopReason reason = epochs.run(this);
            OptionalInt best = monitor == null ? OptionalInt.empty() : OptionalInt.of(monitor.bestEpoch());
            return new TrainingRun(architecture, config, epochs.history(), checkpoints, reason, best);
        }

        @Override
        public boolean train(int epoch) {
            int sampleSize = fit.sampleSize();
            float[] x = new float[config.batchSize() * sampleSize];
            return epochs.trainEpoch(epoch, fit.size(), samples -> {
                int n = samples.length;
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    fit.copySample(samples[i], x, i * sampleSize);
                    y[i] = fit.label(samples[i]);
                }
                epochs.step(
                        manager -> new NDList(
                                manager.create(FloatBuffer.wrap(x, 0, n * sampleSize), network.inputShape(n))),
                        y);
            });
        }

        @Override
        public boolean finish(int epoch, double seconds) {
            ModelParameters parameters = epoch == 0 ? initial : ParameterBridge.read(network);
            EpochLoop.Evaluation onTrain = evaluate(fit);
            EpochLoop.Evaluation onTest = evaluate(test);
            OptionalDouble validationLoss = OptionalDouble.empty();
            boolean stop = false;
            if (monitor != null) {
                double loss = validationLosses.validationLoss(
                        epoch, evaluate(validation).loss());
                validationLoss = OptionalDouble.of(loss);
                stop = monitor.update(epoch, loss);
            }
            EpochRecord record = epochs.record(epoch, seconds, onTrain, onTest, validationLoss, parameters, initial);
            checkpoints.add(parameters);
            listener.onEpoch(record, parameters);
            if (stop) {
                LOG.info("early stopping after epoch {} (best epoch {})", epoch, monitor.bestEpoch());
            }
            return stop;
        }

        private EpochLoop.Evaluation evaluate(TrainingData data) {
            int sampleSize = data.sampleSize();
            float[] x = new float[EpochLoop.EVAL_BATCH * sampleSize];
            return epochs.evaluate(data.size(), data::label, (manager, from, n) -> {
                for (int i = 0; i < n; i++) {
                    data.copySample(from + i, x, i * sampleSize);
                }
                return new NDList(manager.create(FloatBuffer.wrap(x, 0, n * sampleSize), network.inputShape(n)));
            });
        }
    }
}
