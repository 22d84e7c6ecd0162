package dev.onnxinspect.trainers.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DJL block of a {@link TextClassifier}: inputs (token ids, attention mask), both int64 [N, T], to logits
 * [N, K]. Made by {@link #of(TextClassifier)}; it owns no native memory until a DJL model or trainer initialises
 * its parameters (with input shapes {@link #inputShapes(long, long)}), and those are owned (and closed) by that
 * model. The parameters start at zero; {@link ParameterBridge} writes the seeded initial values. Not thread-safe.
 */
public final class TextClassifierBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final TextClassifier architecture;
    private final Parameter embedding;
    private final SpecSequence tokens;
    private final SpecSequence head;

    private TextClassifierBlock(TextClassifier architecture) {
        super(VERSION);
        this.architecture = architecture;
        this.embedding = addParameter(Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(architecture.vocabSize(), architecture.embeddingDim()))
                .optInitializer(Initializer.ZEROS)
                .build());
        this.tokens = addChildBlock(
                "tokens", new SpecSequence(architecture.tokenLayers(), new int[] {architecture.embeddingDim()}));
        this.head = addChildBlock(
                "head", new SpecSequence(architecture.headLayers(), new int[] {architecture.featureDim()}));
    }

    /**
     * The trainable block of {@code architecture}. Call {@link DjlEnvironment#ensureOffline()} (done by the trainer)
     * before the engine first loads.
     */
    public static TextClassifierBlock of(TextClassifier architecture) {
        return new TextClassifierBlock(architecture);
    }

    /** The architecture this block was built from. */
    public TextClassifier architecture() {
        return architecture;
    }

    Parameter embedding() {
        return embedding;
    }

    SpecSequence tokens() {
        return tokens;
    }

    SpecSequence head() {
        return head;
    }

    /** The DJL input shapes (ids, mask) for a batch of {@code batchSize} sequences of {@code length} tokens. */
    public Shape[] inputShapes(long batchSize, long length) {
        return new Shape[] {new Shape(batchSize, length), new Shape(batchSize, length)};
    }

    /**
     * Runs the network and returns every output by tensor name, in order: {@value TextClassifier#EMBEDDING}, the
     * token layers, {@value TextClassifier#POOLED}, the head layers (the last is the logits). The arrays belong to
     * the manager of {@code ids}, which the caller closes.
     *
     * @param ids      int64 [N, T] token ids in [0, vocabSize)
     * @param mask     int64 [N, T], 1 for a token, 0 for padding
     * @param training true for training behaviour (no layer of this network behaves differently)
     */
    public Map<String, NDArray> forwardAll(ParameterStore store, NDArray ids, NDArray mask, boolean training) {
        Map<String, NDArray> outputs = new LinkedHashMap<>();
        run(store, ids, mask, training, outputs);
        return outputs;
    }

    /**
     * The masked mean over axis 1 of a sequence layer [N, T, f] with a mask [N, T] (any numeric type):
     * sum_t s[n, t, j] m[n, t] / max(sum_t m[n, t], 1), in float32, [N, f]. A sample whose mask sums to 0 gets 0.
     */
    static NDArray maskedMean(NDArray sequence, NDArray mask) {
        NDArray m = mask.toType(DataType.FLOAT32, false);
        NDArray sum = sequence.mul(m.expandDims(2)).sum(new int[] {1});
        NDArray count = m.sum(new int[] {1}, true).maximum(1f);
        return sum.div(count);
    }

    private NDArray run(
            ParameterStore store, NDArray ids, NDArray mask, boolean training, Map<String, NDArray> outputs) {
        if (ids.getShape().dimension() != 2 || !ids.getShape().equals(mask.getShape())) {
            throw new TrainingException("expected token ids and a mask of the same shape [N, T], got " + ids.getShape()
                    + " and " + mask.getShape());
        }
        NDArray table = store.getValue(embedding, ids.getDevice(), training);
        NDArray embedded = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        outputs.put(TextClassifier.EMBEDDING, embedded);
        NDArray sequence = tokens.forwardAll(store, embedded, training, outputs);
        NDArray pooled = maskedMean(sequence, mask);
        outputs.put(TextClassifier.POOLED, pooled);
        return head.forwardAll(store, pooled, training, outputs);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new TrainingException(
                    "the text classifier expects 2 inputs (token ids, attention mask), got " + inputs.size());
        }
        return new NDList(run(store, inputs.get(0), inputs.get(1), training, new LinkedHashMap<>()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long batch = shapes[0].get(0);
        tokens.initialize(manager, dataType, new Shape(batch, architecture.embeddingDim()));
        head.initialize(manager, dataType, new Shape(batch, architecture.featureDim()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
        return new Shape[] {new Shape(shapes[0].get(0), architecture.numClasses())};
    }
}
