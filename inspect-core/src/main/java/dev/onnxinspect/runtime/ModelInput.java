package dev.onnxinspect.runtime;

import dev.onnxinspect.onnx.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One tensor input of an opened model, as ONNX Runtime reports it.
 *
 * <p>A shape of rank 0 means a scalar or a shape the model does not declare (ONNX Runtime reports both alike);
 * then ONNX Runtime, not onnx-inspect, checks the rank of what is fed.
 *
 * @param name     the input's name in the graph
 * @param type     its element type
 * @param shape    its shape, outermost first; -1 marks a symbolic (free) dimension, e.g. the batch size, a
 *                 sequence length or an image side
 * @param dimNames one entry per dimension: the symbolic dimension's name (e.g. {@code "batch"}), or {@code ""} for a
 *                 fixed or unnamed dimension
 */
public record ModelInput(String name, ElementType type, long[] shape, List<String> dimNames) {
    public ModelInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        dimNames = List.copyOf(dimNames);
        if (dimNames.size() != shape.length) {
            throw new IllegalArgumentException("input " + name + ": " + dimNames.size() + " dimension names for a shape"
                    + " of rank " + shape.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (0 for a scalar or an undeclared shape). */
    public int rank() {
        return shape.length;
    }

    /** The size of dimension d, -1 when symbolic (no copy of the shape). */
    long dim(int d) {
        return shape[d];
    }

    /** The shape, symbolic dimensions by name (or "?"), e.g. {@code [batch, sequence]} or {@code [N, 2]}. */
    public String shapeText() {
        return dimsText(0);
    }

    /** The shape of one sample: the dimensions after the first, written as {@link #shapeText()}. */
    String sampleShapeText() {
        return dimsText(1);
    }

    private String dimsText(int from) {
        List<String> dims = new ArrayList<>();
        for (int d = from; d < shape.length; d++) {
            dims.add(shape[d] >= 0 ? Long.toString(shape[d]) : dimNames.get(d).isEmpty() ? "?" : dimNames.get(d));
        }
        return dims.toString();
    }

    /** E.g. {@code ids INT64 [batch, sequence]}. */
    public String format() {
        return name + " " + type + " " + shapeText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInput m
                && name.equals(m.name)
                && type == m.type
                && Arrays.equals(shape, m.shape)
                && dimNames.equals(m.dimNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), dimNames);
    }

    @Override
    public String toString() {
        return "ModelInput[" + format() + "]";
    }
}
