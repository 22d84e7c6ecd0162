package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.trainers.TrainingException;
import org.junit.jupiter.api.Test;

class TrainingDataTest {
    // three samples of shape [2]: (0, 1), (2, 3), (4, 5) with labels 2, 0, 1
    private static final float[] X = {0, 1, 2, 3, 4, 5};
    private static final int[] Y = {2, 0, 1};

    @Test
    void fromADatasetKeepsOrderLabelsAndShape() {
        TrainingData data = TrainingData.from(InMemoryDataset.of("d", X, Y, 2), 3);
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.sampleShape()).containsExactly(2);
        assertThat(data.numClasses()).isEqualTo(3);
        assertThat(data.features()).containsExactly(X);
        assertThat(data.labels()).containsExactly(Y);
    }

    @Test
    void fromASubsetTakesOnlyItsSamples() {
        // samples [1, 3): (2, 3) and (4, 5) with labels 0, 1
        TrainingData data = TrainingData.from(InMemoryDataset.of("d", X, Y, 2).subset(1, 3), 3);
        assertThat(data.features()).containsExactly(2, 3, 4, 5);
        assertThat(data.labels()).containsExactly(0, 1);
    }

    @Test
    void unlabelledDatasetsAndLabelsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> TrainingData.from(InMemoryDataset.of("u", X, null, 2), 3))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("dataset u has no labels");
        // label 2 is not a class of a 2-class problem
        assertThatThrownBy(() -> TrainingData.from(InMemoryDataset.of("d", X, Y, 2), 2))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("label of sample 0 is 2");
    }
}
