package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.WeightConstraint;

/**
 * The DJL block of a {@link LayerSpec.Dense}: z = x W'^T + b with the raw weight W of shape [out, in] and
 * W' = constraint(W) computed in the graph, so gradients flow through the constraint (SPEC §11 IOC). The
 * parameters start at zero; {@link ParameterBridge} writes the seeded initial values.
 */
final class DenseBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final LayerSpec.Dense spec;
    private final Parameter weight;
    private final Parameter bias;

    DenseBlock(LayerSpec.Dense spec) {
        super(VERSION);
        this.spec = spec;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(spec.outFeatures(), spec.inFeatures()))
                .optInitializer(Initializer.ZEROS)
                .build());
        this.bias = addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(spec.outFeatures()))
                .optInitializer(Initializer.ZEROS)
                .build());
    }

    Parameter weight() {
        return weight;
    }

    Parameter bias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = store.getValue(weight, x.getDevice(), training);
        NDArray b = store.getValue(bias, x.getDevice(), training);
        if (spec.constraint() == WeightConstraint.IOC_EXP_NEGATIVE) {
            w = NDArrays.where(w.lt(0f), w.sub(WeightConstraint.IOC_OFFSET).exp(), w);
        }
        return Linear.linear(x, w, b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), spec.outFeatures())};
    }
}
