package dev.onnxinspect.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Tiny ONNX models built directly with the ONNX protobuf classes, with numbers that can be checked on paper. */
public final class TestModels {
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int DOUBLE = TensorProto.DataType.DOUBLE.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();

    /** W of {@link #dense()}: row-major 2 x 2, [[1, -2], [3, 4]] (x is a row vector: y = x W + b). */
    private static final float[] W = {1, -2, 3, 4};
    /** b of {@link #dense()}. */
    private static final float[] B = {0.5f, -1};

    private TestModels() {}

    /**
     * x [N, 2] -> MatMul W -> "xw" -> Add b -> "pre" -> Relu -> "y". Graph outputs, in order: "y", "pre".
     * For x = [1, 2]: xW = [1*1 + 2*3, 1*(-2) + 2*4] = [7, 6]; pre = [7.5, 5]; y = [7.5, 5].
     */
    public static byte[] dense() {
        GraphProto graph = GraphProto.newBuilder()
                .setName("dense")
                .addInput(tensor("x", FLOAT, -1, 2))
                .addInitializer(initializer("W", W, 2, 2))
                .addInitializer(initializer("b", B, 2))
                .addNode(node("MatMul", "mm", new String[] {"x", "W"}, "xw"))
                .addNode(node("Add", "add", new String[] {"xw", "b"}, "pre"))
                .addNode(node("Relu", "relu", new String[] {"pre"}, "y"))
                .addOutput(tensor("y", FLOAT, -1, 2))
                .addOutput(tensor("pre", FLOAT, -1, 2))
                .build();
        return model(graph);
    }

    /** x [1, 2] (fixed batch size 1) -> Relu -> "y". */
    public static byte[] fixedBatch() {
        return model(GraphProto.newBuilder()
                .setName("fixed")
                .addInput(tensor("x", FLOAT, 1, 2))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(tensor("y", FLOAT, 1, 2))
                .build());
    }

    /** x [N, 2] -> Cast to double -> "xd", plus Relu -> "y" (float). */
    public static byte[] doubleOutput() {
        NodeProto cast = node("Cast", "cast", new String[] {"x"}, "xd").toBuilder()
                .addAttribute(AttributeProto.newBuilder()
                        .setName("to")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(DOUBLE))
                .build();
        return model(GraphProto.newBuilder()
                .setName("cast")
                .addInput(tensor("x", FLOAT, -1, 2))
                .addNode(cast)
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(tensor("xd", DOUBLE, -1, 2))
                .addOutput(tensor("y", FLOAT, -1, 2))
                .build());
    }

    /**
     * x [N, 2] -> Relu -> "y", but the graph declares y as [N, 3] (ONNX Runtime loads it and reports y as
     * [N, ?]).
     */
    public static byte[] misdeclaredOutput() {
        return model(GraphProto.newBuilder()
                .setName("misdeclared")
                .addInput(tensor("x", FLOAT, -1, 2))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(tensor("y", FLOAT, -1, 3))
                .build());
    }

