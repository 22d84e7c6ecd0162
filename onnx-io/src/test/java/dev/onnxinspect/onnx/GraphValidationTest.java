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
import com.google.protobuf.ByteString;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, part 2: load-time validation refuses self-loops and every cycle (in the graph, in subgraphs, in
 * functions), dims that are negative or whose product overflows, and data whose size does not match the dims, for
 * every tensor of the model, each with one line and {@link Kind#INVALID_INPUT} (exit code 3).
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

    private static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.TENSOR)
                .setT(t)
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

    @Test
    void dimsWhoseProductOverflowsAreRefusedForEveryTensor() {
        // 2^32 * 2^32 = 2^64 values: more than a long counts; 24 bytes of data would otherwise pass a wrapped check
        TensorProto huge = TensorProto.newBuilder()
                .setName("w")
                .setDataType(ElementType.FLOAT.code())
                .addDims(1L << 32)
                .addDims(1L << 32)
                .setRawData(ByteString.copyFrom(new byte[24]))
                .build();
        assertRefused(
                TinyGraphs.model(graph().addInitializer(huge)
                        .addNode(node("Relu", "r", List.of("x"), List.of("y")))
                        .build()),
                "initializer 'w'",
                "[4294967296, 4294967296]",
                "overflow");
        assertRefused(
                TinyGraphs.model(graph().addNode(node(
                                "Constant",
                                "k",
                                List.of(),
                                List.of("k"),
                                tensorAttr("value", huge.toBuilder().clearName().build())))
                        .addNode(node("Add", "a", List.of("x", "k"), List.of("y")))
                        .build()),
                "Constant 'k' attribute 'value'",
                "overflow");
        // the product of the first two dims overflows even though a later one is 0? No: a 0 dim makes it empty
        TensorProto empty = TensorProto.newBuilder()
                .setName("w")
                .setDataType(ElementType.FLOAT.code())
                .addDims(1L << 32)
                .addDims(1L << 32)
                .addDims(0)
                .build();
        assertThat(OnnxModel.fromProto(TinyGraphs.model(graph().addInitializer(empty)
                                .addNode(node("Relu", "r", List.of("x"), List.of("y")))
                                .build()))
                        .describe()
                        .parameterCount())
                .isZero();
    }

    @Test
    void aConstantDeclaringHugeDimsWithoutDataIsRefusedAtLoad() {
        // 2^30 float values declared, none stored: refused at load, long before anything allocates 4 GiB for it
        TensorProto declared = TensorProto.newBuilder()
                .setDataType(ElementType.FLOAT.code())
                .addDims(1L << 30)
                .build();
        assertRefused(
                TinyGraphs.model(
                        graph().addNode(node("Constant", "k", List.of(), List.of("k"), tensorAttr("value", declared)))
                                .addNode(node("Add", "a", List.of("x", "k"), List.of("y")))
                                .build()),
                "Constant 'k' attribute 'value' stores 0 values but FLOAT [1073741824] needs 1073741824");
    }

    @Test
    void negativeDimsAndMismatchedDataAreRefusedForEveryTensor() {
        TensorProto negative = TinyGraphs.floats("", new float[0], -1);
        assertRefused(
                TinyGraphs.model(
                        graph().addNode(node("Constant", "k", List.of(), List.of("k"), tensorAttr("value", negative)))
                                .addNode(node("Add", "a", List.of("x", "k"), List.of("y")))
                                .build()),
                "Constant 'k' attribute 'value' has a negative dimension in [-1]");
        TensorProto shortRaw = TensorProto.newBuilder()
                .setName("w")
                .setDataType(ElementType.FLOAT.code())
                .addDims(2)
                .addDims(3)
                .setRawData(ByteString.copyFrom(new byte[20]))
                .build();
        // in an If branch, 3 levels down
        GraphProto inner = GraphProto.newBuilder()
                .setName("inner")
                .addInitializer(shortRaw)
                .addNode(node("Neg", "n", List.of("x"), List.of("inner_out")))
                .addOutput(floatValue("inner_out", 2))
                .build();
        ModelProto nested = TinyGraphs.model(graph().addInitializer(TRUE)
                .addNode(node(
                        "If",
                        "if",
                        List.of("cond"),
                        List.of("y"),
                        graphAttr("then_branch", inner),
                        graphAttr("else_branch", branch("else", node("Neg", "m", List.of("x"), List.of("else_out"))))))
                .build());
        assertRefused(
                nested,
                "If 'if' attribute 'then_branch': initializer 'w' has 20 bytes of raw_data but FLOAT [2, 3] needs 24");
    }
}
