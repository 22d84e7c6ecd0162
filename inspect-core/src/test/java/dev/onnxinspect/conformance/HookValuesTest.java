package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Instrumented intermediate tensors carry the values the layers compute (checked by hand). */
class HookValuesTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @Test
    void hooksExposeTheActivationsAndKeepTheLogits() throws OrtException {
        GraphBuilder g = GraphBuilder.create("mlp");
        String x = g.input("input", TensorShape.batched("N", 2));
        g.addInitializer("fc1/W", new float[] {1, -1, 2, 1, -3, 0}, 3, 2);
        g.addInitializer("fc2/W", new float[] {1, 1, 1}, 1, 3);
        String h = g.relu("fc1/relu", g.gemm("fc1/gemm", x, "fc1/W", true));
        g.output(g.sigmoid("prob", g.gemm("fc2/gemm", h, "fc2/W", true)));
        OnnxModel model = g.build();
        InstrumentedModel hooked = model.instrument(TensorSelector.opType("Relu"), TensorSelector.name("fc1/gemm"));
        assertThat(hooked.addedOutputs()).containsExactly("fc1/gemm", "fc1/relu");

        // x = [2, 3]: fc1 = [2 - 3, 4 + 3, -6 + 0] = [-1, 7, -6]; relu = [0, 7, 0]; fc2 = 7; prob = sigmoid(7)
        try (OrtSession plain = ENV.createSession(model.toBytes(), new OrtSession.SessionOptions());
                OrtSession session = ENV.createSession(hooked.model().toBytes(), new OrtSession.SessionOptions());
                OnnxTensor input =
                        OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {2, 3}), new long[] {1, 2});
                OrtSession.Result before = plain.run(Map.of("input", input));
                OrtSession.Result after = session.run(Map.of("input", input))) {
            assertThat(session.getOutputNames()).containsExactly("prob", "fc1/gemm", "fc1/relu");
            assertThat(floats(after, "fc1/gemm")).containsExactly(-1f, 7f, -6f);
            assertThat(floats(after, "fc1/relu")).containsExactly(0f, 7f, 0f);
            assertThat(floats(after, "prob")[0]).isCloseTo((float) (1 / (1 + Math.exp(-7))), within(1e-6f));
            assertThat(floats(after, "prob")).containsExactly(floats(before, "prob"));
        }
    }

    private static float[] floats(OrtSession.Result result, String name) {
        return ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer().array();
    }
}
