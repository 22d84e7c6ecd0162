package dev.onnxinspect.runtime;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which element types an {@link InferenceSession} converts when a batch's tensor and the model input it feeds
 * differ in type, and the conversion itself.
 *
 * <p>Choice: a tensor is converted only when every value of its type is exactly a value of the model input's type,
 * so that the model receives the very numbers the data holds; the rule depends on the two types alone (never on the
 * values of one batch), so a data/model mismatch fails before the first batch
 * ({@link InferenceSession#checkInputs}). Converted:
 * <ul>
 * <li>integers into wider integers: INT8 and UINT8 into INT16, INT32, INT64; INT16 into INT32, INT64; INT32 into
 * INT64 (e.g. int32 token ids into an int64 input);</li>
 * <li>integers into floating types whose significand holds all of them: INT8 and UINT8 into FLOAT16, FLOAT,
 * DOUBLE; INT16 into FLOAT, DOUBLE; INT32 into DOUBLE;</li>
 * <li>floating types into wider ones: FLOAT16 into FLOAT, DOUBLE; FLOAT into DOUBLE;</li>
 * <li>BOOL into every numeric type, as 0 and 1 (ONNX {@code Cast}'s rule; e.g. a boolean attention mask into an
 * int64 or float input).</li>
 * </ul>
 * Refused (one line naming the input, both types and the fix): everything else — narrowing (DOUBLE into FLOAT,
 * INT64 into INT32), floating into integer or BOOL, integer into BOOL, INT64 into any floating type, INT32 into
 * FLOAT, INT16 into FLOAT16, and between INT8 and UINT8 (negative values or values above 127 would change). Values
 * are never rounded, clamped or wrapped.
 */
public final class InputConversion {
    private static final Map<ElementType, Set<ElementType>> LOSSLESS = new EnumMap<>(ElementType.class);

    static {
        Set<ElementType> numeric = EnumSet.of(
                ElementType.INT8,
                ElementType.UINT8,
                ElementType.INT16,
                ElementType.INT32,
                ElementType.INT64,
                ElementType.FLOAT16,
                ElementType.FLOAT,
                ElementType.DOUBLE);
        LOSSLESS.put(ElementType.BOOL, numeric);
        Set<ElementType> fromByte = EnumSet.of(
                ElementType.INT16,
                ElementType.INT32,
                ElementType.INT64,
                ElementType.FLOAT16,
                ElementType.FLOAT,
                ElementType.DOUBLE);
        LOSSLESS.put(ElementType.INT8, fromByte);
        LOSSLESS.put(ElementType.UINT8, fromByte);
        LOSSLESS.put(
                ElementType.INT16,
                EnumSet.of(ElementType.INT32, ElementType.INT64, ElementType.FLOAT, ElementType.DOUBLE));
        LOSSLESS.put(ElementType.INT32, EnumSet.of(ElementType.INT64, ElementType.DOUBLE));
        LOSSLESS.put(ElementType.FLOAT16, EnumSet.of(ElementType.FLOAT, ElementType.DOUBLE));
        LOSSLESS.put(ElementType.FLOAT, EnumSet.of(ElementType.DOUBLE));
    }

    private InputConversion() {}

    /**
     * Whether a tensor of type {@code from} may feed a model input of type {@code to}: the same type, or a
     * conversion that keeps every value (see the class Javadoc).
     */
    public static boolean isLossless(ElementType from, ElementType to) {
        return from == to || LOSSLESS.getOrDefault(from, Set.of()).contains(to);
    }

    /**
     * The values converted into the array of type {@code to} (see {@link InputTensor} for the arrays); the array
     * itself when the types are equal.
     *
     * @throws InferenceException when the conversion is not {@link #isLossless lossless}
     */
    static Object convert(Object data, ElementType from, ElementType to) {
        if (from == to) {
            return data;
        }
        if (!isLossless(from, to)) {
            throw new InferenceException("cannot convert " + from + " values to " + to + " without changing them");
        }
        int n = Array.getLength(data);
        switch (to) {
            case INT16 -> {
                short[] out = new short[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (short) integer(data, from, i);
                }
                return out;
            }
            case INT32 -> {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) integer(data, from, i);
                }
                return out;
            }
            case INT64 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = integer(data, from, i);
                }
                return out;
            }
            case INT8, UINT8 -> {
                // only BOOL converts into a byte type: 0 or 1 in the same array type
                byte[] out = new byte[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (byte) integer(data, from, i);
                }
                return out;
            }
            case FLOAT16 -> {
                short[] out = new short[n];
                for (int i = 0; i < n; i++) {
                    out[i] = smallIntegerToHalf((int) integer(data, from, i));
                }
                return out;
            }
            case FLOAT -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = from == ElementType.FLOAT16
                            ? InputTensor.halfToFloat(((short[]) data)[i])
                            : (float) integer(data, from, i);
                }
                return out;
            }
            case DOUBLE -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = switch (from) {
                        case FLOAT -> ((float[]) data)[i];
                        case FLOAT16 -> InputTensor.halfToFloat(((short[]) data)[i]);
                        default -> integer(data, from, i);
                    };
                }
                return out;
            }
            default -> throw new IllegalStateException("no conversion into " + to);
        }
    }

    /** Element i of an integer or BOOL array as a long (UINT8: 0..255; BOOL: 0 or 1). */
    private static long integer(Object data, ElementType type, int i) {
        return switch (type) {
            case BOOL -> ((byte[]) data)[i] != 0 ? 1 : 0;
            case INT8 -> ((byte[]) data)[i];
            case UINT8 -> Byte.toUnsignedInt(((byte[]) data)[i]);
            case INT16 -> ((short[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            default -> throw new IllegalStateException("not an integer type: " + type);
        };
    }

    /**
     * The IEEE 754 half-precision bits of an integer of magnitude below 2048 (exact: a half has an 11-bit
     * significand), e.g. 1 -> 0x3c00, -2 -> 0xc000, 255 -> 0x5bf8.
     */
    static short smallIntegerToHalf(int value) {
        if (value == 0) {
            return 0;
        }
        int magnitude = Math.abs(value);
        if (magnitude >= 2048) {
            throw new IllegalArgumentException(value + " is not exact in float16");
        }
        int exponent = 31 - Integer.numberOfLeadingZeros(magnitude); // magnitude = 1.m * 2^exponent, exponent <= 10
        int mantissa = (magnitude << (10 - exponent)) & 0x3ff;
        int bits = ((exponent + 15) << 10) | mantissa;
        return (short) (value < 0 ? bits | 0x8000 : bits);
    }
}