    /**
     * x [N, M] (M free) -> Relu -> "y", declared [N, 3] (ONNX Runtime keeps the declaration, so buffers made in
     * advance have 3 columns; a run with M = 2 then cannot write into them); and x -> ReduceMax over axis 1 -> "s"
     * [N, 1].
     */
    public static byte[] freeInputDeclaredOutput() {
        NodeProto max = node("ReduceMax", "max", new String[] {"x"}, "s").toBuilder()
                .addAttribute(AttributeProto.newBuilder()
                        .setName("axes")
                        .setType(AttributeProto.AttributeType.INTS)
                        .addInts(1))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("keepdims")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(1))
                .build();
        return model(GraphProto.newBuilder()
                .setName("declared")
                .addInput(withFreeSecondDim(tensor("x", FLOAT, -1, 2)))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addNode(max)
                .addOutput(tensor("s", FLOAT, -1, 1))
                .addOutput(tensor("y", FLOAT, -1, 3))
                .build());
    }

    /** x [N, dims...] -> Relu -> "y" [N, dims...]. */
    public static byte[] reluOfShape(long... dims) {
        long[] shape = new long[dims.length + 1];
        shape[0] = -1;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return model(GraphProto.newBuilder()
                .setName("relu")
                .addInput(tensor("x", FLOAT, shape))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(tensor("y", FLOAT, shape))
                .build());
    }

    /** x [N, M] with a free second dimension -> Relu -> "y" [N, M]. */
    public static byte[] freeWidth() {
        ValueInfoProto x = tensor("x", FLOAT, -1, 2);
        ValueInfoProto y = tensor("y", FLOAT, -1, 2);
        return model(GraphProto.newBuilder()
                .setName("free")
                .addInput(withFreeSecondDim(x))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(withFreeSecondDim(y))
                .build());
    }

    private static ValueInfoProto withFreeSecondDim(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder()
                .getTensorTypeBuilder()
                .getShapeBuilder()
                .setDim(1, TensorShapeProto.Dimension.newBuilder().setDimParam("M"));
        return b.build();
    }

    /** a [N, 2] + b [N, 2] -> "c": two inputs. */
    public static byte[] twoInputs() {
        return model(GraphProto.newBuilder()
                .setName("two")
                .addInput(tensor("a", FLOAT, -1, 2))
                .addInput(tensor("b", FLOAT, -1, 2))
                .addNode(node("Add", "add", new String[] {"a", "b"}, "c"))
                .addOutput(tensor("c", FLOAT, -1, 2))
                .build());
    }

    /**
     * Two int64 inputs with a free sequence length T: ids [N, T] and mask [N, T].
     * <ul>
     * <li>"prod" = ids * mask, INT64 [N, T] (the masked ids);</li>
     * <li>"sum" = ReduceSum(Cast(prod, float), axis 1), FLOAT [N] (one value per sample: rank 1);</li>
     * <li>"logits" = Concat(-s, s) with s = ReduceSum(..., axis 1, keepdims), FLOAT [N, 2];</li>
     * <li>"total" = ReduceSum over every axis, FLOAT [] (a scalar for the whole batch).</li>
     * </ul>
     * For ids [[3, 5, 7], [2, 4, 0]] and mask [[1, 1, 0], [1, 0, 0]]: prod = [[3, 5, 0], [2, 0, 0]], sum = [8, 2],
     * logits = [[-8, 8], [-2, 2]], total = 10.
     */
    public static byte[] maskedSum() {
        NodeProto cast = withInt(node("Cast", "cast", new String[] {"prod"}, "prodf"), "to", FLOAT);
        NodeProto sum = withInt(node("ReduceSum", "sum", new String[] {"prodf", "axis1"}, "sum"), "keepdims", 0);
        NodeProto kept = withInt(node("ReduceSum", "kept", new String[] {"prodf", "axis1"}, "s"), "keepdims", 1);
        NodeProto concat = withInt(node("Concat", "concat", new String[] {"neg", "s"}, "logits"), "axis", 1);
        NodeProto total = withInt(node("ReduceSum", "total", new String[] {"prodf"}, "total"), "keepdims", 0);
        TensorProto axis = TensorProto.newBuilder()
                .setName("axis1")
                .setDataType(INT64)
                .addDims(1)
                .addInt64Data(1)
                .build();
        return model(GraphProto.newBuilder()
                .setName("masked_sum")
                .addInput(tensor("ids", INT64, "N", "T"))
                .addInput(tensor("mask", INT64, "N", "T"))
                .addInitializer(axis)
                .addNode(node("Mul", "mul", new String[] {"ids", "mask"}, "prod"))
                .addNode(cast)
                .addNode(sum)
                .addNode(kept)
                .addNode(node("Neg", "neg", new String[] {"s"}, "neg"))
                .addNode(concat)
                .addNode(total)
                .addOutput(tensor("logits", FLOAT, "N", "2"))
                .addOutput(tensor("sum", FLOAT, "N"))
                .addOutput(tensor("prod", INT64, "N", "T"))
                .addOutput(scalar("total", FLOAT))
                .build());
    }

    /** x [N, T, width] with a free second dimension T -> Relu -> "y" [N, T, width]. */
    public static byte[] freeSequence(long width) {
        String w = Long.toString(width);
        return model(GraphProto.newBuilder()
                .setName("free_sequence")
                .addInput(tensor("x", FLOAT, "N", "T", w))
                .addNode(node("Relu", "relu", new String[] {"x"}, "y"))
                .addOutput(tensor("y", FLOAT, "N", "T", w))
                .build());
    }

    /** An input of the given element type and shape [N, 2] -> Identity -> "y" (e.g. to test what open refuses). */
    public static byte[] identityOf(int elementType) {
        return model(GraphProto.newBuilder()
                .setName("identity")
                .addInput(tensor("x", elementType, "N", "2"))
                .addNode(node("Identity", "identity", new String[] {"x"}, "y"))
                .addOutput(tensor("y", elementType, "N", "2"))
                .build());
    }

    /** A sequence of float tensors "seq" -> SequenceLength -> "n" (int64 scalar). */
    public static byte[] sequenceInput() {
        TypeProto floats = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT))
                .build();
        TypeProto sequence = TypeProto.newBuilder()
                .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(floats))
                .build();
        return model(GraphProto.newBuilder()
                .setName("sequence")
                .addInput(ValueInfoProto.newBuilder().setName("seq").setType(sequence))
                .addNode(node("SequenceLength", "length", new String[] {"seq"}, "n"))
                .addOutput(scalar("n", INT64))
                .build());
    }

    /** An optional float tensor "opt" -> OptionalHasElement -> "has" (bool scalar); opset 18. */
    public static byte[] optionalInput() {
        TypeProto floats = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT))
                .build();
        TypeProto optional = TypeProto.newBuilder()
                .setOptionalType(TypeProto.Optional.newBuilder().setElemType(floats))
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName("optional")
                .addInput(ValueInfoProto.newBuilder().setName("opt").setType(optional))
                .addNode(node("OptionalHasElement", "has", new String[] {"opt"}, "has"))
                .addOutput(scalar("has", TensorProto.DataType.BOOL.getNumber()))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("onnx-inspect-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(18))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static NodeProto withInt(NodeProto node, String attribute, long value) {
        return node.toBuilder()
                .addAttribute(AttributeProto.newBuilder()
                        .setName(attribute)
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(value))
                .build();
    }

    /** A scalar (rank 0) tensor value info. */
    private static ValueInfoProto scalar(String name, int type) {
        return tensor(name, type, new String[0]);
    }

    /** A tensor value info with named dimensions: a number is a fixed size, anything else a symbolic name. */
    private static ValueInfoProto tensor(String name, int type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(
                    d.chars().allMatch(Character::isDigit)
                            ? TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(d))
                            : TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private static byte[] model(GraphProto graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("onnx-inspect-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** A tensor value info; a negative dimension is the symbolic dimension "N". */
    private static ValueInfoProto tensor(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(
                    d < 0
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private static TensorProto initializer(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static NodeProto node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }
}
