package dev.onnxinspect.metrics;

import java.util.Arrays;

/**
 * The ROC curve of an OOD detector (SPEC §6), one row per threshold.
 *
 * <p>OOD is the positive class and a sample is flagged as OOD when {@code score >= threshold}. Row i holds
 * {@code tpr = #OOD(score >= t_i) / n_ood} and {@code fpr = #ID(score >= t_i) / n_id}. The thresholds are the
 * distinct scores together with {@code +infinity}, in descending order — the same threshold set as the detection
 * error. Choice: the first row is the {@code +infinity} threshold; it is the (0, 0) start point unless some scores
 * are {@code +infinity} themselves (they are flagged at that threshold too, so the curve then starts above 0). The
 * last row is the smallest score, where tpr = fpr = 1. Rows are never duplicated: {@code +infinity} appears once.
 *
 * @param thresholds descending, strictly decreasing; copied
 * @param tpr        true positive rate (OOD flagged), non-decreasing; copied
 * @param fpr        false positive rate (ID flagged), non-decreasing; copied
 */
public record RocCurve(double[] thresholds, double[] tpr, double[] fpr) {
    public RocCurve {
        if (thresholds.length == 0 || tpr.length != thresholds.length || fpr.length != thresholds.length) {
            throw new MetricsException("a ROC curve needs equally long, non-empty columns; got " + thresholds.length
                    + " thresholds, " + tpr.length + " tpr and " + fpr.length + " fpr values");
        }
        thresholds = thresholds.clone();
        tpr = tpr.clone();
        fpr = fpr.clone();
    }

    /** The number of rows (distinct thresholds, +infinity included). */
    public int size() {
        return thresholds.length;
    }

    public double threshold(int row) {
        return thresholds[row];
    }

    public double tpr(int row) {
        return tpr[row];
    }

    public double fpr(int row) {
        return fpr[row];
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public double[] tpr() {
        return tpr.clone();
    }

    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve r
                && Arrays.equals(thresholds, r.thresholds)
                && Arrays.equals(tpr, r.tpr)
                && Arrays.equals(fpr, r.fpr);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(thresholds) + Arrays.hashCode(tpr)) + Arrays.hashCode(fpr);
    }

    @Override
    public String toString() {
        return "RocCurve[" + thresholds.length + " thresholds]";
    }
}
