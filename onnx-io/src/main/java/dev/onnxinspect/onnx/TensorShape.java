package dev.onnxinspect.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a tensor as a model declares it: a list of {@link Dim}s, or "rank unknown" when the model gives no
 * shape at all (which differs from a scalar, whose rank is 0).
 *
 * @param dims      the dimensions, outermost first (empty for a scalar or an unknown rank)
 * @param rankKnown false when the model declares no shape
 */
public record TensorShape(List<Dim> dims, boolean rankKnown) {
    public TensorShape {
        dims = List.copyOf(Objects.requireNonNull(dims, "dims"));
        if (!rankKnown && !dims.isEmpty()) {
            throw new IllegalArgumentException("a shape of unknown rank cannot list dimensions, got " + dims);
        }
    }

    /** A shape of unknown rank. */
    public static TensorShape unknownRank() {
        return new TensorShape(List.of(), false);
    }

    /** A fully fixed shape, e.g. {@code of(3, 4)}. */
    public static TensorShape of(long... dims) {
        List<Dim> list = new ArrayList<>(dims.length);
        for (long d : dims) {
            list.add(Dim.of(d));
        }
        return new TensorShape(list, true);
    }

    /** A shape with the given dimensions. */
    public static TensorShape of(Dim... dims) {
        return new TensorShape(List.of(dims), true);
    }

    /** A symbolic batch dimension named {@code batchName} followed by fixed dimensions, e.g. {@code N x 1 x 28 x 28}.
     * */
    public static TensorShape batched(String batchName, long... dims) {
        List<Dim> list = new ArrayList<>(dims.length + 1);
        list.add(Dim.symbolic(batchName));
        for (long d : dims) {
            list.add(Dim.of(d));
        }
        return new TensorShape(list, true);
    }

    public int rank() {
        if (!rankKnown) {
            throw new IllegalStateException("the rank of this shape is unknown; check rankKnown() first");
        }
        return dims.size();
    }

    /** True when the rank is known and every dimension is fixed. */
    public boolean isFullyKnown() {
        return rankKnown && dims.stream().allMatch(d -> d instanceof Dim.Fixed);
    }

    /** The fixed sizes; fails when a dimension is not fixed. */
    public long[] fixedSizes() {
        if (!isFullyKnown()) {
            throw new IllegalStateException("shape " + this + " is not fully known");
        }
        return dims.stream().mapToLong(d -> ((Dim.Fixed) d).size()).toArray();
    }

    @Override
    public String toString() {
        if (!rankKnown) {
            return "[?...]";
        }
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
