package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.onnx.ElementType;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReshapedSourceTest {
    private static final InMemoryDataset FLAT =
            InMemoryDataset.of("flat", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, null, 4);

    @Test
    void aFlatFloatSourceTakesTheInputsFixedShape() {
        DataSource fitted = ReshapedSource.fitTo(FLAT, new long[] {-1, 1, 2, 2});
        assertThat(fitted.sampleShape()).containsExactly(1, 2, 2);
        Batch first = fitted.batches(2).next();
        assertThat(first.sampleShape()).containsExactly(1, 2, 2);
        assertThat(first.data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        // already right, a free input dimension, another number of values, or several model inputs: unchanged
        assertThat(ReshapedSource.fitTo(FLAT, new long[] {-1, 4})).isSameAs(FLAT);
        assertThat(ReshapedSource.fitTo(FLAT, new long[] {-1, 1, -1, 2})).isSameAs(FLAT);
        assertThat(ReshapedSource.fitTo(FLAT, new long[] {-1, 1, 3, 3})).isSameAs(FLAT);
        assertThat(ReshapedSource.fitTo(FLAT, new long[0])).isSameAs(FLAT);
    }

    @Test
    void sourcesOfNamedOrNonFloatInputsAreLeftAlone() {
        DataSource tokens = new DataSource() {
            @Override
            public String name() {
                return "tokens";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {4};
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(new InputSpec("ids", ElementType.INT64, new long[] {4}));
            }

            @Override
            public long size() {
                return 0;
            }

            @Override
            public boolean labelled() {
                return false;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                return List.<Batch>of().iterator();
            }
        };
        // 4 values per sample would fit [2, 2], but the source feeds a named int64 input: never reshaped
        assertThat(ReshapedSource.fitTo(tokens, new long[] {-1, 2, 2})).isSameAs(tokens);
    }
}
