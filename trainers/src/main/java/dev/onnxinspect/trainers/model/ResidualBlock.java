package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.Shapes;

/** The DJL block of a {@link LayerSpec.Residual}: activation(body(x) + shortcut(x)). */
final class ResidualBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final LayerSpec.Residual spec;
    private final SpecSequence body;
    private final SpecSequence shortcut;
    private final int[] outputShape;

    ResidualBlock(LayerSpec.Residual spec, int[] inputShape) {
        super(VERSION);
        this.spec = spec;
        this.body = addChildBlock("body", new SpecSequence(spec.body(), inputShape));
        this.shortcut = addChildBlock("shortcut", new SpecSequence(spec.shortcut(), inputShape));
        this.outputShape = Shapes.outputShape(spec, inputShape);
    }

    SpecSequence body() {
        return body;
    }

    SpecSequence shortcut() {
        return shortcut;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray main = body.forward(store, inputs, training, params).singletonOrThrow();
        NDArray skip = shortcut.forward(store, inputs, training, params).singletonOrThrow();
        return new NDList(ModelFactory.activate(spec.activation(), main.add(skip)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        body.initialize(manager, dataType, shapes);
        shortcut.initialize(manager, dataType, shapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
        return new Shape[] {SpecSequence.batched(shapes[0].get(0), outputShape)};
    }
}
