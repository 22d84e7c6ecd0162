package dev.onnxinspect.onnx;

import java.util.Optional;

/**
 * The element type of an ONNX tensor ({@code TensorProto.DataType}), with its wire code and size in bytes
 * (0 for types without a fixed byte size: strings, and the 4-bit types that pack two elements per byte).
 */
public enum ElementType {
    UNDEFINED(0, 0),
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    UINT16(4, 2),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    STRING(8, 0),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    UINT32(12, 4),
    UINT64(13, 8),
    COMPLEX64(14, 8),
    COMPLEX128(15, 16),
    BFLOAT16(16, 2),
    FLOAT8E4M3FN(17, 1),
    FLOAT8E4M3FNUZ(18, 1),
    FLOAT8E5M2(19, 1),
    FLOAT8E5M2FNUZ(20, 1),
    UINT4(21, 0),
    INT4(22, 0),
    FLOAT4E2M1(23, 0);

    private final int code;
    private final int byteSize;

    ElementType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data}; 0 when elements are not whole fixed-size bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** The type with the given {@code TensorProto.DataType} number, or empty for a number this library does not know.
     * */
    public static Optional<ElementType> forCode(int code) {
        for (ElementType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
