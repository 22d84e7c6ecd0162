package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Converts a {@link TensorProto}'s numeric data to float32, from {@code raw_data} (little-endian, as ONNX
 * specifies) or from the typed fields ({@code float_data}, {@code int32_data}, ...).
 *
 * <p>Choice: FLOAT, DOUBLE, FLOAT16, BFLOAT16, BOOL and the 8- to 64-bit integer types are converted (doubles and
 * large integers round to the nearest float); strings, complex, 8-bit and 4-bit float types are rejected.
 */
final class TensorDecoder {
    private TensorDecoder() {}

    static WeightTensor decode(TensorProto t, String source) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0 || (d > 0 && count > Integer.MAX_VALUE / d)) {
                throw new ModelFormatException(
                        source, "tensor '" + t.getName() + "' has invalid or too large dims " + t.getDimsList());
            }
            count *= d;
        }
        if (t.hasSegment()) {
            throw new GraphQueryException(
                    Kind.UNSUPPORTED,
                    "tensor '" + t.getName() + "' is stored in segments, which " + "this library does not read");
        }
        if (ExternalData.isExternal(t)) {
            throw new ModelFormatException(
                    source,
                    "tensor '" + t.getName() + "' still refers to external data; "
                            + "load the model with OnnxModel.load(Path) so its data files are read");
        }
        // the data must fit the dims before anything is allocated for them
        TensorChecks.check(t, "tensor '" + t.getName() + "'", source);
        ElementType type = ElementType.forCode(t.getDataType()).orElse(ElementType.UNDEFINED);
        int n = (int) count;
        float[] values = switch (type) {
            case FLOAT -> {
                if (t.getRawData().isEmpty()) {
                    yield floats(t.getFloatDataList(), n, t, source);
                }
                float[] v = new float[n];
                raw(t, n, 4, source).asFloatBuffer().get(v);
                yield v;
            }
            case DOUBLE -> {
                float[] v = new float[n];
                if (t.getRawData().isEmpty()) {
                    checkCount(t, t.getDoubleDataCount(), n, source);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) t.getDoubleData(i);
                    }
                } else {
                    ByteBuffer b = raw(t, n, 8, source);
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) b.getDouble(8 * i);
                    }
                }
                yield v;
            }
            case INT64 -> {
                float[] v = new float[n];
                if (t.getRawData().isEmpty()) {
                    checkCount(t, t.getInt64DataCount(), n, source);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                } else {
                    ByteBuffer b = raw(t, n, 8, source);
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getLong(8 * i);
                    }
                }
                yield v;
            }
            case UINT32, UINT64 -> {
                float[] v = new float[n];
                if (t.getRawData().isEmpty()) {
                    checkCount(t, t.getUint64DataCount(), n, source);
                    for (int i = 0; i < n; i++) {
                        v[i] = unsigned(t.getUint64Data(i));
                    }
                } else {
                    ByteBuffer b = raw(t, n, type.byteSize(), source);
                    for (int i = 0; i < n; i++) {
                        v[i] = type == ElementType.UINT32
                                ? (float) Integer.toUnsignedLong(b.getInt(4 * i))
                                : unsigned(b.getLong(8 * i));
                    }
                }
                yield v;
            }
            case INT32, INT16, UINT16, INT8, UINT8, BOOL, FLOAT16, BFLOAT16 -> smallTypes(t, type, n, source);
            default ->
                throw new GraphQueryException("tensor '" + t.getName() + "' has element type " + type
                        + ", which cannot be read as float32; expected a numeric type");
        };
        return new WeightTensor(t.getName(), shape, values);
    }

    /** Types whose typed-field storage is int32_data (one element per entry). */
    private static float[] smallTypes(TensorProto t, ElementType type, int n, String source) {
        float[] v = new float[n];
        if (t.getRawData().isEmpty()) {
            checkCount(t, t.getInt32DataCount(), n, source);
            for (int i = 0; i < n; i++) {
                v[i] = fromBits(type, t.getInt32Data(i));
            }
            return v;
        }
        ByteBuffer b = raw(t, n, type.byteSize(), source);
        for (int i = 0; i < n; i++) {
            int bits = switch (type.byteSize()) {
                case 1 -> b.get(i);
                case 2 -> b.getShort(2 * i);
                default -> b.getInt(4 * i);
            };
            v[i] = fromBits(type, bits);
        }
        return v;
    }

    private static float fromBits(ElementType type, int bits) {
        return switch (type) {
            case UINT8 -> bits & 0xff;
            case INT8 -> (byte) bits;
            case UINT16 -> bits & 0xffff;
            case INT16 -> (short) bits;
            case BOOL -> bits != 0 ? 1f : 0f;
            case FLOAT16 -> halfToFloat(bits & 0xffff);
            case BFLOAT16 -> Float.intBitsToFloat((bits & 0xffff) << 16);
            default -> bits;
        };
    }

    /** IEEE 754 binary16 to binary32 (exact: every half value is a float). */
    static float halfToFloat(int half) {
        int sign = (half >>> 15) & 1;
        int exponent = (half >>> 10) & 0x1f;
        int mantissa = half & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    private static float unsigned(long v) {
        return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
    }

    private static float[] floats(List<Float> data, int n, TensorProto t, String source) {
        checkCount(t, data.size(), n, source);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = data.get(i);
        }
        return v;
    }

    private static ByteBuffer raw(TensorProto t, int n, int elementSize, String source) {
        ByteString raw = t.getRawData();
        if (raw.size() != (long) n * elementSize) {
            throw new ModelFormatException(
                    source,
                    "tensor '" + t.getName() + "' has " + raw.size() + " bytes of raw_data but its shape "
                            + t.getDimsList() + " needs " + (long) n * elementSize);
        }
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkCount(TensorProto t, int stored, int n, String source) {
        if (stored != n) {
            throw new ModelFormatException(
                    source,
                    "tensor '" + t.getName() + "' stores " + stored + " values but its shape " + t.getDimsList()
                            + " needs " + n);
        }
    }
}
