package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The value of a {@code Constant} node: as a {@link TensorProto} (from value, value_float(s) or value_int(s)), or as
 * float32 weights (also from sparse_value, densified).
 */
final class ConstantValues {
    private ConstantValues() {}

    /** The node's value as float32 weights named after its output. */
    static WeightTensor weightsOf(NodeProto constant, String source) {
        String name = constant.getOutputCount() > 0 ? constant.getOutput(0) : "";
        for (AttributeProto a : constant.getAttributeList()) {
            if (a.getName().equals("sparse_value")) {
                return SparseTensors.toWeights(a.getSparseTensor(), name, source);
            }
        }
        return TensorDecoder.decode(tensorOf(constant, source), source);
    }

    static TensorProto tensorOf(NodeProto constant, String source) {
        String name = constant.getOutputCount() > 0 ? constant.getOutput(0) : "";
        for (AttributeProto a : constant.getAttributeList()) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name);
            switch (a.getName()) {
                case "value" -> {
                    return a.getT().toBuilder().setName(name).build();
                }
                case "value_float" -> {
                    return t.setDataType(ElementType.FLOAT.code())
                            .addFloatData(a.getF())
                            .build();
                }
                case "value_floats" -> {
                    return t.setDataType(ElementType.FLOAT.code())
                            .addDims(a.getFloatsCount())
                            .addAllFloatData(a.getFloatsList())
                            .build();
                }
                case "value_int" -> {
                    return t.setDataType(ElementType.INT64.code())
                            .addInt64Data(a.getI())
                            .build();
                }
                case "value_ints" -> {
                    return t.setDataType(ElementType.INT64.code())
                            .addDims(a.getIntsCount())
                            .addAllInt64Data(a.getIntsList())
                            .build();
                }
                default -> {
                    // another attribute (sparse_value: see weightsOf): look at the next one
                }
            }
        }
        throw new GraphQueryException("Constant node producing '" + name + "' in " + source
                + " has no numeric value attribute (value, sparse_value, value_float(s), value_int(s))");
    }
}
