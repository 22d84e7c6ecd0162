package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.TestData;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §11 (amended 2026-12-07): test accuracy under image corruption is also reported on the corrupted test set. */
class CorruptedTestAccuracyTest {
    /** MLP 2-2-2 with W1 = I, b1 = 0, W2 = I, b2 = 0: logits = relu(x). */
    private static final Mlp MLP = Mlp.relu(2, 2, 2);

    private static ModelParameters identity() {
        return new ModelParameters(List.of(
                new ParameterTensor("dense1/linear.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("dense1/linear.bias", new int[] {2}, new float[] {0, 0}, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, new float[] {1, 0, 0, 1}, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0, 0}, true)));
    }

    /**
     * logits = relu(x): (1,0) label 0 right; (0,2) label 1 right; (3,1) label 1 wrong (arg max 0); (1,1) label 0
     * right and (1,1) label 1 wrong (a tie goes to the lowest class, 0) -> 3 / 5.
     */
    @Test
    void accuracyOfHandSetParametersWithATie() {
        TrainingData data = new TrainingData(
                new float[] {1, 0, 0, 2, 3, 1, 1, 1, 1, 1}, new int[] {0, 1, 1, 0, 1}, new int[] {2}, 2);

        assertThat(CheckpointAccuracy.of(MLP, identity(), data)).isEqualTo(0.6);
    }

    /**
     * The fixed permutation of the test set is the training set's one: with a training set equal to the test set,
     * both corrupt to the same values. Labels are kept.
     */
    @Test
    void theFixedPermutationIsTheTrainingOne() {
        TrainingData data = TestData.uniform(6, new int[] {5}, 2, 4);
        var variant = new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS);

        TrainingData train = variant.prepare(data, data, 9).train();
        TrainingData test = variant.corruptedTest(data, 9).orElseThrow();

        assertThat(test.features()).containsExactly(train.features());
        assertThat(test.labels()).containsExactly(data.labels());
    }

    @Test
    void everyImageCorruptionHasACorruptedTestSetAndNothingElseHas() {
        TrainingData test = TestData.uniform(4, new int[] {4}, 2, 2);
        for (DataVariant.CorruptImages.Kind kind : DataVariant.CorruptImages.Kind.values()) {
            TrainingData t =
                    new DataVariant.CorruptImages(kind).corruptedTest(test, 3).orElseThrow();
            assertThat(t.size()).as(kind.name()).isEqualTo(4);
            assertThat(t.labels()).as(kind.name()).containsExactly(test.labels());
            assertThat(t.features()).as(kind.name()).isNotEqualTo(test.features());
        }
        assertThat(new DataVariant.Clean().corruptedTest(test, 3)).isEmpty();
        assertThat(new DataVariant.CorruptLabels(0.5).corruptedTest(test, 3)).isEmpty();
        assertThat(new DataVariant.ExtremeOverfit().corruptedTest(test, 3)).isEmpty();
    }

    /** The run records the final checkpoint's accuracy on the corrupted test set beside the clean one. */
    @Test
    void aRunWithImageCorruptionReportsBothTestAccuracies(@TempDir Path root) throws Exception {
        TrainingData train = TestData.uniform(16, new int[] {4}, 2, 1);
        TrainingData test = TestData.uniform(8, new int[] {4}, 2, 2);
        var variant = new DataVariant.CorruptImages(DataVariant.CorruptImages.Kind.SHUFFLED_PIXELS);
        Mlp mlp = Mlp.relu(4, 2, 3);
        Experiment e = new Experiment(
                "shuffled", mlp, TrainingConfig.builder(1).batchSize(8).build(), variant);

        ExperimentResult r = ExperimentRunner.runOne(e, 5, train, test, root);

        double expected = CheckpointAccuracy.of(
                mlp, r.run().finalParameters(), variant.corruptedTest(test, 5).orElseThrow());
        assertThat(r.corruptedTestAccuracy()).hasValue(expected);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(r.directory().resolve("run.properties"))) {
            p.load(in);
        }
        assertThat(p.getProperty("outcome.final_corrupted_test_accuracy")).isEqualTo(Double.toString(expected));
        assertThat(p.getProperty("outcome.final_test_accuracy"))
                .isEqualTo(Double.toString(r.run().finalRecord().testAccuracy()));
        ExperimentResult clean = ExperimentRunner.runOne(
                new Experiment(
                        "clean", mlp, TrainingConfig.builder(1).batchSize(8).build(), new DataVariant.Clean()),
                5,
                train,
                test,
                root);
        assertThat(clean.corruptedTestAccuracy()).isEmpty();
    }

    @Test
    void dataOfTheWrongSizeIsRefused() {
        TrainingData three = TestData.uniform(2, new int[] {3}, 2, 1);
        assertThatThrownBy(() -> CheckpointAccuracy.of(MLP, identity(), three))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("expects [2]");
    }
}
