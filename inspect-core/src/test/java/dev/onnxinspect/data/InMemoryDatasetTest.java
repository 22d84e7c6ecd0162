package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class InMemoryDatasetTest {
    /** 5 samples of 2 values: sample i = [10 i, 10 i + 1], label i % 3. */
    private static InMemoryDataset five() {
        float[] data = new float[10];
        for (int i = 0; i < 5; i++) {
            data[2 * i] = 10 * i;
            data[2 * i + 1] = 10 * i + 1;
        }
        return InMemoryDataset.of("five", data, new int[] {0, 1, 2, 0, 1}, 2);
    }

    @Test
    void batchesCoverEverySampleOnceInOrder() {
        List<Batch> batches = new ArrayList<>();
        five().batches(2).forEachRemaining(batches::add);
        assertThat(batches).extracting(Batch::size).containsExactly(2, 2, 1);
        assertThat(batches.get(1).data()).containsExactly(20, 21, 30, 31);
        assertThat(batches.get(1).labels()).containsExactly(2, 0);
        assertThat(batches.get(2).data()).containsExactly(40, 41);
        assertThat(batches.get(2).sampleShape()).containsExactly(2);
    }

    @Test
    void eachPassStartsAgainAndEndsWithNoSuchElement() {
        InMemoryDataset ds = five();
        Iterator<Batch> first = ds.batches(5);
        first.next();
        assertThat(first.hasNext()).isFalse();
        assertThatThrownBy(first::next).isInstanceOf(NoSuchElementException.class);
        assertThat(ds.batches(5).next().data()[0]).isEqualTo(0f);
    }

    @Test
    void subsetAndReshapeShareTheSamples() {
        InMemoryDataset sub = five().subset(1, 4);
        assertThat(sub.name()).isEqualTo("five[1:4]");
        assertThat(sub.size()).isEqualTo(3);
        assertThat(sub.labels()).containsExactly(1, 2, 0);
        assertThat(sub.sample(0)).containsExactly(10, 11);
        InMemoryDataset subSub = sub.subset(2, 3);
        assertThat(subSub.sample(0)).containsExactly(30, 31);
        assertThat(subSub.label(0)).isEqualTo(0);

        InMemoryDataset wide = InMemoryDataset.of("w", new float[12], null, 12).reshaped(1, 3, 4);
        assertThat(wide.sampleShape()).containsExactly(1, 3, 4);
        assertThat(wide.batches(1).next().sampleShape()).containsExactly(1, 3, 4);
        assertThat(wide.labelled()).isFalse();
        assertThat(five().named("other").name()).isEqualTo("other");
    }

    @Test
    void copiesArraysInAndOut() {
        float[] data = {1, 2};
        int[] labels = {3};
        InMemoryDataset ds = InMemoryDataset.of("c", data, labels, 2);
        data[0] = 99;
        labels[0] = 99;
        ds.sample(0)[1] = 99;
        ds.labels()[0] = 99;
        ds.sampleShape()[0] = 99;
        assertThat(ds.sample(0)).containsExactly(1, 2);
        assertThat(ds.labels()).containsExactly(3);
        assertThat(ds.sampleShape()).containsExactly(2);
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThatThrownBy(() -> InMemoryDataset.of("x", new float[5], null, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("5 floats");
        assertThatThrownBy(() -> InMemoryDataset.of("x", new float[4], new int[3], 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("2 samples but 3 labels");
        assertThatThrownBy(() -> InMemoryDataset.of("x", new float[2], new int[] {-1}, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("negative label -1");
        assertThatThrownBy(() -> five().reshaped(3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("[2]")
                .hasMessageContaining("[3]");
        assertThatThrownBy(() -> five().subset(3, 6))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("5");
        assertThatThrownBy(() -> five().batches(0)).isInstanceOf(DatasetException.class);
        assertThatThrownBy(() -> five().sample(5)).isInstanceOf(DatasetException.class);
        assertThatThrownBy(() -> InMemoryDataset.of("x", new float[2], null, 2).labels())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no labels")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void aBatchWhosePartsDoNotFitIsABadInput() {
        // 2 samples of shape [3] need 2 * 3 = 6 floats
        assertThatThrownBy(() -> new Batch(new float[5], 2, new int[] {3}, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("needs 6 values, got 5")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThatThrownBy(() -> new Batch(new float[6], 2, new int[] {3}, new int[1]))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("2 samples has 1 labels");
        assertThatThrownBy(() -> new Batch(new float[0], 0, new int[] {3}, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("at least one sample");
        assertThatThrownBy(() -> new Batch(new float[0], 1, new int[] {0}, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("sample shape must be positive");
    }
}
