package dev.onnxinspect.report;

import java.util.List;

/**
 * The confusion matrix of a labelled dataset: {@code counts[t][p]} samples of true class t predicted as p. Deeply
 * immutable.
 *
 * @param dataset the dataset
 * @param classes the class labels (rows and columns)
 * @param counts  K x K counts
 */
public record ConfusionTable(String dataset, List<String> classes, long[][] counts) {
    public ConfusionTable {
        Require.text(dataset, "ConfusionTable.dataset");
        classes = Require.labels(classes, "ConfusionTable.classes");
        if (counts.length != classes.size()) {
            throw new ReportException("ConfusionTable of " + dataset + " needs one row per class (" + classes.size()
                    + "), got " + counts.length);
        }
        long[][] copy = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            if (counts[t].length != classes.size()) {
                throw new ReportException("ConfusionTable of " + dataset + ": row " + t + " has " + counts[t].length
                        + " columns, expected " + classes.size());
            }
            copy[t] = counts[t].clone();
        }
        counts = copy;
    }

    @Override
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    long count(int t, int p) {
        return counts[t][p];
    }

    long rowSum(int t) {
        long sum = 0;
        for (long c : counts[t]) {
            sum += c;
        }
        return sum;
    }

    /** The share of row t in column p (0 for an empty row): the colour of a cell. */
    double rowShare(int t, int p) {
        long sum = rowSum(t);
        return sum == 0 ? 0 : (double) counts[t][p] / sum;
    }
}
