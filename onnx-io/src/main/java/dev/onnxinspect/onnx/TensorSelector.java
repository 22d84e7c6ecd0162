package dev.onnxinspect.onnx;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses intermediate tensors of a model to expose as extra graph outputs ("hooks"); see
 * {@link OnnxModel#instrument(java.util.List)}. An intermediate tensor is an output of a top-level node; graph inputs
 * and initializers are not intermediate tensors.
 *
 * <p>Every selector must match at least one tensor, except {@link #all()}; a selector that matches nothing fails
 * with a {@link GraphQueryException} listing the closest names that exist.
 */
public sealed interface TensorSelector {

    /** Exactly the tensor called {@code name}. */
    static TensorSelector name(String name) {
        return new Name(name);
    }

    /**
     * Tensors whose whole name matches a glob: {@code *} any run of characters (including {@code /}), {@code ?}
     * one character; everything else literal. E.g. {@code "block*\/relu"}.
     */
    static TensorSelector glob(String glob) {
        return new Glob(glob);
    }

    /** Tensors whose whole name matches a Java regular expression ({@link java.util.regex.Matcher#matches()}). */
    static TensorSelector regex(String regex) {
        try {
            return new Regex(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new GraphQueryException("invalid tensor regex '" + regex + "': " + e.getDescription());
        }
    }

    /** Every output of every node with this operator type, e.g. {@code "Relu"} (case-sensitive). */
    static TensorSelector opType(String opType) {
        return new OpType(opType);
    }

    /** Every output of the node called {@code nodeName}. */
    static TensorSelector producedBy(String nodeName) {
        return new ProducedBy(nodeName);
    }

    /** Every intermediate tensor. */
    static TensorSelector all() {
        return new All();
    }

    /** See {@link #name(String)}. */
    record Name(String name) implements TensorSelector {
        public Name {
            Objects.requireNonNull(name, "name");
        }
    }

    /** See {@link #glob(String)}. */
    record Glob(String glob) implements TensorSelector {
        public Glob {
            Objects.requireNonNull(glob, "glob");
        }

        Pattern pattern() {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }

    /** See {@link #regex(String)}. */
    record Regex(Pattern pattern) implements TensorSelector {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    /** See {@link #opType(String)}. */
    record OpType(String opType) implements TensorSelector {
        public OpType {
            Objects.requireNonNull(opType, "opType");
        }
    }

    /** See {@link #producedBy(String)}. */
    record ProducedBy(String nodeName) implements TensorSelector {
        public ProducedBy {
            Objects.requireNonNull(nodeName, "nodeName");
        }
    }

    /** See {@link #all()}. */
    record All() implements TensorSelector {}
}
