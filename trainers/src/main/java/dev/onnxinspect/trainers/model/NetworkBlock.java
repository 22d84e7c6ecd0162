package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.onnxinspect.trainers.arch.Architecture;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DJL block of an {@link Architecture}: input [N, ...inputShape] to logits [N, K]. Made by
 * {@link ModelFactory#toDjlBlock(Architecture)}; it owns no native memory until a DJL model or trainer initialises
 * its parameters, and those are owned (and closed) by that model. Not thread-safe.
 */
public final class NetworkBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final SpecSequence layers;

    NetworkBlock(Architecture architecture) {
        super(VERSION);
        this.architecture = architecture;
        this.layers = addChildBlock("layers", new SpecSequence(architecture.layers(), architecture.inputShape()));
    }

    /** The architecture this block was built from. */
    public Architecture architecture() {
        return architecture;
    }

    SpecSequence layers() {
        return layers;
    }

    /** The DJL input shape for a batch of {@code batchSize} samples. */
    public Shape inputShape(long batchSize) {
        return SpecSequence.batched(batchSize, architecture.inputShape());
    }

    /**
     * Runs the network and returns every top-level layer's output by layer name (the last is
     * {@value Architecture#LOGITS}); the arrays belong to the manager of {@code input}, which the caller closes.
     *
     * @param training true for training behaviour (dropout active, batch norm on batch statistics)
     */
    public Map<String, NDArray> forwardAll(ParameterStore store, NDArray input, boolean training) {
        Map<String, NDArray> outputs = new LinkedHashMap<>();
        layers.forwardAll(store, input, training, outputs);
        return outputs;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return layers.forward(store, inputs, training, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        layers.initialize(manager, dataType, shapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
        return layers.getOutputShapes(shapes);
    }
}
