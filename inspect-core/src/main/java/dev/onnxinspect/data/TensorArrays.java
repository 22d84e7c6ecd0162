package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * The primitive arrays that hold a tensor's values, row-major, one Java array type per element type, and what
 * {@link InputTensor} and {@code runtime.TypedTensor} do alike with them: which array holds a type, the checks of a
 * shape and its array, one value read as a double, and equality. Each tensor type says which element types it
 * takes and refuses the others with its own exception before it calls these.
 *
 * <p>The arrays: FLOAT {@code float[]}; DOUBLE {@code double[]}; FLOAT16, BFLOAT16, INT16, UINT16 {@code short[]}
 * (FLOAT16 and BFLOAT16 their 16 bits; UINT16 unsigned); INT8, UINT8, BOOL {@code byte[]} (UINT8 unsigned; BOOL 0 =
 * false, anything else true); INT32, UINT32 {@code int[]}; INT64, UINT64 {@code long[]}; STRING {@code String[]}.
 */
public final class TensorArrays {
    private TensorArrays() {}

    /**
     * The Java array class that holds values of an element type (see the class Javadoc).
     *
     * @throws IllegalArgumentException for a type without one (callers refuse those first)
     */
    public static Class<?> arrayClass(ElementType type) {
        return switch (type) {
            case FLOAT -> float[].class;
            case DOUBLE -> double[].class;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> short[].class;
            case INT8, UINT8, BOOL -> byte[].class;
            case INT32, UINT32 -> int[].class;
            case INT64, UINT64 -> long[].class;
            case STRING -> String[].class;
            default -> throw new IllegalArgumentException("no array holds element type " + type);
        };
    }

    /**
     * Checks that every dimension of {@code shape} is &gt;= 0 and that {@code data} is the array of {@code type}
     * ({@link #arrayClass}) with product(shape) values.
     *
     * @param what    the tensor for messages, e.g. "input ids"
     * @param refusal the exception of a refusal, from its one-line message
     */
    public static void check(
            String what,
            ElementType type,
            long[] shape,
            Object data,
            Function<String, ? extends RuntimeException> refusal) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw refusal.apply(what + " has shape " + Arrays.toString(shape) + "; every dimension must be >= 0");
            }
            count = Math.multiplyExact(count, d);
        }
        Class<?> expected = arrayClass(type);
        if (data.getClass() != expected) {
            throw refusal.apply(what + " of type " + type + " needs its values in a " + expected.getSimpleName()
                    + ", got a " + data.getClass().getSimpleName());
        }
        int length = Array.getLength(data);
        if (length != count) {
            throw refusal.apply(
                    what + " of shape " + Arrays.toString(shape) + " needs " + count + " values, got " + length);
        }
    }

    /**
     * The value at a flat (row-major) index of an array of {@code type} as a double: exact for every type except
     * INT64 and UINT64 beyond 2^53 (rounded to nearest); UINT types unsigned; BOOL 0 or 1; FLOAT16 and BFLOAT16
     * their value.
     *
     * @throws IllegalArgumentException for a type whose values are not numbers (STRING; callers refuse it first)
     */
    public static double valueAsDouble(ElementType type, Object data, int index) {
        return switch (type) {
            case FLOAT -> ((float[]) data)[index];
            case DOUBLE -> ((double[]) data)[index];
            case FLOAT16 -> InputTensor.halfToFloat(((short[]) data)[index]);
            case BFLOAT16 -> Float.intBitsToFloat((((short[]) data)[index] & 0xffff) << 16);
            case INT16 -> ((short[]) data)[index];
            case UINT16 -> Short.toUnsignedInt(((short[]) data)[index]);
            case INT8 -> ((byte[]) data)[index];
            case UINT8 -> Byte.toUnsignedInt(((byte[]) data)[index]);
            case BOOL -> ((byte[]) data)[index] != 0 ? 1 : 0;
            case INT32 -> ((int[]) data)[index];
            case UINT32 -> Integer.toUnsignedLong(((int[]) data)[index]);
            case INT64 -> ((long[]) data)[index];
            case UINT64 -> unsignedToDouble(((long[]) data)[index]);
            default -> throw new IllegalArgumentException(type + " values are not numbers");
        };
    }

    /** An unsigned 64-bit value rounded once to the nearest double (a plain cast would read it as signed). */
    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // halve with the lowest bit kept as a sticky bit, so that the one rounding is still to nearest
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }

    /** A tensor's name for messages: the name, or "(the model's only input)" for null. */
    public static String label(String name) {
        return name == null ? "(the model's only input)" : name;
    }

    /**
     * Whether two tensors have the same name, type, shape and values (compared as {@link Arrays#equals} compares
     * arrays of their type: floating-point values by their bits, NaNs alike).
     */
    public static boolean equal(
            String name,
            ElementType type,
            long[] shape,
            Object data,
            String otherName,
            ElementType otherType,
            long[] otherShape,
            Object otherData) {
        return Objects.equals(name, otherName)
                && type == otherType
                && Arrays.equals(shape, otherShape)
                && Objects.deepEquals(new Object[] {data}, new Object[] {otherData});
    }

    /** A hash code consistent with {@link #equal}, of everything but the values. */
    public static int hashCode(String name, ElementType type, long[] shape) {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    /** A tensor without its values, e.g. {@code InputTensor[ids INT64 [8, 12]]}. */
    public static String toString(String kind, String name, ElementType type, long[] shape) {
        return kind + "[" + label(name) + " " + type + " " + Arrays.toString(shape) + "]";
    }
}
