package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.Collections;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** Issue 13: one rule for empty data and for NAME:N beyond a set's size. */
class DatasetRulesTest {
    /** 5 samples of 2 values: sample i = [i, -i], label i % 2. */
    private static InMemoryDataset five() {
        float[] data = new float[10];
        for (int i = 0; i < 5; i++) {
            data[2 * i] = i;
            data[2 * i + 1] = -i;
        }
        return InMemoryDataset.of("five", data, new int[] {0, 1, 0, 1, 0}, 2);
    }

    @Test
    void theFirstNSamplesNeedNWithinTheSize() {
        InMemoryDataset three = DatasetRules.firstSamples(five(), 3);
        assertThat(three.name()).isEqualTo("five:3");
        assertThat(three.size()).isEqualTo(3);
        assertThat(three.sample(2)).containsExactly(2, -2);
        assertThat(DatasetRules.firstSamples(five(), 5).size()).isEqualTo(5);
        // beyond the size: refused naming the set, N and the size (never cut silently to 5)
        assertThatThrownBy(() -> DatasetRules.firstSamples(five(), 6))
                .isInstanceOf(DatasetException.class)
                .hasMessage("five:6 asks for the first 6 samples but five has 5; give at most 5, or five for all of"
                        + " them")
                .satisfies(e -> assertThat(((DatasetException) e).kind()).isEqualTo(Kind.INVALID_INPUT));
        assertThatThrownBy(() -> DatasetRules.firstSamples(five(), 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("five:0 asks for 0 samples; give a positive count");
    }

    @Test
    void anEmptySetIsRefusedBeforeOrAfterItsPass() {
        InMemoryDataset empty = InMemoryDataset.of("nothing", new float[0], new int[0], 2);
        assertThatThrownBy(() -> DatasetRules.requireSamples(empty))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset nothing has no samples; every command needs at least one");
        InMemoryDataset five = five();
        assertThat(DatasetRules.requireSamples(five)).isSameAs(five);
        // a source of unknown size passes the first check; the pass that read nothing is refused alike
        DataSource unknown = new DataSource() {
            @Override
            public String name() {
                return "stream";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {2};
            }

            @Override
            public long size() {
                return -1;
            }

            @Override
            public boolean labelled() {
                return false;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                return Collections.emptyIterator();
            }
        };
        assertThat(DatasetRules.requireSamples(unknown)).isSameAs(unknown);
        assertThatThrownBy(() -> DatasetRules.requireSamplesRead("stream", 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset stream has no samples");
        DatasetRules.requireSamplesRead("stream", 1);
    }
}
