package dev.onnxinspect.metrics;

import java.util.Arrays;

/**
 * The OOD evaluation metrics of SPEC §6, computed from the scores a detector gave an ID set and an OOD set
 * (higher = more OOD).
 *
 * <p>All metrics come from one merge walk over the two sorted score arrays, so {@link #evaluate} is
 * O(n log n) in time and O(n) in memory. Counts are exact integers; AUROC's Mann-Whitney numerator is exact in
 * {@code long} arithmetic (doubled so that ties count exactly 1/2). Scores may be infinite (activation-profile KL
 * gives {@code +infinity}); equal infinities tie. {@code -0.0} and {@code 0.0} are the same score. NaN scores and
 * empty sets are rejected with a {@link MetricsException}.
 *
 * <p>FPR@95: "the smallest score t with at least m = ceil(0.95 n_id) ID scores {@code <= t}" is the m-th smallest ID
 * score, and "the largest t with at least m' = ceil(0.95 n_ood) OOD scores {@code >= t}" is the m'-th largest OOD
 * score (both count functions only change at a score, so these are exact). Average precision follows
 * scikit-learn: each distinct threshold adds (new positives / n_pos) times the precision at that threshold.
 */
public final class OodMetrics {
    private OodMetrics() {}

    /**
     * Evaluates one detector on one (ID, OOD) pair. Neither array is changed or kept.
     *
     * @param idScores  scores of the in-distribution samples (at least one, no NaN)
     * @param oodScores scores of the out-of-distribution samples (at least one, no NaN)
     * @return every SPEC §6 metric and the ROC curve
     * @throws MetricsException if a set is empty or holds a NaN
     */
    public static OodEvaluation evaluate(double[] idScores, double[] oodScores) {
        double[] id = sortedCopy(idScores, "ID");
        double[] ood = sortedCopy(oodScores, "OOD");
        ScoreGroups groups = ScoreGroups.of(id, ood);
        return new OodEvaluation(
                auroc(groups, id.length, ood.length),
                auprIn(groups, id.length),
                auprOut(groups, ood.length),
                auprInTrapz(groups, id.length),
                auprOutTrapz(groups, ood.length),
                fpr95Id(id, ood),
                fpr95Ood(id, ood),
                detectionError(groups, id.length, ood.length),
                id.length,
                ood.length,
                rocCurve(groups, id.length, ood.length));
    }

