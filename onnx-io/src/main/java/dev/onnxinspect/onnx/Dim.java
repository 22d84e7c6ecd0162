package dev.onnxinspect.onnx;

import java.util.Objects;

/**
 * One dimension of a tensor shape: a fixed size, a symbolic name (e.g. the batch dimension {@code "N"}), or
 * unknown (the model gives neither).
 */
public sealed interface Dim {

    /** A dimension of known size. */
    record Fixed(long size) implements Dim {
        public Fixed {
            if (size < 0) {
                throw new IllegalArgumentException("a dimension size must be >= 0, got " + size);
            }
        }

        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A named dimension whose size is chosen at run time (e.g. {@code "N"} or {@code "batch_size"}). */
    record Symbolic(String name) implements Dim {
        public Symbolic {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a symbolic dimension needs a non-blank name");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A dimension the model leaves unspecified. */
    record Unknown() implements Dim {
        @Override
        public String toString() {
            return "?";
        }
    }

    static Dim of(long size) {
        return new Fixed(size);
    }

    static Dim symbolic(String name) {
        return new Symbolic(name);
    }

    static Dim unknown() {
        return new Unknown();
    }
}
