package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import dev.onnxinspect.trainers.arch.Activation;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LayerSpec;

/** Builds DJL blocks from architecture descriptions (the same descriptions the ONNX exporter reads). */
public final class ModelFactory {
    private ModelFactory() {}

    /**
     * The trainable DJL block of {@code architecture}. Call {@link DjlEnvironment#ensureOffline()} (done by the
     * trainer) before the engine first loads.
     */
    public static NetworkBlock toDjlBlock(Architecture architecture) {
        return new NetworkBlock(architecture);
    }

    static Block layerBlock(LayerSpec spec, int[] inputShape) {
        if (spec instanceof LayerSpec.Dense d) {
            return new DenseBlock(d);
        } else if (spec instanceof LayerSpec.Conv2d c) {
            return Conv2d.builder()
                    .setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .setFilters(c.outChannels())
                    .optStride(new Shape(c.stride(), c.stride()))
                    .optPadding(new Shape(c.padding(), c.padding()))
                    .optBias(true)
                    .build();
        } else if (spec instanceof LayerSpec.BatchNorm b) {
            return BatchNorm.builder()
                    .optAxis(1)
                    .optEpsilon(b.epsilon())
                    .optMomentum(b.momentum())
                    .build();
        } else if (spec instanceof LayerSpec.Nonlinearity n) {
            Activation activation = n.activation();
            return LambdaBlock.singleton(
                    x -> activate(activation, x), n.activation().tag());
        } else if (spec instanceof LayerSpec.MaxPool p) {
            return Pool.maxPool2dBlock(
                    new Shape(p.kernel(), p.kernel()), new Shape(p.stride(), p.stride()), new Shape(0, 0), false);
        } else if (spec instanceof LayerSpec.GlobalAvgPool) {
            return Pool.globalAvgPool2dBlock();
        } else if (spec instanceof LayerSpec.Flatten) {
            return Blocks.batchFlattenBlock();
        } else if (spec instanceof LayerSpec.Dropout d) {
            return Dropout.builder().optRate((float) d.rate()).build();
        } else if (spec instanceof LayerSpec.Residual r) {
            return new ResidualBlock(r, inputShape);
        }
        throw new IllegalStateException("unhandled layer kind " + spec);
    }

    static NDArray activate(Activation activation, NDArray x) {
        return switch (activation) {
            case RELU -> ai.djl.nn.Activation.relu(x);
            case ELU -> ai.djl.nn.Activation.elu(x, Activation.ELU_ALPHA);
            case GELU -> ai.djl.nn.Activation.gelu(x);
            case SIGMOID -> ai.djl.nn.Activation.sigmoid(x);
            case TANH -> ai.djl.nn.Activation.tanh(x);
        };
    }
}
