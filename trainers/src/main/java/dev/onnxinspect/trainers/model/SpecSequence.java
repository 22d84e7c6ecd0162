package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.onnxinspect.trainers.arch.LayerSpec;
import dev.onnxinspect.trainers.arch.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A DJL block running the blocks of a list of layer specs in order; the empty sequence is the identity. */
final class SpecSequence extends AbstractBlock {
    private static final byte VERSION = 1;

    private final List<LayerSpec> specs;
    private final List<Block> blocks = new ArrayList<>();
    private final List<int[]> specInputShapes = new ArrayList<>();
    private final int[] outputShape;

    SpecSequence(List<LayerSpec> specs, int[] inputShape) {
        super(VERSION);
        this.specs = List.copyOf(specs);
        int[] shape = inputShape.clone();
        for (LayerSpec spec : this.specs) {
            specInputShapes.add(shape);
            Block block = ModelFactory.layerBlock(spec, shape);
            blocks.add(addChildBlock(spec.name().replace('/', '_'), block));
            shape = Shapes.outputShape(spec, shape);
        }
        this.outputShape = shape;
    }

    List<LayerSpec> specs() {
        return specs;
    }

    List<Block> blocks() {
        return List.copyOf(blocks);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList current = inputs;
        for (Block block : blocks) {
            current = block.forward(store, current, training, params);
        }
        return current;
    }

    /** Runs the layers in order and puts every layer's output into {@code outputs} under the layer name. */
    NDArray forwardAll(ParameterStore store, NDArray input, boolean training, Map<String, NDArray> outputs) {
        NDList current = new NDList(input);
        for (int i = 0; i < blocks.size(); i++) {
            current = blocks.get(i).forward(store, current, training, null);
            outputs.put(specs.get(i).name(), current.singletonOrThrow());
        }
        return current.singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long batch = shapes[0].get(0);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).initialize(manager, dataType, batched(batch, specInputShapes.get(i)));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
        return new Shape[] {batched(shapes[0].get(0), outputShape)};
    }

    static Shape batched(long batch, int[] perSample) {
        long[] dims = new long[perSample.length + 1];
        dims[0] = batch;
        for (int i = 0; i < perSample.length; i++) {
            dims[i + 1] = perSample[i];
        }
        return new Shape(dims);
    }
}
