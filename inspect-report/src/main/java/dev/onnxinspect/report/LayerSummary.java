package dev.onnxinspect.report;

/**
 * One row of the layer summary (SPEC §2 active fraction, SPEC §7 perplexity) for one layer, dataset and class.
 * Sparsity is one minus the active fraction.
 *
 * @param layer              layer name
 * @param dataset            dataset name
 * @param className          class label
 * @param samples            N_c >= 1
 * @param activeFractionS1   mean fraction of S1-significant neurons, in [0, 1]
 * @param activeFractionS2   mean fraction of S2-significant neurons, in [0, 1]
 * @param distinctPatterns   number of distinct S1 patterns, in [1, samples]
 * @param entropy            H in nats, in [0, ln samples]
 * @param perplexity         e^H, in [1, samples]
 */
public record LayerSummary(
        String layer,
        String dataset,
        String className,
        long samples,
        double activeFractionS1,
        double activeFractionS2,
        long distinctPatterns,
        double entropy,
        double perplexity) {

    public LayerSummary {
        Require.text(layer, "LayerSummary.layer");
        Require.text(dataset, "LayerSummary.dataset");
        Require.text(className, "LayerSummary.className");
        String where = " of layer '" + layer + "', class '" + className + "'";
        if (samples < 1) {
            throw new ReportException("LayerSummary.samples" + where
                    + " must be >= 1 (classes without samples have no row), got " + samples);
        }
        Require.between(activeFractionS1, 0, 1, "LayerSummary.activeFractionS1" + where);
        Require.between(activeFractionS2, 0, 1, "LayerSummary.activeFractionS2" + where);
        if (distinctPatterns < 1 || distinctPatterns > samples) {
            throw new ReportException("LayerSummary.distinctPatterns" + where + " must lie in [1, " + samples
                    + "], got " + distinctPatterns);
        }
        Require.finite(entropy, "LayerSummary.entropy" + where);
        Require.between(perplexity, 1 - 1e-9, samples * (1 + 1e-9), "LayerSummary.perplexity" + where);
    }
}
