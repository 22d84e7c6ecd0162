package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A text classifier over token ids with an attention mask, as data: the one description from which the DJL block
 * ({@code TextClassifierBlock}) and the ONNX graph ({@code TextClassifierExporter}) are built.
 *
 * <p>Inputs (per batch): {@value #INPUT_IDS} and {@value #ATTENTION_MASK}, both int64 [N, T] with T chosen per
 * batch; ids lie in [0, vocabSize), the mask is 1 for a token and 0 for padding. The network, with the names of
 * the tensors it produces:
 * <ol>
 *   <li>{@value #EMBEDDING} [N, T, d]: row {@code id} of the embedding table [vocabSize, d] at every position;</li>
 *   <li>the token layers, applied to every position alone: for each width i = 1..D a dense layer
 *       {@code token<i>/linear} and its nonlinearity {@code token<i>/<activation>} (e.g. {@code token1/relu}),
 *       [N, T, h_i];</li>
 *   <li>{@value #POOLED} [N, f] (f = the last token width, or d without token layers), the masked mean of the last
 *       sequence layer s: pooled[n, j] = sum_t s[n, t, j] m[n, t] / max(sum_t m[n, t], 1). For a 0/1 mask this is
 *       the mean over the positions with mask 1; a sample whose mask is all 0 gets pooled = 0 (never 0 / 0). The
 *       values of s at padded positions are whatever the layers compute there (e.g. relu(b) for a token layer);
 *       only the pooling ignores them, so statistics of a sequence layer need the mask too (SPEC preamble,
 *       {@code NeuronView.MASKED_MEAN});</li>
 *   <li>the head, an MLP on the pooled features: {@code dense<i>/linear}, {@code dense<i>/<activation>} for each
 *       hidden width, then the dense layer {@value Architecture#LOGITS} producing K logits.</li>
 * </ol>
 * Parameters: {@code embedding.weight} [vocabSize, d], then {@code <layer>.weight} [out, in] and
 * {@code <layer>.bias} [out] of every dense layer in the order above.
 *
 * <p>Choice: not an {@link Architecture}: those have one float input of a fixed per-sample shape, which the
 * float trainer and exporter rely on; this network has two int64 inputs with a dynamic sequence axis. Its token
 * layers and head are ordinary {@link LayerSpec}s (per position, the token layers read [d] and the head reads [f]).
 *
 * @param vocabSize    V, the number of token ids (id 0 is padding by convention, but it is an ordinary row)
 * @param embeddingDim d
 * @param tokenWidths  the width of each token layer (any depth, possibly none); copied
 * @param hiddenWidths the width of each hidden layer of the head (any depth, possibly none); copied
 * @param activation   the nonlinearity of token and hidden layers
 * @param numClasses   K
 */
public record TextClassifier(
        int vocabSize, int embeddingDim, int[] tokenWidths, int[] hiddenWidths, Activation activation, int numClasses) {
    /** The name of the token id input, int64 [N, T]. */
    public static final String INPUT_IDS = "input_ids";
    /** The name of the attention mask input, int64 [N, T]. */
    public static final String ATTENTION_MASK = "attention_mask";
    /** The name of the embedding output [N, T, d] and the prefix of its table, {@code embedding.weight}. */
    public static final String EMBEDDING = "embedding";
    /** The name of the masked mean of the last sequence layer, [N, f]. */
    public static final String POOLED = "pooled";

    private static final String KIND = "text";

    public TextClassifier {
        if (vocabSize < 1 || embeddingDim < 1) {
            throw new TrainingException(KIND + ": expected a vocabulary size and an embedding dimension >= 1, got "
                    + vocabSize + " and " + embeddingDim);
        }
        if (tokenWidths == null || Arrays.stream(tokenWidths).anyMatch(w -> w <= 0)) {
            throw new TrainingException(KIND + ": token layer widths must be positive (an empty array for none), got "
                    + (tokenWidths == null ? "null" : Shapes.text(tokenWidths)));
        }
        tokenWidths = tokenWidths.clone();
        hiddenWidths = ArchitectureChecks.widths(KIND, hiddenWidths);
        Objects.requireNonNull(activation, "activation");
        ArchitectureChecks.classes(KIND, numClasses);
    }

    /**
     * A ReLU text classifier, e.g. {@code TextClassifier.relu(50, 16, new int[] {32}, new int[] {32}, 3)}: 50 ids,
     * 16-dim embeddings, one token layer of 32, masked mean, one hidden layer of 32, 3 logits.
     */
    public static TextClassifier relu(
            int vocabSize, int embeddingDim, int[] tokenWidths, int[] hiddenWidths, int numClasses) {
        return new TextClassifier(vocabSize, embeddingDim, tokenWidths, hiddenWidths, Activation.RELU, numClasses);
    }

    @Override
    public int[] tokenWidths() {
        return tokenWidths.clone();
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    /** f, the width of the last sequence layer and of {@value #POOLED}. */
    public int featureDim() {
        return tokenWidths.length == 0 ? embeddingDim : tokenWidths[tokenWidths.length - 1];
    }

    /** The token layers, per position (the first reads [d]); empty without token layers. */
    public List<LayerSpec> tokenLayers() {
        List<LayerSpec> layers = new ArrayList<>();
        int in = embeddingDim;
        for (int i = 0; i < tokenWidths.length; i++) {
            String prefix = "token" + (i + 1);
            layers.add(new LayerSpec.Dense(prefix + "/linear", in, tokenWidths[i], WeightConstraint.NONE));
            layers.add(new LayerSpec.Nonlinearity(prefix + "/" + activation.tag(), activation));
            in = tokenWidths[i];
        }
        return List.copyOf(layers);
    }

    /** The head on the pooled features [f]; the last layer is {@value Architecture#LOGITS}. */
    public List<LayerSpec> headLayers() {
        return Mlp.denseStack(new int[] {featureDim()}, hiddenWidths, activation, 0.0, numClasses, false);
    }

    /**
     * The names of the sequence layers [N, T, ·] in order: {@value #EMBEDDING}, then each token layer's dense and
     * nonlinearity outputs.
     */
    public List<String> sequenceLayers() {
        List<String> names = new ArrayList<>();
        names.add(EMBEDDING);
        tokenLayers().forEach(l -> names.add(l.name()));
        return List.copyOf(names);
    }

    /** "text". */
    public String kind() {
        return KIND;
    }

    /** Key/value description, recorded in exported model metadata. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", KIND);
        m.put("vocab_size", Integer.toString(vocabSize));
        m.put("embedding_dim", Integer.toString(embeddingDim));
        m.put("token_widths", Shapes.text(tokenWidths));
        m.put("pooling", "masked_mean");
        m.put("hidden_widths", Shapes.text(hiddenWidths));
        m.put("activation", activation.tag());
        m.put("num_classes", Integer.toString(numClasses));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextClassifier t
                && vocabSize == t.vocabSize
                && embeddingDim == t.embeddingDim
                && Arrays.equals(tokenWidths, t.tokenWidths)
                && Arrays.equals(hiddenWidths, t.hiddenWidths)
                && activation == t.activation
                && numClasses == t.numClasses;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                vocabSize,
                embeddingDim,
                Arrays.hashCode(tokenWidths),
                Arrays.hashCode(hiddenWidths),
                activation,
                numClasses);
    }

    @Override
    public String toString() {
        return "TextClassifier" + describe();
    }
}
