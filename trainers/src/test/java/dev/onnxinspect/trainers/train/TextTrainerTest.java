package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.model.Initialization;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextTrainerTest {
    /** V = 6: class 1 iff token 1 occurs (ids 2..5 are noise); sequences of 1 to 4 tokens, ragged. */
    private static final TextClassifier NET = TextClassifier.relu(6, 4, new int[] {6}, new int[] {6}, 2);

    private static TokenData data(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[][] ids = new long[n][];
        long[][] mask = new long[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int length = 1 + random.nextInt(4);
            ids[i] = new long[length];
            mask[i] = new long[length];
            labels[i] = i % 2;
            for (int t = 0; t < length; t++) {
                ids[i][t] = 2L + random.nextInt(4);
                mask[i][t] = 1;
            }
            if (labels[i] == 1) {
                ids[i][random.nextInt(length)] = 1;
            }
        }
        return TokenData.labelled(ids, mask, labels, 2);
    }

    private static TrainingConfig config(int epochs) {
        return TrainingConfig.builder(epochs)
                .optimizer(OptimizerKind.ADAM)
                .learningRate(0.02)
                .batchSize(16)
                .seed(3)
                .build();
    }

    @Test
    void learnsAKeywordRuleAndRecordsTheHistory() {
        TextTrainingRun run = TextTrainer.train(NET, data(128, 1), data(64, 2), config(6));
        assertThat(run.history()).hasSize(7);
        assertThat(run.history().get(0).epoch()).isZero();
        assertThat(run.history().get(0).distanceFromInit()).isZero();
        assertThat(run.history().get(0).weightNorm())
                .isCloseTo(Initialization.xavierUniform(NET, 3).l2Norm(), within(1e-12));
        assertThat(run.stopReason()).isEqualTo(StopReason.COMPLETED);
        assertThat(run.finalRecord().epoch()).isEqualTo(6);
        assertThat(run.finalRecord().trainAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(run.finalRecord().testAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(run.finalRecord().trainLoss())
                .isLessThan(run.history().get(0).trainLoss());
        assertThat(run.finalRecord().distanceFromInit())
                .isCloseTo(run.finalParameters().distanceTo(Initialization.xavierUniform(NET, 3)), within(1e-9));
        assertThat(run.trainSeconds())
                .isEqualTo(run.history().stream()
                        .mapToDouble(EpochRecord::trainSeconds)
                        .sum());
    }

    @Test
    void sameSeedGivesTheSameWeights() {
        TokenData train = data(64, 4);
        TokenData test = data(16, 5);
        ModelParameters first = TextTrainer.train(NET, train, test, config(2)).finalParameters();
        ModelParameters second = TextTrainer.train(NET, train, test, config(2)).finalParameters();
        assertThat(second).isEqualTo(first);
        ModelParameters other = TextTrainer.train(
                        NET, train, test, config(2).toBuilder().seed(4).build())
                .finalParameters();
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void refusesDataTheNetworkCannotRead() {
        TokenData ok = data(8, 6);
        TokenData unlabelled = TokenData.unlabelled(new long[][] {{1}}, new long[][] {{1}});
        assertThatThrownBy(() -> TextTrainer.train(NET, unlabelled, ok, config(1)))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("training data has no labels");
        TokenData wideIds = TokenData.labelled(new long[][] {{6}}, new long[][] {{0}}, new int[] {0}, 2);
        assertThatThrownBy(() -> TextTrainer.train(NET, ok, wideIds, config(1)))
                .hasMessageContaining("test data has token id 6")
                .hasMessageContaining("ids 0..5");
        TokenData threeClasses = TokenData.labelled(new long[][] {{1}}, new long[][] {{1}}, new int[] {2}, 3);
        assertThatThrownBy(() -> TextTrainer.train(NET, threeClasses, ok, config(1)))
                .hasMessageContaining("has 3 classes but the text classifier has 2 outputs");
        TrainingConfig early = config(1).toBuilder()
                .earlyStopping(EarlyStopping.withPatience(1))
                .build();
        assertThatThrownBy(() -> TextTrainer.train(NET, ok, ok, early)).hasMessageContaining("no early stopping");
    }
}
