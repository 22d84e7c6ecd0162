package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.train.TrainingData;
import org.junit.jupiter.api.Test;

class ExtremeOverfittingSetTest {
    private static TrainingData data(int n, int classes, float offset) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = offset + i;
            y[i] = i % classes;
        }
        return new TrainingData(x, y, new int[] {1}, classes);
    }

    /**
     * With two classes the only wrong label is the other class, so the set is fully determined: training samples
     * 0..5 (x = 0..5), then round(6 / 2) = 3 copies of the test samples x = 100, 101 with labels 1 - y = 1, 0.
     */
    @Test
    void twoClassesGiveTheOtherLabelRepeatedToTheTrainingSize() {
        ExtremeOverfittingSet set = ExtremeOverfittingSet.build(data(6, 2, 0), data(2, 2, 100), 7);

        assertThat(set.repeats()).isEqualTo(3);
        assertThat(set.wrongLabels()).containsExactly(1, 0);
        assertThat(set.data().features()).containsExactly(0, 1, 2, 3, 4, 5, 100, 101, 100, 101, 100, 101);
        assertThat(set.data().labels()).containsExactly(0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0);
    }

    @Test
    void everyWrongLabelDiffersFromTheTruthAndTheSeedFixesThem() {
        TrainingData test = data(200, 10, 0);
        ExtremeOverfittingSet a = ExtremeOverfittingSet.build(data(300, 10, 0), test, 3);
        ExtremeOverfittingSet b = ExtremeOverfittingSet.build(data(300, 10, 0), test, 3);

        assertThat(a.repeats()).isEqualTo(2); // round(300 / 200) = round(1.5) = 2
        assertThat(a.data().size()).isEqualTo(300 + 2 * 200);
        assertThat(a.wrongLabels()).isEqualTo(b.wrongLabels());
        for (int i = 0; i < 200; i++) {
            assertThat(a.wrongLabels()[i]).isBetween(0, 9).isNotEqualTo(test.label(i));
            assertThat(a.data().label(300 + i)).isEqualTo(a.wrongLabels()[i]);
            assertThat(a.data().label(500 + i)).isEqualTo(a.wrongLabels()[i]);
        }
        // all nine wrong classes occur for some of the 200 samples (each has chance 1/9 per sample)
        assertThat(java.util.Arrays.stream(a.wrongLabels()).distinct().count()).isEqualTo(10);
    }

    @Test
    void rejectsMismatchedSets() {
        assertThatThrownBy(() -> ExtremeOverfittingSet.build(data(4, 2, 0), data(2, 3, 0), 1))
                .isInstanceOf(DynamicsException.class).hasMessageContaining("same sample shape and classes");
    }
}
