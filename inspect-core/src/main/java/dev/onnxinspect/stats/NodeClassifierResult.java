package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Objects;

/**
 * The accuracy of one layer's nodes as classifiers on an evaluation set (SPEC §8).
 *
 * @param layer          the layer name
 * @param mode           how the KDEs were evaluated
 * @param samples        the number of valid evaluation samples
 * @param invalidSamples samples left out because a unit was NaN or infinite
 * @param emptyMaskSamples samples left out because their attention mask had no 1 (MASKED_MEAN only)
 * @param layerCorrect   samples whose layer prediction equals their class
 * @param nodeCorrect    per node, samples whose node prediction equals their class; copied
 */
public record NodeClassifierResult(
        String layer,
        KdeMode mode,
        long samples,
        long invalidSamples,
        long emptyMaskSamples,
        long layerCorrect,
        long[] nodeCorrect)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public NodeClassifierResult {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(mode, "mode");
        nodeCorrect = nodeCorrect.clone();
    }

    @Override
    public long[] nodeCorrect() {
        return nodeCorrect.clone();
    }

    /**
     * The layer's accuracy: layerCorrect / samples.
     *
     * @throws StatsException when no sample was evaluated
     */
    public double layerAccuracy() {
        requireSamples();
        return layerCorrect / (double) samples;
    }

    /**
     * The accuracy of node j on its own.
     *
     * @throws StatsException when no sample was evaluated
     */
    public double nodeAccuracy(int node) {
        requireSamples();
        return nodeCorrect[node] / (double) samples;
    }

    /** Every node's accuracy. */
    public double[] nodeAccuracies() {
        requireSamples();
        double[] accuracies = new double[nodeCorrect.length];
        for (int j = 0; j < accuracies.length; j++) {
            accuracies[j] = nodeCorrect[j] / (double) samples;
        }
        return accuracies;
    }

    private void requireSamples() {
        if (samples == 0) {
            throw new StatsException("the node classifiers of layer " + layer + " evaluated no valid sample"
                    + (invalidSamples > 0 ? " (" + invalidSamples + " had NaN or infinite values)" : "")
                    + (emptyMaskSamples > 0 ? " (" + emptyMaskSamples + " had an attention mask without a 1)" : "")
                    + ", so no accuracy is defined; accept an evaluation set first");
        }
    }
}
