package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSourceTest {
    /** Three sequences of lengths 2, 4 and 1, labels 0, 1, 2. */
    private static TokenData data() {
        long[][] ids = {{5, 6}, {7, 8, 9, 10}, {11}};
        long[][] mask = {{1, 1}, {1, 1, 1, 1}, {1}};
        return TokenData.labelled(ids, mask, new int[] {0, 1, 2}, 3);
    }

    @Test
    void eachBatchIsPaddedToItsOwnLongestSequence() {
        TokenSource source = TokenSource.of("t", data());
        assertThat(source.inputs())
                .extracting(s -> s.name())
                .containsExactly(TextClassifier.INPUT_IDS, TextClassifier.ATTENTION_MASK);
        assertThat(source.inputs()).allSatisfy(s -> {
            assertThat(s.type()).isEqualTo(ElementType.INT64);
            assertThat(s.sampleShape()).containsExactly(-1);
        });
        List<Batch> batches = new ArrayList<>();
        source.batches(2).forEachRemaining(batches::add);
        assertThat(batches).hasSize(2);
        // batch 1: lengths 2 and 4 -> T = 4; the first row padded with id 0, mask 0
        Batch first = batches.get(0);
        assertThat(first.input(TextClassifier.INPUT_IDS).shape()).containsExactly(2, 4);
        assertThat((long[]) first.input(TextClassifier.INPUT_IDS).data()).containsExactly(5, 6, 0, 0, 7, 8, 9, 10);
        assertThat((long[]) first.input(TextClassifier.ATTENTION_MASK).data()).containsExactly(1, 1, 0, 0, 1, 1, 1, 1);
        assertThat(first.labels()).containsExactly(0, 1);
        // batch 2: the one sequence of length 1 -> T = 1
        Batch second = batches.get(1);
        assertThat(second.input(TextClassifier.INPUT_IDS).shape()).containsExactly(1, 1);
        assertThat((long[]) second.input(TextClassifier.INPUT_IDS).data()).containsExactly(11);
        assertThat(second.labels()).containsExactly(2);
    }

    @Test
    void cyclingRepeatsTheDataFromTheFirstSequence() {
        Iterator<Batch> it = TokenSource.cycling("t", data(), 5).batches(5);
        Batch all = it.next();
        assertThat(it.hasNext()).isFalse();
        // sequences 0, 1, 2, 0, 1: labels 0, 1, 2, 0, 1; T = 4
        assertThat(all.labels()).containsExactly(0, 1, 2, 0, 1);
        assertThat(all.input(TextClassifier.INPUT_IDS).shape()).containsExactly(5, 4);
        assertThatThrownBy(() -> TokenSource.cycling("t", data(), 0)).isInstanceOf(TrainingException.class);
        assertThatThrownBy(() -> TokenSource.of("t", data()).sampleShape())
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("inputs()");
    }
}
