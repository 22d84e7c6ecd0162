package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatAttr;
import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.floats;
import static dev.onnxinspect.onnx.TinyGraphs.intAttr;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import dev.onnxinspect.OnnxInspectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case encodes the same layer, W = [[1, 2, 3], [4, 5, 6]] (2 outputs x 3 inputs) and b = [0.5, -1], in a
 * different ONNX form; the expected values are W and b as written here.
 */
class DenseLayerTest {
    private static final float[] W = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -1};
    /** W^T, 3 x 2: the layout of a MatMul's or a Gemm's (transB = 0) second operand. */
    private static final float[] W_T = {1, 4, 2, 5, 3, 6};

    private static OnnxModel single(GraphProto.Builder graph) {
        return OnnxModel.fromProto(TinyGraphs.model(
                graph.setName("g").addInput(floatValue("x", -1, 3)).build()));
    }

    @Test
    void gemmWithTransposedWeightsIsReadAsIs() {
        OnnxModel m = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", B, 2))
                .addNode(node("Gemm", "fc", List.of("x", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2)));
        DenseLayer d = m.denseLayer("z");
        assertThat(d).isEqualTo(new DenseLayer("z", "x", 2, 3, W, B));
        assertThat(d.weight(1, 0)).isEqualTo(4f);
    }

    @Test
    void gemmWithoutTransposeIsTransposed() {
        OnnxModel m = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W_T, 3, 2))
                .addInitializer(floats("b", B, 2))
                .addNode(node("Gemm", "fc", List.of("x", "w", "b"), List.of("z")))
                .addOutput(floatValue("z", -1, 2)));
        assertThat(m.denseLayer("z")).isEqualTo(new DenseLayer("z", "x", 2, 3, W, B));
    }

    @Test
    void gemmAlphaAndBetaAreApplied() {
        OnnxModel m = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W_T, 3, 2))
                .addInitializer(floats("b", B, 1, 2))
                .addNode(node(
                        "Gemm",
                        "fc",
                        List.of("x", "w", "b"),
                        List.of("z"),
                        floatAttr("alpha", 2f),
                        floatAttr("beta", 3f)))
                .addOutput(floatValue("z", -1, 2)));
        // W' = 2 W, b' = 3 b
        assertThat(m.denseLayer("z"))
                .isEqualTo(new DenseLayer("z", "x", 2, 3, new float[] {2, 4, 6, 8, 10, 12}, new float[] {1.5f, -3}));
    }

    @Test
    void gemmWithoutBiasAndWithScalarBias() {
        OnnxModel none = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addNode(node("Gemm", "fc", List.of("x", "w"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2)));
        assertThat(none.denseLayer("z").bias()).containsExactly(0f, 0f);
        OnnxModel scalar = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", new float[] {7}))
                .addNode(node("Gemm", "fc", List.of("x", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2)));
        assertThat(scalar.denseLayer("z").bias()).containsExactly(7f, 7f);
    }

    @Test
    void matMulPlusAddInEitherOrder() {
        for (List<String> addInputs : List.of(List.of("mm", "b"), List.of("b", "mm"))) {
            OnnxModel m = single(GraphProto.newBuilder()
                    .addInitializer(floats("w", W_T, 3, 2))
                    .addInitializer(floats("b", B, 2))
                    .addNode(node("MatMul", "fc/mm", List.of("x", "w"), List.of("mm")))
                    .addNode(node("Add", "fc/add", addInputs, List.of("z")))
                    .addOutput(floatValue("z", -1, 2)));
            assertThat(m.denseLayer("z")).isEqualTo(new DenseLayer("z", "x", 2, 3, W, B));
            // the MatMul alone is W x with no bias
            assertThat(m.denseLayer("mm")).isEqualTo(new DenseLayer("mm", "x", 2, 3, W, new float[2]));
        }
    }

    @Test
    void weightsInConstantNodesAreFound() {
        AttributeProto value = AttributeProto.newBuilder()
                .setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(floats("", W_T, 3, 2))
                .build();
        OnnxModel m = single(GraphProto.newBuilder()
                .addNode(node("Constant", "const", List.of(), List.of("w"), value))
                .addNode(node("MatMul", "fc", List.of("x", "w"), List.of("z")))
                .addOutput(floatValue("z", -1, 2)));
        assertThat(m.denseLayer("z")).isEqualTo(new DenseLayer("z", "x", 2, 3, W, new float[2]));
        assertThat(m.initializer("w").shape()).containsExactly(3, 2);
    }

    @Test
    void transposedConstantWeightsAsOldPyTorchExportsWriteThem() {
        // MatMul(x, Transpose(w)) with w = W (2 x 3): Transpose gives W^T (3 x 2), so the layer is W again
        OnnxModel m = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addNode(node("Transpose", "t", List.of("w"), List.of("wt")))
                .addNode(node("MatMul", "fc", List.of("x", "wt"), List.of("z")))
                .addOutput(floatValue("z", -1, 2)));
        assertThat(m.denseLayer("z")).isEqualTo(new DenseLayer("z", "x", 2, 3, W, new float[2]));
    }

    @Test
    void lastDenseLayerWalksBackFromTheLogitsAndGivesThePenultimateFeatures() {
        OnnxModel m = single(GraphProto.newBuilder()
                .addInitializer(floats("w1", new float[9], 3, 3))
                .addInitializer(floats("w", W_T, 3, 2))
                .addInitializer(floats("b", B, 2))
                .addNode(node("Gemm", "hidden", List.of("x", "w1"), List.of("h0")))
                .addNode(node("Relu", "act", List.of("h0"), List.of("features")))
                .addNode(node("MatMul", "head/mm", List.of("features", "w"), List.of("mm")))
                .addNode(node("Add", "head/add", List.of("mm", "b"), List.of("logits")))
                .addNode(node("Identity", "id", List.of("logits"), List.of("logits2")))
                .addNode(node("Softmax", "sm", List.of("logits2"), List.of("probs")))
                .addOutput(floatValue("probs", -1, 2)));
        assertThat(m.lastDenseLayer()).isEqualTo(new DenseLayer("logits", "features", 2, 3, W, B));
        assertThat(m.penultimateFeatures()).isEqualTo("features");
        assertThat(m.lastDenseLayer("probs")).isEqualTo(m.lastDenseLayer());
        assertThatThrownBy(() -> m.lastDenseLayer("logits"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("'logits' is not a graph output")
                .hasMessageContaining("[probs]");
    }

    @Test
    void modelsWithoutADenseLayerFailClearly() {
        OnnxModel m = single(GraphProto.newBuilder()
                .addNode(node("Relu", "act", List.of("x"), List.of("y")))
                .addNode(node("Softmax", "sm", List.of("y"), List.of("p")))
                .addOutput(floatValue("p", -1, 3)));
        assertThatThrownBy(m::lastDenseLayer)
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("no dense layer feeds output 'p'")
                .hasMessageContaining("reached Relu 'act'");
        assertThatThrownBy(() -> m.denseLayer("y")).hasMessageContaining("produced by Relu 'act'");
        assertThatThrownBy(() -> m.denseLayer("x")).hasMessageContaining("not produced by any node");
    }

    @Test
    void computedWeightsTransposedInputsAndBadBiasesAreRejected() {
        OnnxModel computed = single(GraphProto.newBuilder()
                .addNode(node("MatMul", "fc", List.of("x", "x"), List.of("z")))
                .addOutput(floatValue("z", -1, 3)));
        assertThatThrownBy(() -> computed.denseLayer("z"))
                .hasMessageContaining("operand 'x'")
                .hasMessageContaining("is computed, not a constant");
        OnnxModel transA = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addNode(node("Gemm", "fc", List.of("x", "w"), List.of("z"), intAttr("transA", 1)))
                .addOutput(floatValue("z", -1, 2)));
        assertThatThrownBy(() -> transA.denseLayer("z")).hasMessageContaining("transA = 1");
        OnnxModel badBias = single(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", new float[] {1, 2, 3}, 3))
                .addNode(node("Gemm", "fc", List.of("x", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2)));
        assertThatThrownBy(() -> badBias.denseLayer("z")).hasMessageContaining("has 3 values; expected 2");
    }

    @Test
    void inconsistentShapesAreLibraryErrorsNamingTheLayer() {
        // 2 x 3 needs 6 weights and 2 biases; each case breaks one of these counts
        assertThatThrownBy(() -> new DenseLayer("z", "x", 0, 3, new float[0], new float[0]))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("dense layer z: shape must be positive, got 0 x 3");
        assertThatThrownBy(() -> new DenseLayer("z", "x", 2, 3, new float[5], B))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("dense layer z: expected 2 x 3 = 6 weights, got 5");
        assertThatThrownBy(() -> new DenseLayer("z", "x", 2, 3, W, new float[3]))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("dense layer z: expected 2 biases, got 3");
    }
}
