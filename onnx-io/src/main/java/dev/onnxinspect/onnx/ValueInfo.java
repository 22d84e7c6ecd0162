package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A graph input, output or intermediate value as the model declares it.
 *
 * @param name        the tensor name
 * @param kind        tensor, sequence, map, ... or {@link ValueKind#UNKNOWN} when no type is declared
 * @param elementType the element type of a tensor (or sparse tensor); {@link ElementType#UNDEFINED} otherwise or
 *                    when not declared
 * @param shape       the declared shape of a tensor, with symbolic dimensions as names; unknown rank otherwise
 */
public record ValueInfo(String name, ValueKind kind, ElementType elementType, TensorShape shape) {
    public ValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(shape, "shape");
    }

    static ValueInfo of(ValueInfoProto proto) {
        if (!proto.hasType()) {
            return new ValueInfo(proto.getName(), ValueKind.UNKNOWN, ElementType.UNDEFINED, TensorShape.unknownRank());
        }
        TypeProto type = proto.getType();
        return switch (type.getValueCase()) {
            case TENSOR_TYPE ->
                new ValueInfo(
                        proto.getName(),
                        ValueKind.TENSOR,
                        elementType(type.getTensorType().getElemType()),
                        type.getTensorType().hasShape()
                                ? shape(type.getTensorType().getShape())
                                : TensorShape.unknownRank());
            case SPARSE_TENSOR_TYPE ->
                new ValueInfo(
                        proto.getName(),
                        ValueKind.SPARSE_TENSOR,
                        elementType(type.getSparseTensorType().getElemType()),
                        type.getSparseTensorType().hasShape()
                                ? shape(type.getSparseTensorType().getShape())
                                : TensorShape.unknownRank());
            case SEQUENCE_TYPE -> other(proto, ValueKind.SEQUENCE);
            case MAP_TYPE -> other(proto, ValueKind.MAP);
            case OPTIONAL_TYPE -> other(proto, ValueKind.OPTIONAL);
            case OPAQUE_TYPE -> other(proto, ValueKind.OPAQUE);
            default -> other(proto, ValueKind.UNKNOWN);
        };
    }

    private static ValueInfo other(ValueInfoProto proto, ValueKind kind) {
        return new ValueInfo(proto.getName(), kind, ElementType.UNDEFINED, TensorShape.unknownRank());
    }

    private static ElementType elementType(int code) {
        return ElementType.forCode(code).orElse(ElementType.UNDEFINED);
    }

    private static TensorShape shape(TensorShapeProto proto) {
        List<Dim> dims = new ArrayList<>(proto.getDimCount());
        for (TensorShapeProto.Dimension d : proto.getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims.add(Dim.of(d.getDimValue()));
            } else if (d.hasDimParam() && !d.getDimParam().isBlank()) {
                dims.add(Dim.symbolic(d.getDimParam()));
            } else {
                dims.add(Dim.unknown());
            }
        }
        return new TensorShape(dims, true);
    }

    /** E.g. {@code input: FLOAT [N, 1, 28, 28]} or {@code seq: SEQUENCE}. */
    public String format() {
        return switch (kind) {
            case TENSOR -> name + ": " + elementType + " " + shape;
            case SPARSE_TENSOR -> name + ": sparse " + elementType + " " + shape;
            default -> name + ": " + kind;
        };
    }
}
