package dev.onnxinspect.report;

import java.util.List;

/**
 * The frequency histogram of one layer and significance (SPEC §2): for each class, the number of neurons whose
 * class-wise activation frequency falls in each of B equal bins over [0, 1] (bin b holds [b/B, (b+1)/B), the last
 * bin includes 1). Deeply immutable: the counts are copied in and out.
 *
 * @param layer        layer name
 * @param significance S1 or S2
 * @param dataset      the dataset the frequencies were counted on
 * @param classes      class labels, one per row of {@code neurons} (classes without samples are left out)
 * @param neurons      {@code neurons[class][bin]}: count of neurons, >= 0; every row has the same B >= 1 entries
 */
public record FrequencyHistogram(
        String layer, Significance significance, String dataset, List<String> classes, int[][] neurons) {

    public FrequencyHistogram {
        Require.text(layer, "FrequencyHistogram.layer");
        if (significance == null) {
            throw new ReportException(
                    "FrequencyHistogram.significance of layer '" + layer + "' must be S1 or S2, got null");
        }
        Require.text(dataset, "FrequencyHistogram.dataset");
        classes = Require.labels(classes, "FrequencyHistogram.classes of layer '" + layer + "'");
        neurons = copy(neurons, classes.size(), layer);
    }

    /** The number of bins B. */
    public int bins() {
        return neurons[0].length;
    }

    /** Neurons of class row {@code classIndex} in bin {@code bin}. */
    public int count(int classIndex, int bin) {
        return neurons[classIndex][bin];
    }

    /** Neurons in bin {@code bin}, summed over all classes. */
    public long total(int bin) {
        long sum = 0;
        for (int[] row : neurons) {
            sum += row[bin];
        }
        return sum;
    }

    @Override
    public int[][] neurons() {
        return copy(neurons, neurons.length, layer);
    }

    private static int[][] copy(int[][] counts, int rows, String layer) {
        String what = "FrequencyHistogram.neurons of layer '" + layer + "'";
        if (counts == null || counts.length != rows) {
            throw new ReportException(what + " must have one row per class (" + rows + "), got "
                    + (counts == null ? "null" : counts.length));
        }
        int bins = counts[0] == null ? 0 : counts[0].length;
        if (bins == 0) {
            throw new ReportException(what + " must have at least one bin");
        }
        int[][] copy = new int[rows][];
        for (int r = 0; r < rows; r++) {
            if (counts[r] == null || counts[r].length != bins) {
                throw new ReportException(what + " rows must all have " + bins + " bins; row " + r + " has "
                        + (counts[r] == null ? "none" : counts[r].length));
            }
            for (int b = 0; b < bins; b++) {
                if (counts[r][b] < 0) {
                    throw new ReportException(
                            what + "[" + r + "][" + b + "] is a count and must be >= 0, got " + counts[r][b]);
                }
            }
            copy[r] = counts[r].clone();
        }
        return copy;
    }
}
