package dev.onnxinspect.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor of a model (an initializer or a {@code Constant} node's value) converted to float32.
 *
 * @param name   the tensor name
 * @param shape  its dimensions (empty for a scalar); copied
 * @param values its elements, row-major; copied
 */
public record WeightTensor(String name, long[] shape, float[] values) {
    public WeightTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        values = values.clone();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds "
                    + count + " values, got " + values.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** The element at a row-major flat index, without copying the values. */
    public float value(int flatIndex) {
        return values[flatIndex];
    }

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor w
                && name.equals(w.name)
                && Arrays.equals(shape, w.shape)
                && Arrays.equals(values, w.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "WeightTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
