package dev.onnxinspect.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A weight tensor stored in the model.
 *
 * @param name        the initializer name
 * @param elementType its element type ({@link ElementType#UNDEFINED} for a code this library does not know)
 * @param shape       its dimensions
 */
public record InitializerInfo(String name, ElementType elementType, List<Long> shape) {
    public InitializerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = List.copyOf(shape);
    }

    /** The number of elements (the product of the shape; 1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
