package dev.onnxinspect.trainers.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;

/**
 * The part of one training run that {@link Trainer} and {@link TextTrainer} share, whatever their data: the DJL
 * trainer around a block, the epochs in order with interruption and early stopping, the seeded shuffled batches of an
 * epoch, the softmax cross-entropy step, the evaluation pass (see {@link EpochRecord}) and the history (records,
 * divergence check, one log line per epoch, in the caller's logger).
 *
 * <p>Mutable, not thread-safe; lives only inside one run, like the DJL trainer it holds (which it does not close).
 */
final class EpochLoop {
    /** Samples per inference batch of an evaluation pass. */
    static final int EVAL_BATCH = 1000;

    private final Logger log;
    private final TrainingConfig config;
    private final ai.djl.training.Trainer trainer;
    private final int numClasses;
    private final List<EpochRecord> history = new ArrayList<>();

    /**
     * @param log        the trainer's logger, which gets the per-epoch lines
     * @param trainer    the DJL trainer of this run (see {@link #withTrainer})
     * @param numClasses K, the width of the logits
     */
    EpochLoop(Logger log, TrainingConfig config, ai.djl.training.Trainer trainer, int numClasses) {
        this.log = log;
        this.config = config;
        this.trainer = trainer;
        this.numClasses = numClasses;
    }

    /**
     * Runs {@code body} with a DJL trainer (PyTorch, CPU, the config's optimiser, weights initialised to zeros
     * before the caller writes its seeded start) of a model made of {@code network}, initialised for
     * {@code inputShapes}; closes the trainer and the model afterwards.
     */
    static <R> R withTrainer(
            String kind,
            Block network,
            TrainingConfig config,
            Shape[] inputShapes,
            Function<ai.djl.training.Trainer, R> body) {
        try (Model model = Model.newInstance(kind, Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Trainer.optimizer(config))
                    .optDevices(new Device[] {Device.cpu()})
                    .optInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            try (ai.djl.training.Trainer trainer = model.newTrainer(djlConfig)) {
                trainer.initialize(inputShapes);
                return body.apply(trainer);
            }
        }
    }

    /** What a trainer does in each epoch of {@link #run}. */
    interface Epochs {
        /** One pass over the training data ({@link #trainEpoch}); false when interrupted. */
        boolean train(int epoch);

        /**
         * Evaluates, records ({@link #record}) and notifies after epoch {@code epoch} (0 = the initial model);
         * true when early stopping fires.
         */
        boolean finish(int epoch, double seconds);
    }

    /**
     * Finishes epoch 0, then trains and finishes epochs 1 to {@code config.epochs()} until one is interrupted or
     * early stopping fires. The seconds given to {@link Epochs#finish} are the wall time of {@link Epochs#train}.
     *
     * @return why the run ended
     */
    StopReason run(Epochs epochs) {
        StopReason reason = StopReason.COMPLETED;
        if (epochs.finish(0, 0.0)) {
            reason = StopReason.EARLY_STOPPED;
        }
        for (int epoch = 1; epoch <= config.epochs() && reason == StopReason.COMPLETED; epoch++) {
            long start = System.nanoTime();
            if (!epochs.train(epoch)) {
                reason = StopReason.INTERRUPTED;
                log.warn("training interrupted during epoch {}; keeping epochs 0..{}", epoch, epoch - 1);
                break;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (epochs.finish(epoch, seconds)) {
                reason = StopReason.EARLY_STOPPED;
            }
        }
        return reason;
    }

    /** One batch of training samples, by index. */
    interface Batch {
        void train(int[] samples);
    }

    /**
     * One pass over {@code size} training samples in a seeded random order (a {@link Permutations#random} drawn from
     * {@code SplittableRandom(seed + epoch)}), in batches of {@code batchSize}; the thread's interrupt flag is checked
     * before each batch.
     *
     * @return false when interrupted (the flag stays set)
     */
    boolean trainEpoch(int epoch, int size, Batch batch) {
        int[] order = Permutations.random(size, new SplittableRandom(config.seed() + epoch));
        for (int from = 0; from < order.length; from += config.batchSize()) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            int n = Math.min(config.batchSize(), order.length - from);
            batch.train(Arrays.copyOfRange(order, from, from + n));
        }
        return true;
    }

    /**
     * One optimiser step on the mean softmax cross-entropy of a batch.
     *
     * @param inputs the batch's inputs, made in the step's own manager (closed after the step)
     * @param labels the batch's labels
     */
    void step(Function<NDManager, NDList> inputs, int[] labels) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList x = inputs.apply(manager);
            NDArray y = manager.create(labels);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(x).singletonOrThrow();
                NDArray loss = logits.logSoftmax(1)
                        .mul(y.oneHot(numClasses, DataType.FLOAT32))
                        .sum(new int[] {1})
                        .neg()
                        .mean();
                collector.backward(loss);
            }
            trainer.step();
        }
    }

    /** The inputs of consecutive samples of a data set. */
    interface EvaluationBatch {
        /** The inputs of samples {@code from} to {@code from + n - 1}, made in {@code manager}. */
        NDList inputs(NDManager manager, int from, int n);
    }

    /**
     * The mean loss and the accuracy of the model in inference mode on {@code size} samples, in batches of
     * {@value #EVAL_BATCH}, summed in float64 in sample order (see {@link EpochRecord}).
     *
     * @param labels the label of each sample
     */
    Evaluation evaluate(int size, IntUnaryOperator labels, EvaluationBatch batch) {
        int k = numClasses;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < size; from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, size - from);
            float[] logits;
            try (NDManager manager = trainer.getManager().newSubManager()) {
                logits = trainer.evaluate(batch.inputs(manager, from, n))
                        .singletonOrThrow()
                        .toFloatArray();
            }
            for (int i = 0; i < n; i++) {
                int label = labels.applyAsInt(from + i);
                lossSum += Metrics.crossEntropy(logits, i * k, k, label);
                if (Metrics.argMax(logits, i * k, k) == label) {
                    correct++;
                }
            }
        }
        return new Evaluation(lossSum / size, (double) correct / size);
    }

    /** Loss and accuracy of a model on a data set. */
    record Evaluation(double loss, double accuracy) {}

    /**
     * Adds the history row of a finished epoch and logs it.
     *
     * @param validationLoss the validation loss early stopping saw, empty without early stopping
     * @param parameters     the parameters after the epoch
     * @param initial        the parameters of epoch 0
     * @throws TrainingException when the training loss is not finite (the training diverged)
     */
    EpochRecord record(
            int epoch,
            double seconds,
            Evaluation onTrain,
            Evaluation onTest,
            OptionalDouble validationLoss,
            ModelParameters parameters,
            ModelParameters initial) {
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
        log.info(
                "epoch {}: train loss {} acc {}, test loss {} acc {}, |theta| {}, |theta - theta0| {}, {} s",
                epoch,
                fmt(record.trainLoss()),
                fmt(record.trainAccuracy()),
                fmt(record.testLoss()),
                fmt(record.testAccuracy()),
                fmt(record.weightNorm()),
                fmt(record.distanceFromInit()),
                fmt(seconds));
        return record;
    }

    /** The rows recorded so far, epoch 0 first (unmodifiable). */
    List<EpochRecord> history() {
        return List.copyOf(history);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
