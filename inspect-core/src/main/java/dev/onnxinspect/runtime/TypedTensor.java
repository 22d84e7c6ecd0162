package dev.onnxinspect.runtime;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A tensor with its exact element type: a model output read by {@link InferenceSession#runTensors}, or an input of
 * any rank fed by {@link InferenceSession#runTensors(java.util.List, java.util.List)}. Deeply immutable: the values
 * are copied in and {@link #data()} hands out a copy.
 *
 * <p>The values are held row-major in the primitive array of the type, as in {@link InputTensor}, extended to the
 * types ONNX Runtime Java can read: FLOAT {@code float[]}; DOUBLE {@code double[]}; FLOAT16, BFLOAT16, INT16, UINT16
 * {@code short[]} (the 16 bits; UINT16 as unsigned); INT8, UINT8, BOOL {@code byte[]}; INT32, UINT32 {@code int[]};
 * INT64, UINT64 {@code long[]}; STRING {@code String[]}.
 *
 * @param name  the tensor's name (an output's name; for an input, the model input it feeds, or null for the
 *              model's only input)
 * @param type  the element type
 * @param shape the shape, any rank (a scalar has shape {@code []} and one value); every dimension >= 0
 * @param data  the values, an array of the type's Java type of length product(shape)
 */
public record TypedTensor(String name, ElementType type, long[] shape, Object data) {
    /** The element types a typed tensor may have. */
    public static final Set<ElementType> SUPPORTED = Set.copyOf(EnumSet.of(
            ElementType.FLOAT,
            ElementType.DOUBLE,
            ElementType.FLOAT16,
            ElementType.BFLOAT16,
            ElementType.INT8,
            ElementType.UINT8,
            ElementType.BOOL,
            ElementType.INT16,
            ElementType.UINT16,
            ElementType.INT32,
            ElementType.UINT32,
            ElementType.INT64,
            ElementType.UINT64,
            ElementType.STRING));

    public TypedTensor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Class<?> expected = arrayClass(type);
        shape = shape.clone();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InferenceException("tensor " + label(name) + " has shape " + Arrays.toString(shape)
                        + "; every dimension must be >= 0");
            }
            count = Math.multiplyExact(count, d);
        }
        if (data.getClass() != expected) {
            throw new InferenceException("tensor " + label(name) + " of type " + type + " needs its values in a "
                    + expected.getSimpleName() + ", got a " + data.getClass().getSimpleName());
        }
        if (Array.getLength(data) != count) {
            throw new InferenceException("tensor " + label(name) + " of shape " + Arrays.toString(shape) + " needs "
                    + count + " values, got " + Array.getLength(data));
        }
        data = copy(data);
    }

    /** The Java array class holding values of an element type (see the class Javadoc). */
    public static Class<?> arrayClass(ElementType type) {
        return switch (type) {
            case FLOAT -> float[].class;
            case DOUBLE -> double[].class;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> short[].class;
            case INT8, UINT8, BOOL -> byte[].class;
            case INT32, UINT32 -> int[].class;
            case INT64, UINT64 -> long[].class;
            case STRING -> String[].class;
            default ->
                throw new InferenceException(
                        "onnx-inspect cannot hold tensors of element type " + type + "; supported: " + SUPPORTED);
        };
    }

    /** The tensor of a batch's input, copied. */
    public static TypedTensor of(InputTensor input) {
        return new TypedTensor(input.name(), input.type(), input.shape(), input.data());
    }

    private static Object copy(Object array) {
        int n = Array.getLength(array);
        Object copy = Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A copy of the values (see the class Javadoc for the array of each type). */
    @Override
    public Object data() {
        return copy(data);
    }

    /** The values without a copy, for this package's readers, which must not change them. */
    Object array() {
        return data;
    }

    /** The number of values: the product of the shape (1 for a scalar). */
    public int size() {
        return Array.getLength(data);
    }

    /**
     * The value at a flat (row-major) index as a double: exact for every type except INT64 and UINT64 beyond 2^53
     * (rounded to nearest); UINT types unsigned; BOOL 0 or 1; FLOAT16 and BFLOAT16 their value.
     *
     * @throws InferenceException for a STRING tensor
     */
    public double valueAsDouble(int index) {
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
            default ->
                throw new InferenceException(
                        "tensor " + label(name) + " holds " + type + " values, which are not numbers");
        };
    }

    /**
     * The values as float32, e.g. to use a non-float output as a layer's activations.
     *
     * <p>Choice: each value is rounded to the nearest float32 (exact for FLOAT16, BFLOAT16, BOOL (0/1), 8- and
     * 16-bit integers and integers of magnitude up to 2^24; DOUBLE and larger integers round to nearest, ties to
     * even, as a Java cast does); unsigned types by their unsigned value.
     *
     * @throws InferenceException for a STRING tensor
     */
    public float[] toFloats() {
        int n = size();
        float[] out = new float[n];
        switch (type) {
            case FLOAT -> System.arraycopy(data, 0, out, 0, n);
            case DOUBLE -> {
                double[] values = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (float) values[i];
                }
            }
            case INT64 -> {
                long[] values = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = values[i];
                }
            }
            case UINT64 -> {
                long[] values = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = unsignedToFloat(values[i]);
                }
            }
            default -> {
                // every other numeric type is exact in double, and double -> float rounds once, to nearest
                for (int i = 0; i < n; i++) {
                    out[i] = (float) valueAsDouble(i);
                }
            }
        }
        return out;
    }

    /** An unsigned 64-bit value rounded once to the nearest float (a plain cast would read it as signed). */
    private static float unsignedToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        // halve with the lowest bit kept as a sticky bit, so that the one rounding is still to nearest
        return ((float) ((v >>> 1) | (v & 1))) * 2f;
    }

    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }

    private static String label(String name) {
        return name == null ? "(the model's only input)" : name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedTensor t
                && Objects.equals(name, t.name)
                && type == t.type
                && Arrays.equals(shape, t.shape)
                && Objects.deepEquals(new Object[] {data}, new Object[] {t.data});
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "TypedTensor[" + label(name) + " " + type + " " + Arrays.toString(shape) + "]";
    }
}
