package dev.onnxinspect.trainers.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
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
import java.util.Locale;
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
    private static final int EVAL_BATCH = 1000;

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
        TrainingData fit = train;
        TrainingData validation = null;
        if (config.earlyStopping().enabled()) {
            TrainingData[] split = split(train, config.earlyStopping().validationFraction(), config.seed());
            fit = split[0];
            validation = split[1];
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
        NetworkBlock network = ModelFactory.toDjlBlock(architecture);
        try (Model model = Model.newInstance(architecture.kind(), Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer(config))
                    .optDevices(new Device[] {Device.cpu()})
                    .optInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            try (ai.djl.training.Trainer trainer = model.newTrainer(djlConfig)) {
                trainer.initialize(network.inputShape(1));
                return new Loop(
                                architecture,
                                config,
                                network,
                                trainer,
                                fit,
                                validation,
                                test,
                                listener,
                                validationLosses)
                        .run();
            }
        }
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

    /** Loss and accuracy of a model on a data set. */
    record Evaluation(double loss, double accuracy) {}

    /** The state of one run; lives only inside {@link #train}. */
    private static final class Loop {
        private final Architecture architecture;
        private final TrainingConfig config;
        private final NetworkBlock network;
        private final ai.djl.training.Trainer trainer;
        private final TrainingData fit;
        private final TrainingData validation;
        private final TrainingData test;
        private final EpochListener listener;
        private final ValidationLossSource validationLosses;
        private final List<EpochRecord> history = new ArrayList<>();
        private final List<ModelParameters> checkpoints = new ArrayList<>();

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
            this.trainer = trainer;
            this.fit = fit;
            this.validation = validation;
            this.test = test;
            this.listener = listener;
            this.validationLosses = validationLosses;
        }

        TrainingRun run() {
            ModelParameters initial = Initialization.xavierUniform(architecture, config.seed());
            ParameterBridge.write(network, initial);
            EarlyStoppingMonitor monitor = validation == null ? null : new EarlyStoppingMonitor(config.earlyStopping());
            LOG.info(
                    "training {} on {} samples ({} test{}), {}",
                    architecture.describe(),
                    fit.size(),
                    test.size(),
                    validation == null ? "" : ", " + validation.size() + " validation",
                    config.describe());
            StopReason reason = StopReason.COMPLETED;
            if (finishEpoch(0, 0.0, initial, monitor)) {
                reason = StopReason.EARLY_STOPPED;
            }
            for (int epoch = 1; epoch <= config.epochs() && reason == StopReason.COMPLETED; epoch++) {
                long start = System.nanoTime();
                if (!trainEpoch(epoch)) {
                    reason = StopReason.INTERRUPTED;
                    LOG.warn("training interrupted during epoch {}; keeping epochs 0..{}", epoch, epoch - 1);
                    break;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (finishEpoch(epoch, seconds, initial, monitor)) {
                    reason = StopReason.EARLY_STOPPED;
                    LOG.info("early stopping after epoch {} (best epoch {})", epoch, monitor.bestEpoch());
                }
            }
            OptionalInt best = monitor == null ? OptionalInt.empty() : OptionalInt.of(monitor.bestEpoch());
            return new TrainingRun(architecture, config, history, checkpoints, reason, best);
        }

        /** One pass over the shuffled training data; false when interrupted. */
        private boolean trainEpoch(int epoch) {
            int[] order = Permutations.random(fit.size(), new SplittableRandom(config.seed() + epoch));
            int sampleSize = fit.sampleSize();
            float[] x = new float[config.batchSize() * sampleSize];
            for (int from = 0; from < order.length; from += config.batchSize()) {
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                int n = Math.min(config.batchSize(), order.length - from);
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    fit.copySample(order[from + i], x, i * sampleSize);
                    y[i] = fit.label(order[from + i]);
                }
                step(x, y, n);
            }
            return true;
        }

        private void step(float[] x, int[] y, int n) {
            try (NDManager manager = trainer.getManager().newSubManager()) {
                NDArray input = manager.create(FloatBuffer.wrap(x, 0, n * fit.sampleSize()), network.inputShape(n));
                NDArray labels = manager.create(y);
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
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

        /** Evaluates, records and notifies; true when early stopping fires. */
        private boolean finishEpoch(int epoch, double seconds, ModelParameters initial, EarlyStoppingMonitor monitor) {
            ModelParameters parameters = epoch == 0 ? initial : ParameterBridge.read(network);
            Evaluation onTrain = evaluate(fit);
            Evaluation onTest = evaluate(test);
            OptionalDouble validationLoss = OptionalDouble.empty();
            boolean stop = false;
            if (monitor != null) {
                double loss = validationLosses.validationLoss(
                        epoch, evaluate(validation).loss());
                validationLoss = OptionalDouble.of(loss);
                stop = monitor.update(epoch, loss);
            }
            EpochRecord record = new EpochRecord(
                    epoch,
                    onTrain.loss(),
                    onTrain.accuracy(),
                    onTest.loss(),
                    onTest.accuracy(),
                    validationLoss,
                    parameters.l2Norm(),
                    parameters.distanceTo(initial),
                    seconds);
            if (!Double.isFinite(record.trainLoss())) {
                throw new TrainingException("the training loss after epoch " + epoch + " is " + record.trainLoss()
                        + "; the training diverged, lower the learning rate");
            }
            history.add(record);
            checkpoints.add(parameters);
            LOG.info(
                    "epoch {}: train loss {} acc {}, test loss {} acc {}, |theta| {}, |theta - theta0| {}, {} s",
                    epoch,
                    fmt(record.trainLoss()),
                    fmt(record.trainAccuracy()),
                    fmt(record.testLoss()),
                    fmt(record.testAccuracy()),
                    fmt(record.weightNorm()),
                    fmt(record.distanceFromInit()),
                    fmt(seconds));
            listener.onEpoch(record, parameters);
            return stop;
        }

        private Evaluation evaluate(TrainingData data) {
            int k = architecture.numClasses();
            double lossSum = 0;
            long correct = 0;
            float[] x = new float[EVAL_BATCH * data.sampleSize()];
            for (int from = 0; from < data.size(); from += EVAL_BATCH) {
                int n = Math.min(EVAL_BATCH, data.size() - from);
                for (int i = 0; i < n; i++) {
                    data.copySample(from + i, x, i * data.sampleSize());
                }
                float[] logits;
                try (NDManager manager = trainer.getManager().newSubManager()) {
                    NDArray input =
                            manager.create(FloatBuffer.wrap(x, 0, n * data.sampleSize()), network.inputShape(n));
                    logits = trainer.evaluate(new NDList(input))
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
            return new Evaluation(lossSum / data.size(), (double) correct / data.size());
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
