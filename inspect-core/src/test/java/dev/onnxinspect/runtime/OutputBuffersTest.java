package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs whose outputs ONNX Runtime writes into reused native buffers, on the dense test model
 * (pre = x W + b, y = Relu(pre), W = [[1, -2], [3, 4]], b = [0.5, -1]; see {@link InferenceSessionTest}):
 * for x = [u, v], pre = [u + 3v + 0.5, -2u + 4v - 1].
 */
class OutputBuffersTest {
    /** [1, 2], [-1, 1], [1, -1] give pre [7.5, 5], [2.5, 5], [-1.5, -7] and y [7.5, 5], [2.5, 5], [0, 0]. */
    private static final Batch THREE = new Batch(new float[] {1, 2, -1, 1, 1, -1}, 3, new int[] {2}, null);
    /** [0, 1] gives pre [0 + 3 + 0.5, 0 + 4 - 1] = [3.5, 3] = y. */
    private static final Batch ONE = new Batch(new float[] {0, 1}, 1, new int[] {2}, null);

    private InferenceSession session;

    @BeforeEach
    void open() {
        session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults());
    }

    @AfterEach
    void close() {
        session.close();
    }

    private OutputBuffers buffers(int capacity) {
        return session.outputBuffers(List.of("y", "pre"), capacity).orElseThrow();
    }

    @Test
    void onnxRuntimeWritesTheOutputsIntoTheBuffers() {
        OutputBuffers buffers = buffers(4);
        assertThat(buffers.names()).containsExactly("y", "pre");
        assertThat(buffers.capacity()).isEqualTo(4);
        assertThat(buffers.bytes()).isEqualTo(2 * 4 * 2 * Float.BYTES); // two outputs of 4 samples x 2 floats
        Map<String, LayerActivations> out = session.run(THREE, buffers);
        LayerActivations y = out.get("y");
        assertThat(y.inArray()).isFalse();
        assertThat(y.samples()).isEqualTo(3);
        assertThat(y.units()).isEqualTo(2);
        assertThat(y.unitShape()).containsExactly(2);
        assertThat(y.value(0, 0)).isEqualTo(7.5f);
        assertThat(y.value(2, 1)).isEqualTo(0f);
        float[] row = new float[2];
        out.get("pre").readRow(2, row);
        assertThat(row).containsExactly(-1.5f, -7f);
        int[] bits = new int[3]; // larger than a row is fine
        out.get("pre").readRowBits(1, bits);
        assertThat(bits).containsExactly(Float.floatToRawIntBits(2.5f), Float.floatToRawIntBits(5f), 0);
        assertThat(y.values()).containsExactly(7.5f, 5, 2.5f, 5, 0, 0);
        assertThat(y.inArray()).isTrue();
        // the same numbers as the copying run
        Map<String, LayerActivations> copied = session.run(THREE, List.of("y", "pre"));
        assertThat(out.get("pre").values()).containsExactly(copied.get("pre").values());
    }

    @Test
    void buffersAreReusedForSmallerBatchesAfterRelease() {
        OutputBuffers buffers = buffers(3);
        LayerActivations first = session.run(THREE, buffers).get("pre");
        float[] kept = first.values(); // copied into an array inside the "call": stays valid
        buffers.release();
        LayerActivations second = session.run(ONE, buffers).get("pre");
        assertThat(second.samples()).isEqualTo(1);
        assertThat(second.values()).containsExactly(3.5f, 3f);
        assertThat(kept).containsExactly(7.5f, 5, 2.5f, 5, -1.5f, -7);
        assertThat(first.value(1, 0)).isEqualTo(2.5f); // from the kept array, not the reused memory
    }

    @Test
    void activationsNeverCopiedAreUnreadableAfterRelease() {
        OutputBuffers buffers = buffers(3);
        LayerActivations y = session.run(THREE, buffers).get("y");
        buffers.release();
        String hint = "must call values() or copy() while it runs";
        assertThatThrownBy(y::values)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(hint)
                .hasMessageContaining("layer y");
        assertThatThrownBy(() -> y.value(0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> y.readRow(0, new float[2])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> y.readRowBits(0, new int[2])).isInstanceOf(IllegalStateException.class);
        assertThat(y.toString()).contains("released");
        assertThat(buffers.release()).isFalse(); // a second release changes nothing
        session.run(ONE, buffers);
        assertThat(buffers.release()).isTrue();
    }

    @Test
    void copyIsIndependentOfTheBuffers() {
        OutputBuffers buffers = buffers(3);
        LayerActivations copy = session.run(THREE, buffers).get("y").copy();
        buffers.release();
        session.run(ONE, buffers);
        assertThat(copy.values()).containsExactly(7.5f, 5, 2.5f, 5, 0, 0);
    }

    @Test
    void refusesASecondRunBeforeReleaseAndBatchesLargerThanTheBuffers() {
        OutputBuffers buffers = buffers(3);
        session.run(ONE, buffers);
        assertThatThrownBy(() -> session.run(ONE, buffers))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("release()");
        assertThatThrownBy(() -> session.run(ONE, buffers)).isInstanceOf(InferenceException.class); // still held
        buffers.release();
        OutputBuffers small = buffers(2);
        assertThatThrownBy(() -> session.run(THREE, small))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("3 samples")
                .hasMessageContaining("made for 2");
        assertThat(small.names()).containsExactly("y", "pre"); // nothing was handed out
        session.run(ONE, small); // still usable
    }

    @Test
    void rowReadsCheckTheirArguments() {
        LayerActivations y = session.run(THREE, buffers(3)).get("y");
        assertThatThrownBy(() -> y.readRow(3, new float[2]))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("sample 3");
        assertThatThrownBy(() -> y.readRowBits(0, new int[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values");
    }

    @Test
    void noBuffersForFreeDimensionsOtherTypesOrAnotherFixedBatch() {
        try (InferenceSession free = InferenceSession.open(TestModels.freeWidth(), SessionConfig.defaults());
                InferenceSession cast = InferenceSession.open(TestModels.doubleOutput(), SessionConfig.defaults());
                InferenceSession fixed = InferenceSession.open(TestModels.fixedBatch(), SessionConfig.defaults())) {
            assertThat(free.outputBuffers(List.of("y"), 4)).isEqualTo(Optional.empty());
            assertThat(cast.outputBuffers(List.of("y", "xd"), 4)).isEqualTo(Optional.empty());
            assertThat(cast.outputBuffers(List.of("y"), 4)).isPresent();
            assertThat(fixed.outputBuffers(List.of("y"), 4)).isEqualTo(Optional.empty());
            assertThat(fixed.outputBuffers(List.of("y"), 1)).isPresent();
        }
        assertThatThrownBy(() -> session.outputBuffers(List.of("nope"), 4))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("Unknown output name nope");
        assertThatThrownBy(() -> session.outputBuffers(List.of("y"), 0))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("at least one sample");
    }

    @Test
    void aMisdeclaredOutputShapeGetsNoBuffers() {
        // ONNX Runtime merges the declared [N, 3] with the inferred [N, 2] into [N, ?]: a free dimension
        try (InferenceSession s = InferenceSession.open(TestModels.misdeclaredOutput(), SessionConfig.defaults())) {
            assertThat(s.outputBuffers(List.of("y"), 2)).isEqualTo(Optional.empty());
            Batch two = new Batch(new float[] {1, -2, -3, 4}, 2, new int[] {2}, null);
            assertThat(s.run(two, List.of("y")).get("y").values()).containsExactly(1, 0, 0, 4);
        }
    }
}
