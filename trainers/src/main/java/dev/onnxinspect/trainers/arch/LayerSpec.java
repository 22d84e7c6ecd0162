package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;
import java.util.List;
import java.util.Objects;

/**
 * One layer of an architecture, as data. Both the DJL block ({@code ModelFactory}) and the ONNX graph
 * ({@code OnnxExporter}) are built from the same list of specs, so the two cannot drift apart. The {@link #name()}
 * of a spec is the name of the tensor it produces in the exported graph (e.g. {@code dense1/relu}) and the prefix
 * of its parameters (e.g. {@code dense1/linear.weight}).
 *
 * <p>Shapes are per sample (no batch axis): a dense layer reads {@code [in]}, a convolution {@code [C, H, W]}.
 */
public sealed interface LayerSpec {

    /** The output tensor name, unique within an architecture. */
    String name();

    /** What an output of this kind of layer is, for choosing which tensors to expose. */
    Role role();

    /** What the output of a layer is. */
    enum Role {
        /** The output of a nonlinearity or of a residual block: a hidden layer's activations. */
        ACTIVATION,
        /** The affine output before a nonlinearity (dense, convolution, batch norm). */
        PRE_ACTIVATION,
        /** Reshaping, pooling and dropout: not exposed. */
        STRUCTURAL
    }

    /** z = W' x + b with W (out x in) and W' = constraint(W). */
    record Dense(String name, int inFeatures, int outFeatures, WeightConstraint constraint) implements LayerSpec {
        public Dense {
            requireName(name);
            requirePositive(name, "inFeatures", inFeatures);
            requirePositive(name, "outFeatures", outFeatures);
            Objects.requireNonNull(constraint, "constraint");
        }

        @Override
        public Role role() {
            return Role.PRE_ACTIVATION;
        }
    }

    /** 2-D convolution with a square kernel, weights [out, in, k, k] and a bias, symmetric zero padding. */
    record Conv2d(String name, int inChannels, int outChannels, int kernel, int stride, int padding)
            implements LayerSpec {
        public Conv2d {
            requireName(name);
            requirePositive(name, "inChannels", inChannels);
            requirePositive(name, "outChannels", outChannels);
            requirePositive(name, "kernel", kernel);
            requirePositive(name, "stride", stride);
            if (padding < 0) {
                throw new TrainingException("layer " + name + ": padding must be >= 0, got " + padding);
            }
        }

        @Override
        public Role role() {
            return Role.PRE_ACTIVATION;
        }
    }

    /**
     * Batch normalisation over axis 1 (channels). Training uses batch statistics and updates the running ones as
     * running = momentum * running + (1 - momentum) * batch; inference (and the ONNX graph) uses the running ones.
     */
    record BatchNorm(String name, int channels, float epsilon, float momentum) implements LayerSpec {
        /** DJL's and PyTorch's default epsilon. */
        public static final float DEFAULT_EPSILON = 1e-5f;
        /** DJL's default momentum (PyTorch's 0.1 in its own convention). */
        public static final float DEFAULT_MOMENTUM = 0.9f;

        public BatchNorm {
            requireName(name);
            requirePositive(name, "channels", channels);
            if (!(epsilon > 0f) || !(momentum >= 0f && momentum < 1f)) {
                throw new TrainingException("layer " + name + ": expected epsilon > 0 and momentum in [0, 1), got "
                        + epsilon + " and " + momentum);
            }
        }

        @Override
        public Role role() {
            return Role.PRE_ACTIVATION;
        }
    }

    /** An element-wise nonlinearity. */
    record Nonlinearity(String name, Activation activation) implements LayerSpec {
        public Nonlinearity {
            requireName(name);
            Objects.requireNonNull(activation, "activation");
        }

        @Override
        public Role role() {
            return Role.ACTIVATION;
        }
    }

    /** Max pooling with a square window, no padding (floor mode). */
    record MaxPool(String name, int kernel, int stride) implements LayerSpec {
        public MaxPool {
            requireName(name);
            requirePositive(name, "kernel", kernel);
            requirePositive(name, "stride", stride);
        }

        @Override
        public Role role() {
            return Role.STRUCTURAL;
        }
    }

    /** Mean over the spatial axes: [C, H, W] -> [C]. */
    record GlobalAvgPool(String name) implements LayerSpec {
        public GlobalAvgPool {
            requireName(name);
        }

        @Override
        public Role role() {
            return Role.STRUCTURAL;
        }
    }

    /** Flattens everything after the batch axis. */
    record Flatten(String name) implements LayerSpec {
        public Flatten {
            requireName(name);
        }

        @Override
        public Role role() {
            return Role.STRUCTURAL;
        }
    }

    /** Inverted dropout while training; the identity at inference and in the exported graph. */
    record Dropout(String name, double rate) implements LayerSpec {
        public Dropout {
            requireName(name);
            if (!(rate >= 0.0 && rate < 1.0)) {
                throw new TrainingException("layer " + name + ": dropout rate must be in [0, 1), got " + rate);
            }
        }

        @Override
        public Role role() {
            return Role.STRUCTURAL;
        }
    }

    /**
     * A residual block: activation(body(x) + shortcut(x)), where an empty shortcut is the identity. Only the
     * block's output is exposed; the layers inside keep their own names for parameters.
     */
    record Residual(String name, List<LayerSpec> body, List<LayerSpec> shortcut, Activation activation)
            implements LayerSpec {
        public Residual {
            requireName(name);
            body = List.copyOf(body);
            shortcut = List.copyOf(shortcut);
            Objects.requireNonNull(activation, "activation");
            if (body.isEmpty()) {
                throw new TrainingException("residual block " + name + ": the body must have at least one layer");
            }
        }

        @Override
        public Role role() {
            return Role.ACTIVATION;
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new TrainingException("every layer needs a non-blank name, got '" + name + "'");
        }
    }

    private static void requirePositive(String layer, String what, int value) {
        if (value <= 0) {
            throw new TrainingException("layer " + layer + ": " + what + " must be positive, got " + value);
        }
    }
}
