package dev.onnxinspect.report;

import java.util.List;

/**
 * SPEC §3 for one dense layer and dataset: per class, the fraction of (sample, interaction) pairs that are
 * significant, and the class-wise frequencies G[c, i, j] of the interactions that differ most between classes.
 * Deeply immutable.
 *
 * @param layer              the dense layer (its output tensor)
 * @param dataset            the dataset
 * @param outFeatures        n_out
 * @param inFeatures         n_in
 * @param classes            the class labels (rows)
 * @param significantFraction per class, the significant (sample, interaction) pairs over N_c x n_out x n_in
 * @param interactions       labels of the drawn interactions ("i \u2190 j": output neuron i, input neuron j)
 * @param frequencies        {@code frequencies[class][k]}: G of interaction k for the class, in [0, 1]
 */
public record InteractionSummary(
        String layer,
        String dataset,
        int outFeatures,
        int inFeatures,
        List<String> classes,
        double[] significantFraction,
        List<String> interactions,
        double[][] frequencies) {
    public InteractionSummary {
        Require.text(layer, "InteractionSummary.layer");
        Require.text(dataset, "InteractionSummary.dataset");
        classes = Require.labels(classes, "InteractionSummary.classes");
        interactions = Require.labels(interactions, "InteractionSummary.interactions");
        if (significantFraction.length != classes.size()) {
            throw new ReportException("InteractionSummary.significantFraction of layer '" + layer + "' needs one value"
                    + " per class (" + classes.size() + "), got " + significantFraction.length);
        }
        significantFraction = significantFraction.clone();
        for (double f : significantFraction) {
            Require.between(f, 0, 1, "InteractionSummary.significantFraction");
        }
        frequencies = Require.matrix(frequencies, classes.size(), 0, 1, "InteractionSummary.frequencies");
        if (frequencies[0].length != interactions.size()) {
            throw new ReportException("InteractionSummary.frequencies of layer '" + layer + "' needs one column per"
                    + " interaction (" + interactions.size() + "), got " + frequencies[0].length);
        }
    }

    @Override
    public double[] significantFraction() {
        return significantFraction.clone();
    }

    @Override
    public double[][] frequencies() {
        return Require.deepCopy(frequencies);
    }

    double frequency(int row, int column) {
        return frequencies[row][column];
    }
}
