package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.floats;
import static dev.onnxinspect.onnx.TinyGraphs.intAttr;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the logits, the features and the dense head are chosen ({@link OnnxModel#classifierTensors}): named ones win and
 * are validated, else the head is found by walking back from the outputs, else the only output that can hold logits.
 * The MLP: x [N, 3] -> Gemm "hidden" -> h0 -> Relu -> f -> Gemm "fc" (W 2 x 3, b) -> z -> Softmax -> probs.
 */
class ClassifierTensorsTest {
    private static final float[] W = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -1};
    private static final DenseLayer HEAD = new DenseLayer("z", "f", 2, 3, W, B);

    private static GraphProto.Builder mlp() {
        return GraphProto.newBuilder()
                .addInitializer(floats("w1", new float[9], 3, 3))
                .addInitializer(floats("w", W, 2, 3))
                .addInitializer(floats("b", B, 2))
                .addNode(node("Gemm", "hidden", List.of("x", "w1"), List.of("h0")))
                .addNode(node("Relu", "act", List.of("h0"), List.of("f")))
                .addNode(node("Gemm", "fc", List.of("f", "w", "b"), List.of("z"), intAttr("transB", 1)))
                .addNode(node("Softmax", "sm", List.of("z"), List.of("probs")));
    }

    private static OnnxModel model(GraphProto.Builder graph) {
        return OnnxModel.fromProto(TinyGraphs.model(
                graph.setName("g").addInput(floatValue("x", -1, 3)).build()));
    }

    @Test
    void foundHeadGivesTheLogitsBeforeTheSoftmaxAndItsInputAsFeatures() {
        ClassifierTensors t = model(mlp().addOutput(floatValue("probs", -1, 2))).classifierTensors(null, null, null);
        assertThat(t).isEqualTo(new ClassifierTensors("z", "f", HEAD, null, List.of("probs")));
    }

    @Test
    void namedLogitsWinAndTheHeadIsFoundBehindThem() {
        OnnxModel m = model(mlp().addOutput(floatValue("probs", -1, 2)));
        assertThat(m.classifierTensors("probs", null, null))
                .isEqualTo(new ClassifierTensors("probs", "f", HEAD, null, List.of("probs")));
        assertThatThrownBy(() -> m.classifierTensors("logitz", null, null))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("no tensor called 'logitz'")
                .hasMessageContaining("to read the logits from");
    }

    @Test
    void theFirstOutputThatReachesADenseLayerGivesTheHead() {
        // outputs: a label by ArgMax (no dense layer behind it by pass-through ops), then the probabilities
        OnnxModel m = model(mlp().addNode(node("ArgMax", "argmax", List.of("z"), List.of("label")))
                .addOutput(floatValue("label", -1))
                .addOutput(floatValue("probs", -1, 2))
                .addOutput(floatValue("f", -1, 3)));
        ClassifierTensors t = m.classifierTensors(null, null, null);
        assertThat(t.head()).isEqualTo(HEAD);
        assertThat(t.logits()).isEqualTo("z");
        // the label and the probabilities are computed from the logits alone; "f" is a hidden layer
        assertThat(t.logitsOutputs()).containsExactly("label", "probs");
    }

    @Test
    void namedHeadAndFeaturesAreValidated() {
        OnnxModel m = model(mlp().addOutput(floatValue("probs", -1, 2)));
        assertThat(m.classifierTensors(null, "f", "fc"))
                .isEqualTo(new ClassifierTensors("z", "f", HEAD, null, List.of("probs")));
        assertThatThrownBy(() -> m.classifierTensors(null, "h0", "z"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("does not read the features 'h0'")
                .hasMessageContaining("computed by Relu 'act'");
        assertThatThrownBy(() -> m.classifierTensors(null, null, "f")).hasMessageContaining("produced by Relu");
        assertThatThrownBy(() -> m.classifierTensors(null, "x", null))
                .hasMessageContaining("the features 'x' are a graph input");
        assertThatThrownBy(() -> m.classifierTensors(null, "ff", null))
                .hasMessageContaining("no tensor called 'ff'")
                .hasMessageContaining("[f,");
    }

    @Test
    void namedFeaturesTheFoundHeadDoesNotReadServeWithoutAHead() {
        ClassifierTensors t = model(mlp().addOutput(floatValue("probs", -1, 2))).classifierTensors(null, "h0", null);
        assertThat(t.logits()).isEqualTo("z");
        assertThat(t.features()).isEqualTo("h0");
        assertThat(t.head()).isNull();
        assertThat(t.headMissing()).contains("does not read the features 'h0'");
    }

    @Test
    void aHeadOnTheModelInputLeavesNoFeatures() {
        OnnxModel m = model(GraphProto.newBuilder()
                .addInitializer(floats("w", W, 2, 3))
                .addNode(node("Gemm", "fc", List.of("x", "w"), List.of("z"), intAttr("transB", 1)))
                .addOutput(floatValue("z", -1, 2)));
        ClassifierTensors t = m.classifierTensors(null, null, null);
        assertThat(t.logits()).isEqualTo("z");
        assertThat(t.features()).isNull();
        assertThat(t.head()).isNull();
        assertThat(t.headMissing())
                .isEqualTo("the dense layer 'z' reads the model input 'x' directly, so the model"
                        + " has no hidden features for the detectors");
    }

    @Test
    void withoutAHeadTheOnlyLogitsLikeOutputIsTaken() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(node("Relu", "act", List.of("x"), List.of("y")))
                .addNode(node("Softmax", "sm", List.of("y"), List.of("p")));
        ClassifierTensors one =
                model(g.clone().addOutput(floatValue("p", -1, 3))).classifierTensors(null, null, null);
        assertThat(one.logits()).isEqualTo("p");
        assertThat(one.head()).isNull();
        assertThat(one.features()).isNull();
        assertThat(one.headMissing())
                .contains("no dense layer feeds output 'p'")
                .contains("reached Relu 'act'");

        OnnxModel two = model(g.clone().addOutput(floatValue("p", -1, 3)).addOutput(floatValue("y", -1, 3)));
        assertThatThrownBy(() -> two.classifierTensors(null, null, null))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("cannot tell which output of <proto> holds the logits")
                .hasMessageContaining("(nor does any of the other 1 outputs)")
                .hasMessageContaining("2 outputs could: [p: FLOAT [N, 3], y: FLOAT [N, 3]]")
                .hasMessageContaining("--logits (CLI) or logitsOutput(...) (API)");
        // named, it is taken as it is
        assertThat(two.classifierTensors("y", null, null).logits()).isEqualTo("y");
        // a rank-4 output cannot hold logits
        OnnxModel image = OnnxModel.fromProto(TinyGraphs.model(GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 3, 2, 2))
                .addNode(node("Relu", "act", List.of("x"), List.of("y")))
                .addOutput(floatValue("y", -1, 3, 2, 2))
                .build()));
        assertThatThrownBy(() -> image.classifierTensors(null, null, null))
                .hasMessageContaining("no output is a float [N, K], [N, 1] or [N] tensor: [y: FLOAT [N, 3, 2, 2]]");
    }
}
