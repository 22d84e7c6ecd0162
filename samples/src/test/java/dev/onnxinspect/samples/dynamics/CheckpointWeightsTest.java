package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointWeightsTest {
    /**
     * fc.weight and fc.bias form layer "fc" (bias first: initializers in name order), "scale" has no '.', so it is a
     * layer of its own; the batch-norm running statistics and the int64 shape are not weights.
     */
    @Test
    void groupsFloatInitializersPerLayerAndSkipsBuffersAndIntegers() {
        GraphBuilder g = GraphBuilder.create("tiny");
        String x = g.input("x", TensorShape.of(1, 2));
        String w = g.addInitializer("fc.weight", new float[] {1, 2, 3, 4}, 2, 2);
        String b = g.addInitializer("fc.bias", new float[] {5, 6}, 2);
        String s = g.addInitializer("scale", new float[] {7}, 1);
        g.addInitializer("bn.running_mean", new float[] {8, 8}, 2);
        g.addInitializer("bn.running_var", new float[] {9, 9}, 2);
        g.addInt64Initializer("shape", new long[] {1, 2}, 2);
        String y = g.gemm("y", x, w, b, true);
        g.output(g.mul("z", y, s));
        Checkpoint checkpoint = new Checkpoint(0, "tiny.onnx", g.build().toBytes());

        Map<String, float[]> layers = CheckpointWeights.perLayer(checkpoint);

        assertThat(layers.keySet()).containsExactly("fc", "scale");
        assertThat(layers.get("fc")).containsExactly(5, 6, 1, 2, 3, 4);
        assertThat(layers.get("scale")).containsExactly(7);
        assertThat(CheckpointWeights.layerOf("dense1/linear.weight")).isEqualTo("dense1/linear");
        assertThat(CheckpointWeights.layerOf(".hidden")).isEqualTo(".hidden");
    }

    @Test
    void rejectsBytesThatAreNoModel() {
        assertThatThrownBy(() -> CheckpointWeights.perLayer(new Checkpoint(3, "bad.onnx", new byte[] {1, 2, 3})))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("bad.onnx");
    }
}
