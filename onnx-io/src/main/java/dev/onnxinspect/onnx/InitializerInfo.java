package dev.onnxinspect.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A weight tensor stored in the model.
 *
 * @param name        the initializer name
 * @param elementType its element type ({@link ElementType#UNDEFINED} for a code this library does not know)
 * @param shape       its dimensions (of the dense form, for a sparse initializer)
 * @param sparse      true for a sparse initializer (it stores only its non-zero values and their positions)
 */
public record InitializerInfo(String name, ElementType elementType, List<Long> shape, boolean sparse) {
    public InitializerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = List.copyOf(shape);
    }

    /** A dense initializer. */
    public InitializerInfo(String name, ElementType elementType, List<Long> shape) {
        this(name, elementType, shape, false);
    }

    /**
     * The number of elements (the product of the shape; 1 for a scalar, 0 when a dimension is 0). A loaded model's
     * initializers all have one that fits in a long (checked at load).
     *
     * @throws ArithmeticException if the product overflows a long
     */
    public long elementCount() {
        if (shape.contains(0L)) {
            return 0;
        }
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
