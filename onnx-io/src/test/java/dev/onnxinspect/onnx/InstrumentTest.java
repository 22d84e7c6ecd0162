package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.floats;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstrumentTest {

    /**
     * x -> Gemm "fc1" -> fc1/out -> Relu "act1" -> block1/relu -> Gemm "fc2" -> logits -> Relu "act2" -> block2/relu
     * and logits -> Softmax "sm" -> probs. Outputs: probs. value_info declares only block1/relu.
     */
    static OnnxModel model() {
        GraphProto graph = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 2))
                .addInitializer(floats("W1", new float[] {1, 0, 0, 1}, 2, 2))
                .addInitializer(floats("W2", new float[] {1, 1, 1, 1}, 2, 2))
                .addNode(node("Gemm", "fc1", List.of("x", "W1"), List.of("fc1/out")))
                .addNode(node("Relu", "act1", List.of("fc1/out"), List.of("block1/relu")))
                .addNode(node("Gemm", "fc2", List.of("block1/relu", "W2"), List.of("logits")))
                .addNode(node("Relu", "act2", List.of("logits"), List.of("block2/relu")))
                .addNode(node("Softmax", "sm", List.of("logits"), List.of("probs")))
                .addOutput(floatValue("probs", -1, 2))
                .addValueInfo(floatValue("block1/relu", -1, 2))
                .build();
        return OnnxModel.fromProto(TinyGraphs.model(graph));
    }

    private static List<String> outputs(InstrumentedModel m) {
        return m.model().proto().getGraph().getOutputList().stream()
                .map(ValueInfoProto::getName)
                .toList();
    }

    @Test
    void allAddsEveryIntermediateInTopologicalOrderAfterTheOriginalOutputs() {
        InstrumentedModel m = model().instrument(TensorSelector.all());
        assertThat(outputs(m)).containsExactly("probs", "fc1/out", "block1/relu", "logits", "block2/relu");
        assertThat(m.originalOutputs()).containsExactly("probs");
        assertThat(m.addedOutputs()).containsExactly("fc1/out", "block1/relu", "logits", "block2/relu");
        // probs was already an output: selected, but not added again
        assertThat(m.selected()).containsExactly("fc1/out", "block1/relu", "logits", "block2/relu", "probs");
        // nodes and initializers are untouched
        assertThat(m.model().proto().getGraph().getNodeList())
                .isEqualTo(model().proto().getGraph().getNodeList());
        assertThat(m.model().proto().getGraph().getInitializerList())
                .isEqualTo(model().proto().getGraph().getInitializerList());
    }

    @Test
    void intermediateTensorsAreTheNodeOutputsInTopologicalOrder() {
        assertThat(model().intermediateTensors())
                .containsExactly("fc1/out", "block1/relu", "logits", "block2/relu", "probs");
    }

    @Test
    void exactNameSelectsOneTensor() {
        InstrumentedModel m = model().instrument(TensorSelector.name("logits"));
        assertThat(outputs(m)).containsExactly("probs", "logits");
    }

    @Test
    void globMatchesWholeNamesAcrossSlashes() {
        assertThat(model().instrument(TensorSelector.glob("block*")).addedOutputs())
                .containsExactly("block1/relu", "block2/relu");
        assertThat(model().instrument(TensorSelector.glob("block?/relu")).addedOutputs())
                .containsExactly("block1/relu", "block2/relu");
        // the glob must match the whole name: "relu" alone matches nothing
        assertThatThrownBy(() -> model().instrument(TensorSelector.glob("relu")))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("glob 'relu' matches no");
    }

    @Test
    void regexMatchesWholeNames() {
        assertThat(model().instrument(TensorSelector.regex("fc\\d/out|logits")).addedOutputs())
                .containsExactly("fc1/out", "logits");
        assertThatThrownBy(() -> TensorSelector.regex("("))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("invalid tensor regex");
    }

    @Test
    void opTypeSelectsEveryOutputOfThatOp() {
        assertThat(model().instrument(TensorSelector.opType("Relu")).addedOutputs())
                .containsExactly("block1/relu", "block2/relu");
        assertThatThrownBy(() -> model().instrument(TensorSelector.opType("relu")))
                .hasMessageContaining("no node of type 'relu'")
                .hasMessageContaining("[Relu");
    }

    @Test
    void producedBySelectsByNodeName() {
        assertThat(model().instrument(TensorSelector.producedBy("act2")).addedOutputs())
                .containsExactly("block2/relu");
        assertThatThrownBy(() -> model().instrument(TensorSelector.producedBy("act3")))
                .hasMessageContaining("unknown node 'act3'")
                .hasMessageContaining("[act1, act2");
    }

    @Test
    void selectorsCombineWithoutDuplicatesInTopologicalOrder() {
        InstrumentedModel m = model().instrument(
                        TensorSelector.name("block2/relu"),
                        TensorSelector.opType("Relu"),
                        TensorSelector.name("fc1/out"),
                        TensorSelector.name("probs"));
        assertThat(m.addedOutputs()).containsExactly("fc1/out", "block1/relu", "block2/relu");
        assertThat(outputs(m)).containsExactly("probs", "fc1/out", "block1/relu", "block2/relu");
    }

    @Test
    void unknownNamesListTheClosestTensors() {
        assertThatThrownBy(() -> model().instrument(TensorSelector.name("block1/rleu")))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("unknown tensor 'block1/rleu'")
                .hasMessageContaining("[block1/relu, block2/relu");
        assertThatThrownBy(() -> model().instrument(TensorSelector.name("W1")))
                .hasMessageContaining("'W1' is an initializer");
        assertThatThrownBy(() -> model().instrument(TensorSelector.name("x")))
                .hasMessageContaining("'x' is a graph input");
        assertThatThrownBy(() -> model().instrument(List.of())).hasMessageContaining("no tensor selector");
    }

    @Test
    void declaredTypesAreCopiedAndUndeclaredOutputsGetNoType() {
        GraphProto g = model().instrument(TensorSelector.name("fc1/out"), TensorSelector.name("block1/relu"))
                .model()
                .proto()
                .getGraph();
        ValueInfoProto undeclared = g.getOutput(1);
        ValueInfoProto declared = g.getOutput(2);
        assertThat(undeclared.getName()).isEqualTo("fc1/out");
        assertThat(undeclared.hasType()).isFalse();
        assertThat(declared).isEqualTo(floatValue("block1/relu", -1, 2));
    }

    @Test
    void tensorsInsideSubgraphsCannotBeSelectedAndTheMessageSaysWhy() {
        GraphProto body = GraphProto.newBuilder()
                .setName("then")
                .addNode(node("Neg", "inner", List.of("x"), List.of("inner/neg")))
                .addOutput(floatValue("inner/neg", -1, 2))
                .build();
        ai.onnx.proto.OnnxMl.AttributeProto thenBranch = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                .setName("then_branch")
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(body)
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 2))
                .addInput(ValueInfoProto.newBuilder().setName("cond").build())
                .addNode(node("If", "branch", List.of("cond"), List.of("y"), thenBranch))
                .addOutput(floatValue("y", -1, 2))
                .build();
        OnnxModel m = OnnxModel.fromProto(TinyGraphs.model(graph));
        assertThatThrownBy(() -> m.instrument(TensorSelector.name("inner/neg")))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("inside a subgraph of If 'branch'")
                .hasMessageContaining("[y]");
    }

    @Test
    void anUndefinedDeclaredElementTypeIsNotCopied() {
        OnnxModel m = OnnxModel.fromProto(model().proto().toBuilder()
                .setGraph(model().proto().getGraph().toBuilder()
                        .addValueInfo(ValueInfoProto.newBuilder()
                                .setName("logits")
                                .setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                                        .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                                .setElemType(0)))))
                .build());
        assertThat(m.instrument(TensorSelector.name("logits"))
                        .model()
                        .proto()
                        .getGraph()
                        .getOutput(1)
                        .hasType())
                .isFalse();
    }

    @Test
    void instrumentingAgainIsIdempotent() {
        OnnxModel once = model().instrument(TensorSelector.all()).model();
        InstrumentedModel twice = once.instrument(TensorSelector.all());
        assertThat(twice.addedOutputs()).isEmpty();
        assertThat(twice.model().proto()).isEqualTo(once.proto());
    }
}
