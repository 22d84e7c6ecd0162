package dev.onnxinspect.report;

import java.util.List;

/**
 * The class x neuron activation frequencies F_l[c, j] of one layer (SPEC §2), drawn as a heatmap. Deeply
 * immutable: the matrix is copied in and out.
 *
 * @param layer        layer name
 * @param significance S1 or S2
 * @param dataset      the dataset the frequencies were counted on
 * @param classes      class labels, one per row
 * @param frequency    {@code frequency[class][neuron]} in [0, 1], rectangular with at least one neuron
 */
public record FrequencyMatrix(
        String layer, Significance significance, String dataset, List<String> classes, double[][] frequency) {

    public FrequencyMatrix {
        Require.text(layer, "FrequencyMatrix.layer");
        if (significance == null) {
            throw new ReportException(
                    "FrequencyMatrix.significance of layer '" + layer + "' must be S1 or S2, got null");
        }
        Require.text(dataset, "FrequencyMatrix.dataset");
        classes = Require.labels(classes, "FrequencyMatrix.classes of layer '" + layer + "'");
        frequency =
                Require.matrix(frequency, classes.size(), 0, 1, "FrequencyMatrix.frequency of layer '" + layer + "'");
    }

    public int neurons() {
        return frequency[0].length;
    }

    public double value(int classIndex, int neuron) {
        return frequency[classIndex][neuron];
    }

    @Override
    public double[][] frequency() {
        return Require.deepCopy(frequency);
    }
}
