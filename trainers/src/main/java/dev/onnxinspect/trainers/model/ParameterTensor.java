package dev.onnxinspect.trainers.model;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Shapes;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named parameter tensor of a network, row-major, deeply immutable.
 *
 * @param name      {@code <layer>.<kind>}, e.g. {@code dense1/linear.weight}, {@code stem/bn.running_var}
 * @param shape     the tensor shape, e.g. [out, in] for a dense weight, [out, in, k, k] for a convolution; copied
 * @param values    the values, row-major; copied
 * @param trainable false for batch-norm running statistics (they are buffers, not weights)
 */
public record ParameterTensor(String name, int[] shape, float[] values, boolean trainable) {

    public ParameterTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        values = values.clone();
        if (Shapes.size(shape) != values.length) {
            throw new TrainingException("parameter " + name + ": shape " + Shapes.text(shape) + " needs "
                    + Shapes.size(shape) + " values, got " + values.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** The number of values. */
    public int size() {
        return values.length;
    }

    /** One value without copying the array. */
    public float value(int index) {
        return values[index];
    }

    /** Sum of squared values, in float64. */
    public double sumOfSquares() {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return s;
    }

    /** Sum of squared differences to a tensor of the same name and shape, in float64. */
    public double squaredDistanceTo(ParameterTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new TrainingException("parameter " + name + ": cannot compare shape " + Shapes.text(shape) + " with "
                    + other.name + " of shape " + Shapes.text(other.shape));
        }
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            double d = (double) values[i] - other.values[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterTensor t
                && name.equals(t.name)
                && trainable == t.trainable
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, trainable, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "ParameterTensor[" + name + " " + Shapes.text(shape) + (trainable ? "" : " buffer") + "]";
    }
}
