package dev.onnxinspect.guard;

import dev.onnxinspect.onnx.ElementType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One model input of a guard, as saved with it: what {@link OodGuard#score(java.util.Map)} needs to turn a flat
 * primitive array into a tensor.
 *
 * @param name        the model input's name
 * @param type        its element type (values of another type are converted where no value changes)
 * @param sampleShape the model's shape of one sample (without the batch dimension), -1 where the model leaves a
 *                    dimension free (a sequence length, an image side)
 * @param fitShape    the shape of the samples the guard was fitted on, -1 where they varied (a sequence padded per
 *                    batch); the shape a flat array takes when the model's shape has several free dimensions
 */
public record GuardInput(String name, ElementType type, long[] sampleShape, long[] fitShape) {
    public GuardInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        sampleShape = sampleShape.clone();
        fitShape = fitShape.clone();
        if (sampleShape.length != fitShape.length) {
            throw new GuardException("input " + name + ": the model's sample shape " + Arrays.toString(sampleShape)
                    + " and the fit samples' " + Arrays.toString(fitShape) + " differ in rank");
        }
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public long[] fitShape() {
        return fitShape.clone();
    }

    /**
     * The per-sample shape of a flat array of {@code length} values: the model's shape with its one free dimension
     * (if any) inferred from the length; with several free dimensions, the fit samples' shape when it is fixed and
     * holds {@code length} values.
     *
     * @throws GuardException when the length fits no such shape (the message says which shapes would)
     */
    long[] shapeOf(long length, String which) {
        long fixed = 1;
        int free = -1;
        int freeCount = 0;
        for (int d = 0; d < sampleShape.length; d++) {
            if (sampleShape[d] < 0) {
                free = d;
                freeCount++;
            } else {
                fixed *= sampleShape[d];
            }
        }
        if (freeCount == 0 && length == fixed) {
            return sampleShape.clone();
        }
        if (freeCount == 1 && length > 0 && length % fixed == 0) {
            long[] shape = sampleShape.clone();
            shape[free] = length / fixed;
            return shape;
        }
        if (freeCount > 1
                && Arrays.stream(fitShape).allMatch(d -> d > 0)
                && Arrays.stream(fitShape).reduce(1, (a, b) -> a * b) == length) {
            return fitShape.clone();
        }
        String expected = freeCount == 0
                ? fixed + " values (one sample of shape " + Arrays.toString(sampleShape) + ", row-major)"
                : freeCount == 1
                        ? "a positive multiple of " + fixed + " values (shape " + Arrays.toString(sampleShape)
                                + ", -1 free)"
                        : "the " + Arrays.stream(fitShape).reduce(1, (a, b) -> a * b)
                                + " values of the fit samples' shape " + Arrays.toString(fitShape)
                                + ", or an InputTensor of shape [1, ...] for another size";
        throw new GuardException(which + " has " + length + " values; input " + name + " takes " + expected
                + "; reshape or resize it to the model's input");
    }

    /** E.g. {@code input_ids INT64 [-1]}. */
    String describe() {
        return name + " " + type + " " + Arrays.toString(sampleShape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuardInput g
                && name.equals(g.name)
                && type == g.type
                && Arrays.equals(sampleShape, g.sampleShape)
                && Arrays.equals(fitShape, g.fitShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(sampleShape), Arrays.hashCode(fitShape));
    }

    @Override
    public String toString() {
        return "GuardInput[" + describe() + ", fitted on " + Arrays.toString(fitShape) + "]";
    }
}
