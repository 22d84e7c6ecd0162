package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.floats;
import static dev.onnxinspect.onnx.TinyGraphs.intAttr;
import static dev.onnxinspect.onnx.TinyGraphs.intsAttr;
import static dev.onnxinspect.onnx.TinyGraphs.longs;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dense heads beyond a final Gemm: a 1x1 Conv on global pooling, reshapes between the features and the layer, a
 * one-logit head behind a Sigmoid, and a head named together with its features. Every head encodes the layer of
 * {@link DenseLayerTest}, W = [[1, 2, 3], [4, 5, 6]] and b = [0.5, -1] (one row, [1, 2, 3] and 0.25, for binary ones);
 * the expected values are W and b as written here.
 */
class HeadFindingTest {
    private static final float[] W = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -1};

    private static OnnxModel model(GraphProto.Builder graph, ValueInfoProto input) {
        return OnnxModel.fromProto(
                TinyGraphs.model(graph.setName("g").addInput(input).build()));
    }

    /**
     * x [N, 3, 2, 2] -> GlobalAveragePool "gap" -> p [N, 3, 1, 1] -> Conv "head" (kernel [2, 3, 1, 1] = W, bias B) ->
     * c [N, 2, 1, 1] -> {@code toLogits} -> z -> Softmax -> probs. The kernel [K, C, 1, 1] row-major is W itself.
     */
    private static OnnxModel convHead(String pool, NodeProto toLogits, TensorProto... extra) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3, 1, 1))
                .addInitializer(floats("b", B, 2))
                .addNode(node(pool, "gap", List.of("x"), List.of("p")))
                .addNode(node("Conv", "head", List.of("p", "w", "b"), List.of("c"), intsAttr("kernel_shape", 1, 1)))
                .addNode(toLogits)
                .addNode(node("Softmax", "sm", List.of("z"), List.of("probs")))
                .addOutput(floatValue("probs", -1, 2));
        for (TensorProto t : extra) {
            g.addInitializer(t);
        }
        return model(g, floatValue("x", -1, 3, 2, 2));
    }

    @Test
    void convHeadOnGlobalPoolingIsADenseLayerBehindFlattenReshapeOrSqueeze() {
        List<OnnxModel> models = List.of(
                convHead("GlobalAveragePool", node("Flatten", "flat", List.of("c"), List.of("z"))),
                convHead("GlobalMaxPool", node("Flatten", "flat", List.of("c"), List.of("z"), intAttr("axis", -3))),
                convHead(
                        "GlobalAveragePool", node("Reshape", "rs", List.of("c", "s"), List.of("z")), longs("s", 0, -1)),
                convHead(
                        "GlobalAveragePool", node("Reshape", "rs", List.of("c", "s"), List.of("z")), longs("s", -1, 2)),
                convHead("GlobalAveragePool", node("Squeeze", "sq", List.of("c", "a"), List.of("z")), longs("a", 2, 3)),
                convHead(
                        "GlobalAveragePool",
                        node("Squeeze", "sq", List.of("c", "a"), List.of("z")),
                        longs("a", -1, -2)));
        for (OnnxModel m : models) {
            DenseLayer expected = new DenseLayer("z", "p", 2, 3, W, B);
            assertThat(m.denseLayer("z")).isEqualTo(expected);
            // walking back from the Softmax output stops at the reshape of the Conv: z are the logits
            assertThat(m.lastDenseLayer()).isEqualTo(expected);
            // the Conv output itself is the same layer, of rank 4
            assertThat(m.denseLayer("c")).isEqualTo(new DenseLayer("c", "p", 2, 3, W, B));
            // the Conv node named as the head: the reshape after it, whose output is [N, K]
            assertThat(m.denseLayer("head", "p")).isEqualTo(expected);
        }
    }

    @Test
    void oneLogitConvHeadMayBecomeRankOne() {
        // kernel [1, 3, 1, 1] = [1, 2, 3], no bias; Squeeze of axes 1, 2, 3 gives [N]
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", new float[] {1, 2, 3}, 1, 3, 1, 1))
                .addInitializer(longs("a", 1, 2, 3))
                .addNode(node("GlobalAveragePool", "gap", List.of("x"), List.of("p")))
                .addNode(node("Conv", "head", List.of("p", "w"), List.of("c")))
                .addNode(node("Squeeze", "sq", List.of("c", "a"), List.of("z")))
                .addNode(node("Sigmoid", "sig", List.of("z"), List.of("prob")))
                .addOutput(floatValue("prob", -1));
        OnnxModel m = model(g, floatValue("x", -1, 3, 4, 4));
        assertThat(m.lastDenseLayer()).isEqualTo(new DenseLayer("z", "p", 1, 3, new float[] {1, 2, 3}, new float[1]));
    }

    @Test
    void convHeadsThatAreNotDenseLayersAreRefusedWithTheReason() {
        NodeProto flatten = node("Flatten", "flat", List.of("c"), List.of("z"));
        GraphProto.Builder big = GraphProto.newBuilder()
                .addInitializer(floats("w", new float[54], 2, 3, 3, 3))
                .addNode(node("GlobalAveragePool", "gap", List.of("x"), List.of("p")))
                .addNode(node("Conv", "head", List.of("p", "w"), List.of("c")))
                .addNode(flatten)
                .addOutput(floatValue("z", -1, 2));
        assertThatThrownBy(() -> model(big, floatValue("x", -1, 3, 4, 4)).lastDenseLayer())
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("kernel shape [2, 3, 3, 3]");
        GraphProto.Builder grouped =
                head(node("Conv", "head", List.of("p", "w"), List.of("c"), intAttr("group", 3)), "GlobalAveragePool");
        assertThatThrownBy(() -> model(grouped, floatValue("x", -1, 3, 4, 4)).denseLayer("z"))
                .hasMessageContaining("is grouped (group = 3)");
        GraphProto.Builder padded = head(
                node("Conv", "head", List.of("p", "w"), List.of("c"), intsAttr("pads", 0, 0, 1, 1)),
                "GlobalAveragePool");
        assertThatThrownBy(() -> model(padded, floatValue("x", -1, 3, 4, 4)).denseLayer("z"))
                .hasMessageContaining("pads its input [0, 0, 1, 1]");
        GraphProto.Builder notPooled = head(node("Conv", "head", List.of("p", "w"), List.of("c")), "Relu");
        assertThatThrownBy(() -> model(notPooled, floatValue("x", -1, 3, 1, 1)).denseLayer("z"))
                .hasMessageContaining("reads 'p', computed by Relu 'gap'")
                .hasMessageContaining("only on globally pooled features");
    }

    /** x -> {@code pool} "gap" -> p -> {@code conv} (kernel [2, 3, 1, 1] = W) -> c -> Flatten -> z. */
    private static GraphProto.Builder head(NodeProto conv, String pool) {
        return GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3, 1, 1))
                .addNode(node(pool, "gap", List.of("x"), List.of("p")))
                .addNode(conv)
                .addNode(node("Flatten", "flat", List.of("c"), List.of("z")))
                .addOutput(floatValue("z", -1, 2));
    }

    @Test
    void reshapesOfAConvHeadMustGiveLogitsNK() {
        assertThatThrownBy(() -> convHead(
                                "GlobalAveragePool",
                                node("Flatten", "flat", List.of("c"), List.of("z"), intAttr("axis", 2)))
                        .denseLayer("z"))
                .hasMessageContaining("has axis 2; expected axis 1");
        assertThatThrownBy(() -> convHead(
                                "GlobalAveragePool",
                                node("Reshape", "rs", List.of("c", "s"), List.of("z")),
                                longs("s", -1))
                        .denseLayer("z"))
                .hasMessageContaining("reshapes it to [-1]");
        assertThatThrownBy(() -> convHead(
                                "GlobalAveragePool",
                                node("Squeeze", "sq", List.of("c", "a"), List.of("z")),
                                longs("a", 3))
                        .denseLayer("z"))
                .hasMessageContaining("squeezes the axes [3]; expected the spatial axes [2, 3]");
        assertThatThrownBy(() -> convHead("GlobalAveragePool", node("Squeeze", "sq", List.of("c"), List.of("z")))
                        .denseLayer("z"))
                .hasMessageContaining("has no constant axes");
        // a Flatten of something that is not a Conv is no head by itself
        assertThatThrownBy(() -> convHead("GlobalAveragePool", node("Flatten", "flat", List.of("p"), List.of("z")))
                        .denseLayer("z"))
                .hasMessageContaining("not the output of a 1x1 Conv");
    }

    @Test
    void oneLogitHeadBehindSigmoid() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", new float[] {1, 2, 3}, 1, 3))
                .addInitializer(floats("b", new float[] {0.25f}, 1))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(node("Gemm", "fc", List.of("f", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addNode(node("Sigmoid", "sig", List.of("z"), List.of("prob")))
                .addOutput(floatValue("prob", -1, 1));
        assertThat(model(g, floatValue("x", -1, 3)).lastDenseLayer())
                .isEqualTo(new DenseLayer("z", "f", 1, 3, new float[] {1, 2, 3}, new float[] {0.25f}));
        // as PyTorch writes it: z [N, 1] -> Squeeze(1) -> [N] -> Sigmoid; the logits are still z
        GraphProto.Builder squeezed = GraphProto.newBuilder()
                .addInitializer(floats("w", new float[] {1, 2, 3}, 1, 3))
                .addInitializer(longs("a", 1))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(node("Gemm", "fc", List.of("f", "w"), List.of("z"), intAttr("transB", 1)))
                .addNode(node("Squeeze", "sq", List.of("z", "a"), List.of("z1")))
                .addNode(node("Sigmoid", "sig", List.of("z1"), List.of("prob")))
                .addOutput(floatValue("prob", -1));
        OnnxModel m = model(squeezed, floatValue("x", -1, 3));
        assertThat(m.lastDenseLayer().outputName()).isEqualTo("z");
        assertThat(m.classifierTensors(null, null, null).logitsOutputs()).containsExactly("prob");
    }

    /**
     * x [N, 3] -> Relu "act" -> f -> Reshape [0, 3, 1] -> f3 -> Squeeze axis 2 -> f2 -> Flatten -> flat -> Gemm "fc"
     * (W, B) -> z: the layer reads "flat"; named with the features "f" it reads f, the same three values per sample.
     */
    @Test
    void featuresReadThroughReshapesWhenNamed() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", B, 2))
                .addInitializer(longs("s", 0, 3, 1))
                .addInitializer(longs("a", 2))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(node("Reshape", "r", List.of("f", "s"), List.of("f3")))
                .addNode(node("Squeeze", "sq", List.of("f3", "a"), List.of("f2")))
                .addNode(node("Flatten", "flat", List.of("f2"), List.of("flat")))
                .addNode(node("Gemm", "fc", List.of("flat", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2));
        OnnxModel m = model(g, floatValue("x", -1, 3));
        assertThat(m.denseLayer("z").inputName()).isEqualTo("flat");
        assertThat(m.lastDenseLayer().inputName()).isEqualTo("flat");
        DenseLayer named = new DenseLayer("z", "f", 2, 3, W, B);
        assertThat(m.denseLayer("z", "f")).isEqualTo(named);
        assertThat(m.denseLayer("fc", "f")).as("by node name").isEqualTo(named);
        assertThat(m.denseLayer("z", "f2")).isEqualTo(new DenseLayer("z", "f2", 2, 3, W, B));
        assertThat(m.denseLayer("z", null).inputName()).isEqualTo("flat");
        assertThatThrownBy(() -> m.denseLayer("z", "x"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("does not read the features 'x'")
                .hasMessageContaining("walked back through [Flatten 'flat', Squeeze 'sq', Reshape 'r']")
                .hasMessageContaining("'f' is computed by Relu 'act', not by a reshape");
        assertThatThrownBy(() -> m.denseLayer("fcc", null))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("no tensor or node called 'fcc'")
                .hasMessageContaining("fc");
        assertThatThrownBy(() -> m.denseLayer("f", null)).hasMessageContaining("produced by Relu 'act'");
    }

    /** f [N, 3] -> Reshape to {@code shape} -> g -> Gemm (W, B) -> z: does the layer read f? */
    private static OnnxModel reshapedFeatures(long... shape) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", B, 2))
                .addInitializer(longs("s", shape))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(node("Reshape", "r", List.of("f", "s"), List.of("g")))
                .addNode(node("Gemm", "fc", List.of("g", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2));
        return model(g, floatValue("x", -1, 3));
    }

    @Test
    void reshapesThatKeepSamplesAreReadThroughTheOthersAreRefused() {
        // first entry 0 (the batch is copied), or the other entries positive with product n_in = 3
        for (long[] keeps : List.of(new long[] {0, -1}, new long[] {-1, 3}, new long[] {1, 3}, new long[] {0, 3})) {
            assertThat(reshapedFeatures(keeps).denseLayer("z", "f").inputName()).isEqualTo("f");
        }
        for (long[] mixes : List.of(new long[] {-1}, new long[] {3, -1}, new long[] {-1, 6})) {
            assertThatThrownBy(() -> reshapedFeatures(mixes).denseLayer("z", "f"))
                    .hasMessageContaining("which may move values between samples");
        }
    }

    /** Found by fuzzing (modelBytes crash-dea50418...): a pass-through node without inputs between features and head. */
    @Test
    void aReshapeThatReadsNothingIsNoPathToTheFeatures() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(node("Identity", "id", List.of(), List.of("g")))
                .addNode(node("Gemm", "fc", List.of("g", "w"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2));
        assertThatThrownBy(() -> model(g, floatValue("x", -1, 3)).denseLayer("z", "f"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("'g' is computed by Identity 'id', which reads nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatten0", "squeeze0"})
    void flattenAtAxisZeroAndSqueezeOfTheBatchAreRefused(String kind) {
        NodeProto reshape = kind.equals("flatten0")
                ? node("Flatten", "r", List.of("f"), List.of("g"), intAttr("axis", 0))
                : node("Squeeze", "r", List.of("f", "a"), List.of("g"));
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", B, 2))
                .addInitializer(longs("a", 0))
                .addNode(node("Relu", "act", List.of("x"), List.of("f")))
                .addNode(reshape)
                .addNode(node("Gemm", "fc", List.of("g", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2));
        assertThatThrownBy(() -> model(g, floatValue("x", -1, 3)).denseLayer("z", "f"))
                .hasMessageContaining(
                        kind.equals("flatten0")
                                ? "has axis 0, which moves values between samples"
                                : "squeezes the axes [0]");
    }
}
