package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.TestData;
import dev.onnxinspect.trainers.model.Initialization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final Mlp MLP = Mlp.relu(4, 2, 8);

    /** Two classes separated by a margin: class 1 iff x0 - x1 > 0, with |x0 - x1| >= 0.4. */
    private static TrainingData separable(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            double gap = 0.4 + 0.6 * random.nextDouble();
            double base = random.nextDouble();
            x[i * 4] = (float) (y[i] == 1 ? base + gap : base);
            x[i * 4 + 1] = (float) (y[i] == 1 ? base : base + gap);
            x[i * 4 + 2] = (float) random.nextDouble();
            x[i * 4 + 3] = (float) random.nextDouble();
        }
        return new TrainingData(x, y, new int[] {4}, 2);
    }

    @Test
    void learnsASeparableProblemAndRecordsTheHistory() {
        TrainingData train = separable(64, 1);
        TrainingData test = separable(32, 2);
        List<Integer> seen = new ArrayList<>();
        TrainingRun run = Trainer.train(
                MLP,
                train,
                test,
                TrainingConfig.builder(30)
                        .batchSize(16)
                        .optimizer(OptimizerKind.ADAM)
                        .learningRate(0.05)
                        .seed(5)
                        .build(),
                (r, p) -> seen.add(r.epoch()));

        assertThat(seen).hasSize(31).startsWith(0, 1, 2).endsWith(30);
        assertThat(run.stopReason()).isEqualTo(StopReason.COMPLETED);
        assertThat(run.history()).hasSize(31);
        EpochRecord initial = run.history().get(0);
        assertThat(initial.distanceFromInit()).isEqualTo(0.0);
        assertThat(initial.weightNorm())
                .isEqualTo(Initialization.xavierUniform(MLP, 5).l2Norm());
        assertThat(run.parameters(0)).isEqualTo(Initialization.xavierUniform(MLP, 5));
        EpochRecord last = run.finalRecord();
        assertThat(last.trainAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(last.testAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(last.trainLoss()).isLessThan(initial.trainLoss());
        assertThat(last.distanceFromInit())
                .isCloseTo(run.finalParameters().distanceTo(run.parameters(0)), within(1e-12));
        assertThat(last.validationLoss()).isEmpty();
    }

    @Test
    void sameSeedGivesTheSameWeights() {
        TrainingData train = TestData.uniform(40, new int[] {4}, 2, 3);
        TrainingConfig config = TrainingConfig.builder(2).batchSize(8).seed(9).build();
        TrainingRun a = Trainer.train(MLP.withDropout(0.3), train, train, config, EpochListener.NONE);
        TrainingRun b = Trainer.train(MLP.withDropout(0.3), train, train, config, EpochListener.NONE);
        TrainingRun c = Trainer.train(
                MLP.withDropout(0.3), train, train, config.toBuilder().seed(10).build(), EpochListener.NONE);
        assertThat(b.finalParameters()).isEqualTo(a.finalParameters());
        assertThat(b.history())
                .isEqualTo(a.history().stream()
                        .map(r -> new EpochRecord(
                                r.epoch(),
                                r.trainLoss(),
                                r.trainAccuracy(),
                                r.testLoss(),
                                r.testAccuracy(),
                                r.validationLoss(),
                                r.weightNorm(),
                                r.distanceFromInit(),
                                b.history().get(r.epoch()).trainSeconds()))
                        .toList());
        assertThat(c.finalParameters()).isNotEqualTo(a.finalParameters());
    }

    @Test
    void earlyStoppingStopsAtTheEpochTheInjectedCurveDictates() {
        // validation curve for epochs 0..: 1.0, 0.9, 0.7 (best), 0.8, 0.75 -> patience 2 stops after epoch 4
        double[] curve = {1.0, 0.9, 0.7, 0.8, 0.75, 0.1, 0.1};
        TrainingData train = TestData.uniform(20, new int[] {4}, 2, 4);
        TrainingRun run = Trainer.train(
                MLP,
                train,
                train,
                TrainingConfig.builder(6)
                        .batchSize(8)
                        .earlyStopping(new EarlyStopping(2, 0.0, 0.25))
                        .build(),
                EpochListener.NONE,
                (epoch, measured) -> curve[epoch]);
        assertThat(run.stopReason()).isEqualTo(StopReason.EARLY_STOPPED);
        assertThat(run.lastEpoch()).isEqualTo(4);
        assertThat(run.bestEpoch()).hasValue(2);
        assertThat(run.history().get(3).validationLoss()).hasValue(0.8);
        assertThat(run.checkpoints()).hasSize(5);
    }

    @Test
    void validationSplitHoldsOutTheRoundedFraction() {
        // 20 samples x 0.25 = 5 held out, 15 trained on, disjoint, seeded
        TrainingData data = TestData.uniform(20, new int[] {4}, 2, 4);
        TrainingData[] split = Trainer.split(data, 0.25, 7);
        assertThat(split[0].size()).isEqualTo(15);
        assertThat(split[1].size()).isEqualTo(5);
        TrainingData[] again = Trainer.split(data, 0.25, 7);
        assertThat(again[1].features()).isEqualTo(split[1].features());
    }

    @Test
    void interruptionKeepsTheFinishedEpochs() {
        TrainingData train = TestData.uniform(32, new int[] {4}, 2, 5);
        List<Integer> seen = new ArrayList<>();
        try {
            TrainingRun run = Trainer.train(
                    MLP, train, train, TrainingConfig.builder(10).batchSize(4).build(), (record, parameters) -> {
                        seen.add(record.epoch());
                        if (record.epoch() == 2) {
                            Thread.currentThread().interrupt();
                        }
                    });
            assertThat(run.stopReason()).isEqualTo(StopReason.INTERRUPTED);
            assertThat(run.lastEpoch()).isEqualTo(2);
            assertThat(seen).containsExactly(0, 1, 2);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void mismatchedDataIsRejectedWithAnExplanation() {
        TrainingData wrongShape = TestData.uniform(4, new int[] {5}, 2, 1);
        TrainingData wrongClasses = TestData.uniform(4, new int[] {4}, 3, 1);
        TrainingConfig config = TrainingConfig.builder(1).build();
        assertThatThrownBy(() -> Trainer.train(MLP, wrongShape, wrongShape, config, EpochListener.NONE))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("shape [5]")
                .hasMessageContaining("[4]");
        assertThatThrownBy(() -> Trainer.train(MLP, wrongClasses, wrongClasses, config, EpochListener.NONE))
                .hasMessageContaining("3 classes but the mlp has 2 outputs");
        assertThatThrownBy(() -> TrainingConfig.builder(0).build()).hasMessageContaining("epochs >= 1");
        assertThatThrownBy(() -> TrainingConfig.builder(1).learningRate(-1).build())
                .hasMessageContaining("learning rate");
    }

    @Test
    void trainingDataValidatesAndCopies() {
        assertThatThrownBy(() -> new TrainingData(new float[3], new int[] {0, 1}, new int[] {2}, 2))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("expected 2 samples x 2 values = 4");
        assertThatThrownBy(() -> new TrainingData(new float[2], new int[] {2}, new int[] {2}, 2))
                .hasMessageContaining("label of sample 0 is 2");
        assertThatThrownBy(() -> new TrainingData(new float[] {0f, Float.NaN}, new int[] {0}, new int[] {2}, 2))
                .hasMessageContaining("feature 1 of sample 0 is NaN");
        float[] x = {1f, 2f, 3f, 4f};
        TrainingData d = new TrainingData(x, new int[] {0, 1}, new int[] {2}, 2);
        x[0] = 9f;
        assertThat(d.feature(0, 0)).isEqualTo(1f);
        assertThat(d.subset(new int[] {1, 1}).features()).containsExactly(3f, 4f, 3f, 4f);
        assertThat(d.concat(d).labels()).containsExactly(0, 1, 0, 1);
    }
}
