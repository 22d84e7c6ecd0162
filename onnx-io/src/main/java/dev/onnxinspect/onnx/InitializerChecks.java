package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * Checks at load that every top-level initializer's data agrees with its type and shape, so a corrupted or
 * truncated weight is reported when the model is loaded, not when a runtime or a weight query first touches it.
 */
final class InitializerChecks {
    private InitializerChecks() {}

    static void check(List<TensorProto> initializers, String source) {
        for (TensorProto t : initializers) {
            check(t, source);
        }
    }

    private static void check(TensorProto t, String source) {
        ElementType type = ElementType.forCode(t.getDataType()).orElse(ElementType.UNDEFINED);
        if (type == ElementType.UNDEFINED) {
            throw problem(
                    t, source, "has element type code " + t.getDataType() + ", which is not a defined ONNX data type");
        }
        long count = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw problem(t, source, "has a negative dimension in " + t.getDimsList());
            }
            count = d == 0 || count == 0 ? 0 : (count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d);
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return;
        }
        if (!t.getRawData().isEmpty()) {
            long expected = rawBytes(type, count);
            if (expected >= 0 && expected != t.getRawData().size()) {
                throw problem(
                        t,
                        source,
                        "has " + t.getRawData().size() + " bytes of raw_data but " + type + " " + t.getDimsList()
                                + " needs " + expected + " (truncated or corrupted weights)");
            }
            return;
        }
        long stored = typedCount(t, type);
        long expected = switch (type) {
            case COMPLEX64, COMPLEX128 -> 2 * count;
            case UINT4, INT4, FLOAT4E2M1 -> (count + 1) / 2;
            default -> count;
        };
        if (stored != expected) {
            throw problem(
                    t,
                    source,
                    "stores " + stored + " values but " + type + " " + t.getDimsList() + " needs " + expected
                            + " (truncated or corrupted weights)");
        }
    }

    /** The raw_data length the type and element count need, or -1 where it cannot be computed. */
    private static long rawBytes(ElementType type, long count) {
        if (count == Long.MAX_VALUE) {
            return -1;
        }
        return switch (type) {
            case STRING -> -1;
            case UINT4, INT4, FLOAT4E2M1 -> (count + 1) / 2;
            default -> count > Long.MAX_VALUE / type.byteSize() ? -1 : count * type.byteSize();
        };
    }

    private static long typedCount(TensorProto t, ElementType type) {
        return switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> t.getInt32DataCount();
        };
    }

    private static ModelFormatException problem(TensorProto t, String source, String what) {
        return new ModelFormatException(source, "initializer '" + t.getName() + "' " + what);
    }
}