    /**
     * The classification accuracy of SPEC §6: the fraction of samples whose predicted class equals the label.
     *
     * @throws MetricsException if the arrays are empty or differ in length
     */
    public static double accuracy(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new MetricsException("accuracy needs one prediction per label, got " + predicted.length
                    + " predictions and " + labels.length + " labels");
        }
        if (predicted.length == 0) {
            throw new MetricsException("accuracy of an empty set is undefined: pass at least one sample");
        }
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / predicted.length;
    }

    /** The number of samples that make up "95%" of n: ceil(0.95 n) computed in integers (SPEC §6). */
    static int ninetyFivePercent(int n) {
        return (int) ((95L * n + 99) / 100);
    }

    private static double[] sortedCopy(double[] scores, String set) {
        if (scores.length == 0) {
            throw new MetricsException(
                    "the " + set + " score set is empty: an OOD evaluation needs at least one " + set + " sample");
        }
        double[] copy = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new MetricsException(set + " score " + i + " is NaN: every score must be a number "
                        + "(infinities are allowed); check the detector's input for that sample");
            }
            copy[i] = scores[i] + 0.0; // turns -0.0 into 0.0 so that the two tie
        }
        Arrays.sort(copy);
        return copy;
    }

    /** Mann-Whitney U / (n_id n_ood), ties 1/2; U is doubled so it stays an exact integer. */
    private static double auroc(ScoreGroups g, int nId, int nOod) {
        long idBelow = 0;
        long doubledU = 0;
        for (int k = 0; k < g.size(); k++) {
            doubledU += g.ood[k] * (2 * idBelow + g.id[k]);
            idBelow += g.id[k];
        }
        return doubledU / (2.0 * nId * (double) nOod);
    }

    /**
     * Average precision with OOD positive, ranked by score: thresholds descend over the distinct scores, recall
     * steps by (new OOD)/n_ood, each step weighted by the precision at that threshold (scikit-learn's
     * {@code average_precision_score}).
     */
    private static double auprOut(ScoreGroups g, int nOod) {
        long tp = 0;
        long fp = 0;
        double sum = 0;
        for (int k = g.size() - 1; k >= 0; k--) {
            tp += g.ood[k];
            fp += g.id[k];
            if (g.ood[k] > 0) {
                sum += g.ood[k] * ((double) tp / (tp + fp));
            }
        }
        return sum / nOod;
    }

    /** Average precision with ID positive, ranked by -score: thresholds ascend over the distinct scores. */
    private static double auprIn(ScoreGroups g, int nId) {
        long tp = 0;
        long fp = 0;
        double sum = 0;
        for (int k = 0; k < g.size(); k++) {
            tp += g.id[k];
            fp += g.ood[k];
            if (g.id[k] > 0) {
                sum += g.id[k] * ((double) tp / (tp + fp));
            }
        }
        return sum / nId;
    }

    /**
     * Area under the precision-recall curve with OOD positive by the trapezoid rule (SPEC §6 {@code aupr_out_trapz},
     * scikit-learn's {@code precision_recall_curve} followed by {@code auc}): thresholds descend over the distinct
     * scores; the curve starts at (recall 0, precision 1) and visits (R_k, P_k) at every threshold, also where only
     * ID samples are added (recall stays, precision drops: the next segment starts lower).
     */
    private static double auprOutTrapz(ScoreGroups g, int nOod) {
        long tp = 0;
        long fp = 0;
        double recall = 0;
        double precision = 1;
        double area = 0;
        for (int k = g.size() - 1; k >= 0; k--) {
            tp += g.ood[k];
            fp += g.id[k];
            double r = (double) tp / nOod;
            double p = (double) tp / (tp + fp);
            area += (r - recall) * (p + precision) / 2;
            recall = r;
            precision = p;
        }
        return area;
    }

    /** {@link #auprOutTrapz} with ID positive, ranked by -score: thresholds ascend over the distinct scores. */
    private static double auprInTrapz(ScoreGroups g, int nId) {
        long tp = 0;
        long fp = 0;
        double recall = 0;
        double precision = 1;
        double area = 0;
        for (int k = 0; k < g.size(); k++) {
            tp += g.id[k];
            fp += g.ood[k];
            double r = (double) tp / nId;
            double p = (double) tp / (tp + fp);
            area += (r - recall) * (p + precision) / 2;
            recall = r;
            precision = p;
        }
        return area;
    }

    /**
     * ODIN convention: t is the smallest score with at least ceil(0.95 n_id) ID scores {@code <= t}, which is the
     * ceil(0.95 n_id)-th smallest ID score; the result is the fraction of OOD scores {@code <= t} (accepted as ID).
     */
    private static double fpr95Id(double[] id, double[] ood) {
        double t = id[ninetyFivePercent(id.length) - 1];
        return (double) countAtMost(ood, t) / ood.length;
    }

    /**
     * OpenOOD convention: t is the largest score with at least ceil(0.95 n_ood) OOD scores {@code >= t}, which is
     * the ceil(0.95 n_ood)-th largest OOD score; the result is the fraction of ID scores {@code >= t} (flagged).
     */
    private static double fpr95Ood(double[] id, double[] ood) {
        double t = ood[ood.length - ninetyFivePercent(ood.length)];
        return (double) (id.length - countBelow(id, t)) / id.length;
    }

    /**
     * min over t in (distinct scores and +infinity) of 0.5 (P_ID(score >= t) + P_OOD(score < t)); the candidates are
     * compared exactly as integers #ID(>= t) n_ood + #OOD(< t) n_id.
     */
    private static double detectionError(ScoreGroups g, int nId, int nOod) {
        long oodBelow = 0;
        long idAtOrAbove = nId;
        long best = Long.MAX_VALUE;
        for (int k = 0; k < g.size(); k++) {
            best = Math.min(best, idAtOrAbove * nOod + oodBelow * nId);
            oodBelow += g.ood[k];
            idAtOrAbove -= g.id[k];
        }
        if (g.value[g.size() - 1] != Double.POSITIVE_INFINITY) {
            best = Math.min(best, (long) nOod * nId); // t = +infinity: no ID flagged, every OOD below
        }
        return best / (2.0 * nId * (double) nOod);
    }

    private static RocCurve rocCurve(ScoreGroups g, int nId, int nOod) {
        boolean infinityIsScore = g.value[g.size() - 1] == Double.POSITIVE_INFINITY;
        int rows = g.size() + (infinityIsScore ? 0 : 1);
        double[] thresholds = new double[rows];
        double[] tpr = new double[rows];
        double[] fpr = new double[rows];
        int row = 0;
        if (!infinityIsScore) {
            thresholds[row++] = Double.POSITIVE_INFINITY;
        }
        long tp = 0;
        long fp = 0;
        for (int k = g.size() - 1; k >= 0; k--, row++) {
            tp += g.ood[k];
            fp += g.id[k];
            thresholds[row] = g.value[k];
            tpr[row] = (double) tp / nOod;
            fpr[row] = (double) fp / nId;
        }
        return new RocCurve(thresholds, tpr, fpr);
    }

    /** Number of entries of the ascending array a that are {@code <= t}. */
    private static int countAtMost(double[] a, double t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of entries of the ascending array a that are {@code < t}. */
    private static int countBelow(double[] a, double t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The distinct scores of both sets in ascending order, with how many ID and OOD samples hold each. */
    private record ScoreGroups(double[] value, long[] id, long[] ood, int size) {
        static ScoreGroups of(double[] id, double[] ood) {
            int capacity = id.length + ood.length;
            double[] value = new double[capacity];
            long[] idCount = new long[capacity];
            long[] oodCount = new long[capacity];
            int i = 0;
            int j = 0;
            int size = 0;
            while (i < id.length || j < ood.length) {
                double v = j == ood.length || (i < id.length && id[i] <= ood[j]) ? id[i] : ood[j];
                while (i < id.length && id[i] == v) {
                    idCount[size]++;
                    i++;
                }
                while (j < ood.length && ood[j] == v) {
                    oodCount[size]++;
                    j++;
                }
                value[size++] = v;
            }
            return new ScoreGroups(value, idCount, oodCount, size);
        }
    }
}
