package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link DataSource} feeds to one model input: the input's name, the element type and the shape of one
 * sample, with -1 for a dimension that varies from batch to batch (e.g. a sequence length padded per batch, or an
 * image size).
 *
 * @param name        the model input fed, or null for "the model's only input"
 * @param type        the element type of the values the source produces
 * @param sampleShape the shape of one sample without the batch dimension; -1 marks a variable dimension
 */
public record InputSpec(String name, ElementType type, long[] sampleShape) {
    public InputSpec {
        Objects.requireNonNull(type, "type");
        sampleShape = sampleShape.clone();
        for (long d : sampleShape) {
            if (d < -1 || d == 0) {
                throw new IllegalArgumentException(
                        "sample dimensions are positive, or -1 for variable; got " + Arrays.toString(sampleShape));
            }
        }
    }

    /** The unnamed float32 input of a single-input source of fixed sample shape (e.g. images). */
    public static InputSpec floats(int[] sampleShape) {
        return new InputSpec(
                null,
                ElementType.FLOAT,
                Arrays.stream(sampleShape).asLongStream().toArray());
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s
                && Objects.equals(name, s.name)
                && type == s.type
                && Arrays.equals(sampleShape, s.sampleShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(sampleShape));
    }

    @Override
    public String toString() {
        return InputTensor.label(name) + " " + type + " " + Arrays.toString(sampleShape);
    }
}
