package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, part 2: load-time validation refuses self-loops and every cycle (in the graph, in subgraphs, in
 * functions), each with one line and {@link Kind#INVALID_INPUT} (exit code 3).
 */
class GraphValidationTest {
    private static final TensorProto TRUE = TensorProto.newBuilder()
            .setName("cond")
            .setDataType(ElementType.BOOL.code())
            .addInt32Data(1)
            .build();

    private static GraphProto.Builder graph() {
        return GraphProto.newBuilder().setName("g").addInput(floatValue("x", 2)).addOutput(floatValue("y", 2));
    }

    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.GRAPH)
                .setG(g)
                .build();
    }

    private static GraphProto branch(String name, NodeProto... nodes) {
        return GraphProto.newBuilder()
                .setName(name)
                .addAllNode(List.of(nodes))
                .addOutput(floatValue(name + "_out", 2))
                .build();
    }

    private static void assertRefused(ModelProto model, String... fragments) {
        var thrown = assertThatThrownBy(() -> OnnxModel.fromProto(model))
                .isInstanceOf(ModelFormatException.class)
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT)
                .hasMessageNotContaining("\n");
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
        // the bytes take the same path
        assertThatThrownBy(() -> OnnxModel.fromBytes(model.toByteArray())).isInstanceOf(ModelFormatException.class);
    }

    @Test
    void aNodeReadingItsOwnOutputIsACycle() {
        ModelProto selfLoop = TinyGraphs.model(graph().addNode(node("Add", "loop", List.of("x", "y"), List.of("y")))
                .build());
        assertRefused(selfLoop, "cycle", "Add 'loop' reads its own output 'y'");
    }

    @Test
    void aSubgraphReadingItsNodesOwnOutputIsACycle() {
        // the If computes y, and its then-branch reads y from the outer scope
        ModelProto viaBranch = TinyGraphs.model(graph().addInitializer(TRUE)
                .addNode(node(
                        "If",
                        "if",
                        List.of("cond"),
                        List.of("y"),
                        graphAttr("then_branch", branch("then", node("Neg", "n", List.of("y"), List.of("then_out")))),
                        graphAttr("else_branch", branch("else", node("Neg", "m", List.of("x"), List.of("else_out"))))))
                .build());
        assertRefused(viaBranch, "cycle", "If 'if'", "'y'");
    }

    @Test
    void longerCyclesAreRefused() {
        ModelProto three = TinyGraphs.model(graph().addNode(node("Add", "a", List.of("x", "c"), List.of("a")))
                .addNode(node("Neg", "b", List.of("a"), List.of("b")))
                .addNode(node("Neg", "c", List.of("b"), List.of("c")))
                .addNode(node("Neg", "out", List.of("c"), List.of("y")))
                .build());
        assertRefused(three, "cycle", "Add 'a'", "Neg 'b'", "Neg 'c'");
    }

    @Test
    void cyclesInsideSubgraphsAreRefused() {
        GraphProto cyclic = branch(
                "then",
                node("Add", "p", List.of("x", "q"), List.of("p")),
                node("Neg", "q", List.of("p"), List.of("q")),
                node("Neg", "o", List.of("q"), List.of("then_out")));
        ModelProto model = TinyGraphs.model(graph().addInitializer(TRUE)
                .addNode(node(
                        "If",
                        "if",
                        List.of("cond"),
                        List.of("y"),
                        graphAttr("then_branch", cyclic),
                        graphAttr("else_branch", branch("else", node("Neg", "m", List.of("x"), List.of("else_out"))))))
                .build());
        assertRefused(model, "If 'if' attribute 'then_branch'", "cycle", "Add 'p'");

        GraphProto selfLoop = branch("then", node("Add", "s", List.of("x", "then_out"), List.of("then_out")));
        ModelProto self = TinyGraphs.model(graph().addInitializer(TRUE)
                .addNode(node(
                        "If",
                        "if",
                        List.of("cond"),
                        List.of("y"),
                        graphAttr("then_branch", selfLoop),
                        graphAttr("else_branch", branch("else", node("Neg", "m", List.of("x"), List.of("else_out"))))))
                .build());
        assertRefused(self, "Add 's' reads its own output 'then_out'");
    }

    @Test
    void cyclesInsideFunctionsAreRefused() {
        ModelProto model = TinyGraphs.model(graph().addNode(node("F", "call", List.of("x"), List.of("y")).toBuilder()
                                .setDomain("com.example")
                                .build())
                        .build())
                .toBuilder()
                .addOpsetImport(
                        OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1))
                .addFunctions(FunctionProto.newBuilder()
                        .setName("F")
                        .setDomain("com.example")
                        .addInput("a")
                        .addOutput("b")
                        .addNode(node("Add", "f1", List.of("a", "b"), List.of("b"))))
                .build();
        assertRefused(model, "function 'F'", "Add 'f1' reads its own output 'b'");
    }

    @Test
    void subgraphsThatReadOuterTensorsAndTheirOwnInputsStillLoad() {
        // a Loop body reads its own inputs (iteration, condition, carried value) and the outer x; no cycle
        GraphProto body = GraphProto.newBuilder()
                .setName("body")
                .addInput(floatValue("i"))
                .addInput(floatValue("cond_in"))
                .addInput(floatValue("carried", 2))
                .addNode(node("Add", "step", List.of("carried", "x"), List.of("carried_out")))
                .addNode(node("Identity", "keep", List.of("cond_in"), List.of("cond_out")))
                .addOutput(floatValue("cond_out"))
                .addOutput(floatValue("carried_out", 2))
                .build();
        ModelProto loop = TinyGraphs.model(graph().addInitializer(TRUE)
                .addInitializer(TinyGraphs.longs("n", 3).toBuilder().clearDims())
                .addNode(node("Loop", "loop", List.of("n", "cond", "x"), List.of("y"), graphAttr("body", body)))
                .build());
        OnnxModel model = OnnxModel.fromProto(loop);
        assertThat(model.describe().nodes()).extracting(NodeInfo::opType).containsExactly("Loop");
    }
}
