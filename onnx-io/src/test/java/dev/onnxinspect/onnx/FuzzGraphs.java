package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * Models built from fuzzer input for {@link ModelLoadingFuzzTest#generatedGraph}: small graphs of the operators the
 * head-finding rules know ({@code Gemm}, {@code MatMul}, {@code Add}, {@code Conv}, pooling, the reshaping and
 * activation operators, {@code Constant}, {@code Transpose}, {@code If}), wired at random among the names defined so
 * far (sometimes to undefined names or to themselves), with initializers whose type, dims and data may or may not fit.
 */
final class FuzzGraphs {
    private static final String[] OPS = {
        "Gemm",
        "MatMul",
        "Add",
        "Relu",
        "Softmax",
        "LogSoftmax",
        "Sigmoid",
        "Identity",
        "Dropout",
        "Flatten",
        "Reshape",
        "Squeeze",
        "Transpose",
        "Conv",
        "GlobalAveragePool",
        "Constant",
        "Mul",
        "If"
    };
    private static final ElementType[] TYPES = {
        ElementType.FLOAT, ElementType.FLOAT, ElementType.FLOAT, ElementType.DOUBLE, ElementType.INT64,
        ElementType.INT32, ElementType.FLOAT16, ElementType.BFLOAT16, ElementType.INT8, ElementType.BOOL,
        ElementType.STRING, ElementType.UINT4, ElementType.COMPLEX64, ElementType.UNDEFINED
    };

    private FuzzGraphs() {}

    static ModelProto model(FuzzedDataProvider d) {
        List<String> names = new ArrayList<>();
        GraphProto.Builder g = GraphProto.newBuilder().setName("fuzz");
        int inputs = d.consumeInt(1, 2);
        for (int i = 0; i < inputs; i++) {
            g.addInput(value(d, "x" + i));
            names.add("x" + i);
        }
        int initializers = d.consumeInt(0, 4);
        for (int i = 0; i < initializers; i++) {
            g.addInitializer(tensor(d, "w" + i));
            names.add("w" + i);
        }
        if (d.consumeBoolean()) {
            g.addSparseInitializer(sparse(d, "s"));
            names.add("s");
        }
        int nodes = d.consumeInt(0, 10);
        for (int k = 0; k < nodes; k++) {
            g.addNode(node(d, k, names));
            names.add("t" + k);
        }
        int outputs = d.consumeInt(1, 3);
        for (int i = 0; i < outputs; i++) {
            String name = d.consumeBoolean() && nodes > 0 ? "t" + (nodes - 1) : pick(d, names);
            g.addOutput(
                    d.consumeBoolean()
                            ? value(d, name)
                            : ValueInfoProto.newBuilder().setName(name).build());
        }
        return ModelProto.newBuilder()
                .setIrVersion(d.pickValue(new long[] {3, 7, 8, 9, 10, 13}))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(d.pickValue(new long[] {7, 11, 13, 17, 26})))
                .setGraph(g)
                .build();
    }

    private static String pick(FuzzedDataProvider d, List<String> names) {
        return switch (d.consumeInt(0, 15)) {
            case 0 -> "";
            case 1 -> "undefined";
            default -> d.pickValue(names);
        };
    }

    private static ValueInfoProto value(FuzzedDataProvider d, String name) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        int rank = d.consumeInt(0, 4);
        for (int i = 0; i < rank; i++) {
            shape.addDim(
                    d.consumeBoolean()
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d.consumeInt(-1, 8)));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(d.pickValue(TYPES).code())
                                .setShape(shape)))
                .build();
    }

    private static TensorProto tensor(FuzzedDataProvider d, String name) {
        ElementType type = d.pickValue(TYPES);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.code());
        int rank = d.consumeInt(0, 3);
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long dim = d.consumeInt(0, 15) == 0 ? d.consumeLong() : d.consumeInt(0, 6);
            t.addDims(dim);
            count *= dim;
        }
        int values = d.consumeBoolean() ? (int) Math.max(0, Math.min(count, 64)) : d.consumeInt(0, 64);
        switch (d.consumeInt(0, 2)) {
            case 0 -> t.setRawData(ByteString.copyFrom(d.consumeBytes(Math.max(1, type.byteSize()) * values)));
            case 1 -> {
                for (int i = 0; i < values; i++) {
                    t.addFloatData(d.consumeRegularFloat(-8, 8));
                }
            }
            default -> {
                for (int i = 0; i < values; i++) {
                    t.addInt64Data(d.consumeInt(-2, 8));
                    t.addInt32Data(d.consumeInt(-2, 8));
                }
            }
        }
        return t.build();
    }

    private static SparseTensorProto sparse(FuzzedDataProvider d, String name) {
        SparseTensorProto.Builder s = SparseTensorProto.newBuilder().setValues(tensor(d, name));
        if (d.consumeBoolean()) {
            s.setIndices(tensor(d, ""));
        }
        int rank = d.consumeInt(0, 3);
        for (int i = 0; i < rank; i++) {
            s.addDims(d.consumeInt(0, 15) == 0 ? d.consumeLong() : d.consumeInt(0, 6));
        }
        return s.build();
    }

    private static NodeProto node(FuzzedDataProvider d, int k, List<String> names) {
        String op = d.pickValue(OPS);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("n" + k);
        int inputs = op.equals("Constant") ? 0 : d.consumeInt(op.equals("If") ? 1 : 0, 3);
        for (int i = 0; i < inputs; i++) {
            n.addInput(d.consumeInt(0, 31) == 0 ? "t" + k : pick(d, names)); // sometimes its own output: a cycle
        }
        n.addOutput("t" + k);
        switch (op) {
            case "Gemm" -> {
                n.addAttribute(ints("transA", d.consumeInt(0, 8) == 0 ? 1 : 0));
                n.addAttribute(ints("transB", d.consumeInt(0, 1)));
                if (d.consumeBoolean()) {
                    n.addAttribute(floats("alpha", d.consumeRegularFloat(-2, 2)));
                    n.addAttribute(floats("beta", d.consumeRegularFloat(-2, 2)));
                }
            }
            case "Flatten", "Softmax", "LogSoftmax" -> n.addAttribute(ints("axis", d.consumeInt(-3, 3)));
            case "Transpose" -> n.addAttribute(ints("perm", d.consumeInt(0, 2), d.consumeInt(0, 2)));
            case "Squeeze" -> n.addAttribute(ints("axes", d.consumeInt(-3, 3)));
            case "Conv" ->
                n.addAttribute(ints("kernel_shape", d.consumeInt(0, 3), d.consumeInt(0, 3)))
                        .addAttribute(ints("group", d.consumeInt(0, 2)));
            case "Constant" -> n.addAttribute(constantValue(d));
            case "If" -> {
                n.addAttribute(graph("then_branch", branch(d, "then" + k, names)));
                n.addAttribute(graph("else_branch", branch(d, "else" + k, names)));
            }
            default -> {
                // no attributes the head finding reads
            }
        }
        return n.build();
    }

    private static AttributeProto constantValue(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 3)) {
            case 0 ->
                AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeType.TENSOR)
                        .setT(tensor(d, ""))
                        .build();
            case 1 ->
                AttributeProto.newBuilder()
                        .setName("sparse_value")
                        .setType(AttributeType.SPARSE_TENSOR)
                        .setSparseTensor(sparse(d, ""))
                        .build();
            case 2 -> ints("value_ints", d.consumeInt(-2, 8), d.consumeInt(-2, 8));
            default -> floats("value_float", d.consumeRegularFloat(-8, 8));
        };
    }

    /** A branch that reads a name of the outer graph (or its parent's output: a cycle) and outputs it. */
    private static GraphProto branch(FuzzedDataProvider d, String name, List<String> outer) {
        return GraphProto.newBuilder()
                .setName(name)
                .addNode(NodeProto.newBuilder()
                        .setOpType("Identity")
                        .setName(name + "/id")
                        .addInput(pick(d, outer))
                        .addOutput(name + "_out"))
                .addOutput(ValueInfoProto.newBuilder().setName(name + "_out"))
                .build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v.length == 1 && !name.equals("perm") && !name.equals("axes")) {
            return a.setType(AttributeType.INT).setI(v[0]).build();
        }
        a.setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto floats(String name, float v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.FLOAT)
                .setF(v)
                .build();
    }

    private static AttributeProto graph(String name, GraphProto g) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.GRAPH)
                .setG(g)
                .build();
    }
}
