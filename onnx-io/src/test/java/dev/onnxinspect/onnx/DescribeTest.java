package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescribeTest {

    private static OnnxModel cnn() {
        GraphBuilder g = GraphBuilder.create("cnn").producer("unit-test", "2.1").metadata("task", "digits");
        String x = g.input("image", TensorShape.batched("N", 1, 4, 4));
        g.addInitializer("conv/W", new float[2 * 9], 2, 1, 3, 3);
        g.addInitializer("conv/b", new float[2], 2);
        g.addInitializer("fc/W", new float[3 * 8], 3, 8);
        String c = g.relu(
                "conv/relu",
                g.conv("conv", x, "conv/W", "conv/b", ConvOptions.builder(3, 3).build()));
        String logits = g.gemm("fc", g.flatten("flat", c, 1), "fc/W", true);
        g.output(logits, TensorShape.batched("N", 3));
        return g.build();
    }

    @Test
    void describesInputsOutputsNodesAndInitializers() {
        ModelDescription d = cnn().describe();
        assertThat(d.irVersion()).isEqualTo(8);
        assertThat(d.producerName()).isEqualTo("unit-test");
        assertThat(d.producerVersion()).isEqualTo("2.1");
        assertThat(d.opsetImports()).containsExactly(Map.entry("", 17L));
        assertThat(d.metadata()).containsExactly(Map.entry("task", "digits"));
        assertThat(d.inputs())
                .containsExactly(new ValueInfo(
                        "image",
                        ValueKind.TENSOR,
                        ElementType.FLOAT,
                        TensorShape.of(Dim.symbolic("N"), Dim.of(1), Dim.of(4), Dim.of(4))));
        assertThat(d.outputs())
                .containsExactly(new ValueInfo("fc", ValueKind.TENSOR, ElementType.FLOAT, TensorShape.batched("N", 3)));
        assertThat(d.nodes()).extracting(NodeInfo::opType).containsExactly("Conv", "Relu", "Flatten", "Gemm");
        NodeInfo conv = d.nodes().get(0);
        assertThat(conv.inputs()).containsExactly("image", "conv/W", "conv/b");
        assertThat(conv.outputs()).containsExactly("conv");
        assertThat(conv.attributes()).containsEntry("kernel_shape", "[3, 3]").containsEntry("group", "1");
        assertThat(d.initializers())
                .containsExactly(
                        new InitializerInfo("conv/W", ElementType.FLOAT, List.of(2L, 1L, 3L, 3L)),
                        new InitializerInfo("conv/b", ElementType.FLOAT, List.of(2L)),
                        new InitializerInfo("fc/W", ElementType.FLOAT, List.of(3L, 8L)));
        // 18 + 2 + 24 stored values
        assertThat(d.parameterCount()).isEqualTo(44);
    }

    @Test
    void formatIsReadable() {
        String text = cnn().describe().format();
        assertThat(text).contains("  ir_version 8, producer unit-test 2.1\n");
        assertThat(text).contains("  opsets: ai.onnx=17\n");
        assertThat(text).contains("inputs (1):\n  image: FLOAT [N, 1, 4, 4]\n");
        assertThat(text).contains("outputs (1):\n  fc: FLOAT [N, 3]\n");
        assertThat(text)
                .contains("     0  Conv 'conv' (image, conv/W, conv/b) -> (conv) {kernel_shape=[3, 3], "
                        + "strides=[1, 1], pads=[0, 0, 0, 0], dilations=[1, 1], group=1}\n");
        assertThat(text).contains("     3  Gemm 'fc' (flat, fc/W) -> (fc) {transB=1}\n");
        assertThat(text).contains("initializers (3, 44 values):\n  conv/W: FLOAT [2, 1, 3, 3]\n");
    }

    @Test
    void shapesWithUnknownRankAndNonTensorKinds() {
        assertThat(new ValueInfo("p", ValueKind.TENSOR, ElementType.FLOAT, TensorShape.unknownRank()).format())
                .isEqualTo("p: FLOAT [?...]");
        assertThat(new ValueInfo("s", ValueKind.SEQUENCE, ElementType.UNDEFINED, TensorShape.unknownRank()).format())
                .isEqualTo("s: SEQUENCE");
        assertThat(TensorShape.of(Dim.symbolic("N"), Dim.unknown(), Dim.of(3)).toString())
                .isEqualTo("[N, ?, 3]");
        assertThat(TensorShape.of(2, 3).fixedSizes()).containsExactly(2, 3);
        assertThat(TensorShape.batched("N", 3).isFullyKnown()).isFalse();
    }
}
