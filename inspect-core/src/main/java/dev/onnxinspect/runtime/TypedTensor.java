package dev.onnxinspect.runtime;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.data.TensorArrays;
import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A tensor with its exact element type: a model output read by {@link InferenceSession#runTensors}, or an input of
 * any rank fed by {@link InferenceSession#runTensors(java.util.List, java.util.List)}. Deeply immutable: the values
 * are copied in and {@link #data()} hands out a copy.
 *
 * <p>The values are held row-major in the primitive array of the type, as in {@link InputTensor}, extended to the
 * types ONNX Runtime Java can read ({@link TensorArrays}): FLOAT {@code float[]}; DOUBLE {@code double[]}; FLOAT16,
 * BFLOAT16, INT16, UINT16 {@code short[]} (the 16 bits; UINT16 as unsigned); INT8, UINT8, BOOL {@code byte[]}; INT32,
 * UINT32 {@code int[]}; INT64, UINT64 {@code long[]}; STRING {@code String[]}.
 *
 * @param name  the tensor's name (an output's name; for an input, the model input it feeds, or null for the
 *              model's only input)
 * @param type  the element type
 * @param shape the shape, any rank (a scalar has shape {@code []} and one value); every dimension >= 0
 * @param data  the values, an array of the type's Java type of length product(shape)
 */
public record TypedTensor(String name, ElementType type, long[] shape, Object data) {
    /** The element types a typed tensor may have: an {@link InputTensor}'s and the others ONNX Runtime Java reads. */
    public static final Set<ElementType> SUPPORTED = supported();

    public TypedTensor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        checkSupported(type);
        shape = shape.clone();
        TensorArrays.check("tensor " + TensorArrays.label(name), type, shape, data, InferenceException::new);
        data = copy(data);
    }

    /** The Java array class holding values of an element type (see the class Javadoc). */
    public static Class<?> arrayClass(ElementType type) {
        checkSupported(type);
        return TensorArrays.arrayClass(type);
    }

    private static Set<ElementType> supported() {
        Set<ElementType> types = EnumSet.copyOf(InputTensor.SUPPORTED);
        types.addAll(List.of(
                ElementType.BFLOAT16, ElementType.UINT16, ElementType.UINT32, ElementType.UINT64, ElementType.STRING));
        return Collections.unmodifiableSet(types);
    }

    private static void checkSupported(ElementType type) {
        if (!SUPPORTED.contains(type)) {
            throw new InferenceException(
                    "onnx-inspect cannot hold tensors of element type " + type + "; supported: " + SUPPORTED);
        }
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
        if (type == ElementType.STRING) {
            throw new InferenceException(
                    "tensor " + TensorArrays.label(name) + " holds " + type + " values, which are not numbers");
        }
        return TensorArrays.valueAsDouble(type, data, index);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedTensor t
                && TensorArrays.equal(name, type, shape, data, t.name, t.type, t.shape, t.data);
    }

    @Override
    public int hashCode() {
        return TensorArrays.hashCode(name, type, shape);
    }

    @Override
    public String toString() {
        return TensorArrays.toString("TypedTensor", name, type, shape);
    }
}
