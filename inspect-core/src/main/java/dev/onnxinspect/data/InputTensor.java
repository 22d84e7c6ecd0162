package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One input tensor of a {@link Batch}: the model input it feeds, its element type, its shape (the batch dimension
 * first) and its values, row-major, in the primitive array of its type.
 *
 * <p>Ownership: the array is not copied (for speed); once the tensor is built the producer must not change it and
 * consumers must not change it at all. The shape is copied.
 *
 * <p>The element types ONNX Runtime Java feeds, and the array each is held in:
 * <table>
 * <caption>element types</caption>
 * <tr><th>type</th><th>array</th></tr>
 * <tr><td>FLOAT</td><td>{@code float[]}</td></tr>
 * <tr><td>DOUBLE</td><td>{@code double[]}</td></tr>
 * <tr><td>FLOAT16</td><td>{@code short[]} (IEEE 754 half-precision bits)</td></tr>
 * <tr><td>INT8, UINT8</td><td>{@code byte[]} (UINT8: the byte's unsigned value)</td></tr>
 * <tr><td>BOOL</td><td>{@code byte[]} (0 = false, 1 = true)</td></tr>
 * <tr><td>INT16</td><td>{@code short[]}</td></tr>
 * <tr><td>INT32</td><td>{@code int[]}</td></tr>
 * <tr><td>INT64</td><td>{@code long[]}</td></tr>
 * </table>
 *
 * @param name  the model input it feeds, or null for "the model's only input" (single-input models)
 * @param type  the element type
 * @param shape the shape, batch dimension first; every dimension >= 0
 * @param data  the values, row-major, an array of the type's Java type (see above) of length product(shape)
 */
public record InputTensor(String name, ElementType type, long[] shape, Object data) {
    /** The element types an input tensor may have. */
    public static final Set<ElementType> SUPPORTED = Collections.unmodifiableSet(EnumSet.of(
            ElementType.FLOAT,
            ElementType.DOUBLE,
            ElementType.FLOAT16,
            ElementType.INT8,
            ElementType.UINT8,
            ElementType.BOOL,
            ElementType.INT16,
            ElementType.INT32,
            ElementType.INT64));

    public InputTensor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (!SUPPORTED.contains(type)) {
            throw new DatasetException("input " + label(name) + " has element type " + type + ", which onnx-inspect"
                    + " cannot feed; supported: " + SUPPORTED);
        }
        shape = shape.clone();
        if (shape.length == 0) {
            throw new DatasetException("input " + label(name) + " has no batch dimension; give its shape with the"
                    + " batch dimension first");
        }
        TensorArrays.check("input " + label(name), type, shape, data, DatasetException::new);
    }

    /** A float32 tensor. */
    public static InputTensor floats(String name, float[] data, long... shape) {
        return new InputTensor(name, ElementType.FLOAT, shape, data);
    }

    /** A float64 tensor. */
    public static InputTensor doubles(String name, double[] data, long... shape) {
        return new InputTensor(name, ElementType.DOUBLE, shape, data);
    }

    /** An int64 tensor (e.g. token ids, attention masks). */
    public static InputTensor longs(String name, long[] data, long... shape) {
        return new InputTensor(name, ElementType.INT64, shape, data);
    }

    /** An int32 tensor. */
    public static InputTensor ints(String name, int[] data, long... shape) {
        return new InputTensor(name, ElementType.INT32, shape, data);
    }

    /** The Java array class that holds values of an element type. */
    public static Class<?> arrayClass(ElementType type) {
        if (!SUPPORTED.contains(type)) {
            throw new DatasetException("onnx-inspect cannot feed element type " + type + "; supported: " + SUPPORTED);
        }
        return TensorArrays.arrayClass(type);
    }

    /** The batch size: the first dimension. */
    public int batchSize() {
        return Math.toIntExact(shape[0]);
    }

    /** The shape of one sample: the shape without the batch dimension. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Values per sample: the product of {@link #sampleShape()}. */
    public long sampleSize() {
        long n = 1;
        for (int d = 1; d < shape.length; d++) {
            n *= shape[d];
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The value at a flat index as a double (bool: 0 or 1; UINT8: 0..255; FLOAT16: its value). */
    public double valueAsDouble(long index) {
        return TensorArrays.valueAsDouble(type, data, Math.toIntExact(index));
    }

    /** An IEEE 754 half-precision value (its 16 bits) as a float, exactly (every half is a float). */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // infinity or NaN
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    static String label(String name) {
        return TensorArrays.label(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputTensor t
                && TensorArrays.equal(name, type, shape, data, t.name, t.type, t.shape, t.data);
    }

    @Override
    public int hashCode() {
        return TensorArrays.hashCode(name, type, shape);
    }

    @Override
    public String toString() {
        return TensorArrays.toString("InputTensor", name, type, shape);
    }
}
