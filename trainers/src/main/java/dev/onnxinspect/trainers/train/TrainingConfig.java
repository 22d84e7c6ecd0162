package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to train: made by {@link #builder(int)}, validated by {@link Builder#build()}.
 *
 * <p>Choice: weight decay is L2 regularisation added to the gradient (g + lambda w) by the optimiser for every
 * trainable tensor, biases and batch-norm scales included (for Adam this is the classic L2 form, not AdamW).
 *
 * @param epochs        epochs to train, &gt;= 1
 * @param batchSize     samples per step, &gt;= 1 (default 128); the last batch of an epoch may be smaller
 * @param optimizer     SGD (default) or ADAM
 * @param learningRate  &gt; 0 (default 0.1 for SGD, 0.001 for Adam)
 * @param momentum      SGD momentum in [0, 1) (default 0; ignored by Adam)
 * @param weightDecay   L2 coefficient &gt;= 0 (default 0)
 * @param seed          seeds the initial weights, the batch order, the validation split and dropout
 * @param earlyStopping the early stopping rule (default {@link EarlyStopping#DISABLED})
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        OptimizerKind optimizer,
        double learningRate,
        double momentum,
        double weightDecay,
        long seed,
        EarlyStopping earlyStopping) {

    public static final int DEFAULT_BATCH_SIZE = 128;

    public TrainingConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(earlyStopping, "earlyStopping");
        if (epochs < 1 || batchSize < 1) {
            throw new TrainingException(
                    "expected epochs >= 1 and batch size >= 1, got " + epochs + " and " + batchSize);
        }
        if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
            throw new TrainingException("the learning rate must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new TrainingException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new TrainingException("weight decay must be >= 0, got " + weightDecay);
        }
    }

    /** A builder for {@code epochs} epochs with the defaults above. */
    public static Builder builder(int epochs) {
        return new Builder(epochs);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(epochs)
                .batchSize(batchSize)
                .optimizer(optimizer)
                .learningRate(learningRate)
                .momentum(momentum)
                .weightDecay(weightDecay)
                .seed(seed)
                .earlyStopping(earlyStopping);
    }

    /** Key/value description for model metadata and run tables. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("optimizer", optimizer.name().toLowerCase(java.util.Locale.ROOT));
        m.put("learning_rate", Double.toString(learningRate));
        m.put("momentum", Double.toString(momentum));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("seed", Long.toString(seed));
        m.put("early_stopping_patience", Integer.toString(earlyStopping.patience()));
        m.put("early_stopping_min_delta", Double.toString(earlyStopping.minDelta()));
        m.put("validation_fraction", Double.toString(earlyStopping.validationFraction()));
        m.put("initializer", "xavier_uniform");
        return m;
    }

    /** Builder of {@link TrainingConfig}; not thread-safe. */
    public static final class Builder {
        private final int epochs;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private OptimizerKind optimizer = OptimizerKind.SGD;
        private Double learningRate;
        private double momentum;
        private double weightDecay;
        private long seed;
        private EarlyStopping earlyStopping = EarlyStopping.DISABLED;

        private Builder(int epochs) {
            this.epochs = epochs;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder optimizer(OptimizerKind value) {
            this.optimizer = value;
            return this;
        }

        public Builder learningRate(double value) {
            this.learningRate = value;
            return this;
        }

        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder earlyStopping(EarlyStopping value) {
            this.earlyStopping = value;
            return this;
        }

        public TrainingConfig build() {
            double lr = learningRate != null ? learningRate : optimizer == OptimizerKind.ADAM ? 1e-3 : 0.1;
            return new TrainingConfig(epochs, batchSize, optimizer, lr, momentum, weightDecay, seed, earlyStopping);
        }
    }
}
