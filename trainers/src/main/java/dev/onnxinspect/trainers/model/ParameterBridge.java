package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Copies parameters between an initialised {@link NetworkBlock} (or {@link TextClassifierBlock}) and
 * {@link ModelParameters}. Tensor names are {@code <layer>.<kind>} with kind weight, bias (dense, convolution),
 * gamma, beta, running_mean, running_var (batch norm), in layer order (a residual block: its body, then its
 * shortcut; a text classifier: {@code embedding.weight}, the token layers, the head).
 */
public final class ParameterBridge {
    private ParameterBridge() {}

    /** A snapshot of the block's current parameters (copied out of native memory). */
    public static ModelParameters read(NetworkBlock network) {
        return read(visitor -> visit(network.layers(), visitor));
    }

    /**
     * A snapshot of the text block's current parameters: {@code embedding.weight}, then the token layers' and the
     * head's as for a {@link NetworkBlock}.
     */
    public static ModelParameters read(TextClassifierBlock network) {
        return read(visitor -> visit(network, visitor));
    }

    /** Overwrites the block's parameters with {@code parameters}; names and shapes must match exactly. */
    public static void write(NetworkBlock network, ModelParameters parameters) {
        write(visitor -> visit(network.layers(), visitor), parameters);
    }

    /** Overwrites the text block's parameters with {@code parameters}; names and shapes must match exactly. */
    public static void write(TextClassifierBlock network, ModelParameters parameters) {
        write(visitor -> visit(network, visitor), parameters);
    }

    private static ModelParameters read(Consumer<Visitor> walk) {
        List<ParameterTensor> out = new ArrayList<>();
        walk.accept((name, parameter, trainable) -> {
            NDArray array = parameter.getArray();
            int[] shape = Arrays.stream(array.getShape().getShape())
                    .mapToInt(Math::toIntExact)
                    .toArray();
            out.add(new ParameterTensor(name, shape, array.toFloatArray(), trainable));
        });
        return new ModelParameters(out);
    }

    private static void write(Consumer<Visitor> walk, ModelParameters parameters) {
        List<String> seen = new ArrayList<>();
        walk.accept((name, parameter, trainable) -> {
            ParameterTensor tensor = parameters.get(name);
            NDArray array = parameter.getArray();
            int[] shape = Arrays.stream(array.getShape().getShape())
                    .mapToInt(Math::toIntExact)
                    .toArray();
            if (!Arrays.equals(shape, tensor.shape())) {
                throw new TrainingException("parameter " + name + ": the network expects shape " + Shapes.text(shape)
                        + " but the given tensor has " + Shapes.text(tensor.shape()));
            }
            array.set(FloatBuffer.wrap(tensor.values()));
            seen.add(name);
        });
        if (seen.size() != parameters.tensors().size()) {
            throw new TrainingException("expected exactly the network's " + seen.size() + " parameters " + seen
                    + ", got " + parameters.tensors().size());
        }
    }

    private interface Visitor {
        void accept(String name, Parameter parameter, boolean trainable);
    }

    private static void visit(TextClassifierBlock network, Visitor visitor) {
        visitor.accept(TextClassifier.EMBEDDING + ".weight", network.embedding(), true);
        visit(network.tokens(), visitor);
        visit(network.head(), visitor);
    }

    private static void visit(SpecSequence sequence, Visitor visitor) {
        List<LayerSpec> specs = sequence.specs();
        List<Block> blocks = sequence.blocks();
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec spec = specs.get(i);
            Block block = blocks.get(i);
            String n = spec.name();
            if (spec instanceof LayerSpec.Dense) {
                DenseBlock dense = (DenseBlock) block;
                visitor.accept(n + ".weight", dense.weight(), true);
                visitor.accept(n + ".bias", dense.bias(), true);
            } else if (spec instanceof LayerSpec.Conv2d) {
                visitor.accept(n + ".weight", block.getDirectParameters().get("weight"), true);
                visitor.accept(n + ".bias", block.getDirectParameters().get("bias"), true);
            } else if (spec instanceof LayerSpec.BatchNorm) {
                visitor.accept(n + ".gamma", block.getDirectParameters().get("gamma"), true);
                visitor.accept(n + ".beta", block.getDirectParameters().get("beta"), true);
                visitor.accept(n + ".running_mean", block.getDirectParameters().get("runningMean"), false);
                visitor.accept(n + ".running_var", block.getDirectParameters().get("runningVar"), false);
            } else if (spec instanceof LayerSpec.Residual) {
                ResidualBlock residual = (ResidualBlock) block;
                visit(residual.body(), visitor);
                visit(residual.shortcut(), visitor);
            }
        }
    }
}
