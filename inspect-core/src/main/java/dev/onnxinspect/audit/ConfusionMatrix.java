package dev.onnxinspect.audit;

import dev.onnxinspect.OnnxInspectException;
import java.util.Arrays;

/**
 * The model's predictions against the true labels of one labelled dataset (the breakdown of the SPEC §6
 * classification accuracy): {@code counts[t][p]} samples of true class t predicted as class p (argmax of the logits,
 * ties to the lowest index). Deeply immutable: the counts are copied in and out.
 *
 * @param dataset    the dataset's name
 * @param numClasses K, the rows and columns
 * @param counts     K x K sample counts, rows = true classes, columns = predicted classes
 */
public record ConfusionMatrix(String dataset, int numClasses, long[][] counts) {
    public ConfusionMatrix {
        if (dataset == null) {
            throw new IllegalArgumentException("a confusion matrix needs its dataset's name");
        }
        if (numClasses < 1 || counts.length != numClasses) {
            throw new IllegalArgumentException(
                    "a confusion matrix of " + numClasses + " classes needs as many rows, got " + counts.length);
        }
        long[][] copy = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            if (counts[t].length != numClasses) {
                throw new IllegalArgumentException("row " + t + " of the confusion matrix of " + dataset + " has "
                        + counts[t].length + " columns, expected " + numClasses);
            }
            for (long c : counts[t]) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative count " + c + " in row " + t + " of " + dataset);
                }
            }
            copy[t] = counts[t].clone();
        }
        counts = copy;
    }

    /**
     * Counts the (label, prediction) pairs of a labelled dataset's samples.
     *
     * @throws OnnxInspectException when the dataset has no labels, or a label or prediction lies outside [0, K)
     */
    public static ConfusionMatrix of(DatasetScores scores, int numClasses) {
        if (!scores.labelled()) {
            throw new OnnxInspectException("dataset " + scores.dataset()
                    + " has no labels: a confusion matrix needs the true classes; give the dataset labels");
        }
        long[][] counts = new long[numClasses][numClasses];
        for (int i = 0; i < scores.size(); i++) {
            int label = scores.label(i);
            int predicted = scores.prediction(i);
            if (label < 0 || label >= numClasses || predicted < 0 || predicted >= numClasses) {
                throw new OnnxInspectException("sample " + i + " of " + scores.dataset() + " has label " + label
                        + " and prediction " + predicted + ", outside the model's " + numClasses
                        + " classes; give labels in [0, " + numClasses + ")");
            }
            counts[label][predicted]++;
        }
        return new ConfusionMatrix(scores.dataset(), numClasses, counts);
    }

    /** The rows, copied. */
    @Override
    public long[][] counts() {
        long[][] copy = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    /** Samples of true class {@code trueClass} predicted as {@code predicted}. */
    public long count(int trueClass, int predicted) {
        return counts[trueClass][predicted];
    }

    /** Samples of true class {@code trueClass} (N_c, the row sum). */
    public long classSize(int trueClass) {
        return Arrays.stream(counts[trueClass]).sum();
    }

    /** All samples. */
    public long total() {
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
    }

    /** The fraction of all samples on the diagonal; NaN for no samples. */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += counts[c][c];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** The per-class accuracy (recall) of class c: its diagonal count over its row sum; NaN for an empty class. */
    public double classAccuracy(int trueClass) {
        long size = classSize(trueClass);
        return size == 0 ? Double.NaN : (double) counts[trueClass][trueClass] / size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m
                && dataset.equals(m.dataset)
                && numClasses == m.numClasses
                && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[" + dataset + ", " + numClasses + " classes, " + total() + " samples]";
    }
}
