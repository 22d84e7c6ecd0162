package dev.onnxinspect.report;

import java.util.Arrays;

/**
 * The scores of one detector on one (ID, OOD) pair as two histograms over the same bins, with the threshold that
 * accepts 95% of the ID set (SPEC §6 {@code fpr95_id}: the smallest score with at least ceil(0.95 n) ID scores at or
 * below it). Deeply immutable.
 *
 * @param detector   the score column (detector, with its layer for per-layer detectors)
 * @param idDataset  the ID set
 * @param oodDataset the OOD set
 * @param lower      the left edge of the first bin
 * @param upper      the right edge of the last bin, > lower
 * @param idCounts   ID samples per bin (scores outside [lower, upper] counted in the end bins)
 * @param oodCounts  OOD samples per bin, as many bins as idCounts
 * @param threshold  the FPR95 threshold (finite; may lie outside [lower, upper])
 * @param auroc      the pair's AUROC, shown in the caption
 * @param fpr95      the fraction of OOD samples accepted at the threshold
 */
public record ScoreDistribution(
        String detector,
        String idDataset,
        String oodDataset,
        double lower,
        double upper,
        int[] idCounts,
        int[] oodCounts,
        double threshold,
        double auroc,
        double fpr95) {
    public ScoreDistribution {
        Require.text(detector, "ScoreDistribution.detector");
        Require.text(idDataset, "ScoreDistribution.idDataset");
        Require.text(oodDataset, "ScoreDistribution.oodDataset");
        Require.finite(lower, "ScoreDistribution.lower");
        Require.finite(upper, "ScoreDistribution.upper");
        if (!(upper > lower)) {
            throw new ReportException(
                    "ScoreDistribution of " + detector + " needs upper > lower, got [" + lower + ", " + upper + "]");
        }
        if (idCounts.length == 0 || idCounts.length != oodCounts.length) {
            throw new ReportException("ScoreDistribution of " + detector + " needs as many ID as OOD bins (at least"
                    + " one), got " + idCounts.length + " and " + oodCounts.length);
        }
        idCounts = idCounts.clone();
        oodCounts = oodCounts.clone();
        Require.finite(threshold, "ScoreDistribution.threshold");
    }

    @Override
    public int[] idCounts() {
        return idCounts.clone();
    }

    @Override
    public int[] oodCounts() {
        return oodCounts.clone();
    }

    int bins() {
        return idCounts.length;
    }

    int idCount(int bin) {
        return idCounts[bin];
    }

    int oodCount(int bin) {
        return oodCounts[bin];
    }

    /**
     * Histograms of two score arrays over {@code bins} equal bins. Choice: the bins span the 0.5th to the 99.5th
     * percentile of both sets together (extreme scores, e.g. a Mahalanobis distance of 1e6, would otherwise squeeze
     * every other sample into one bin); scores beyond are counted in the first or last bin.
     */
    static ScoreDistribution of(
            String detector,
            String idDataset,
            String oodDataset,
            double[] idScores,
            double[] oodScores,
            int bins,
            double auroc,
            double fpr95) {
        double[] all = new double[idScores.length + oodScores.length];
        System.arraycopy(idScores, 0, all, 0, idScores.length);
        System.arraycopy(oodScores, 0, all, idScores.length, oodScores.length);
        double[] finite = Arrays.stream(all).filter(Double::isFinite).sorted().toArray();
        double lower = finite.length == 0 ? 0 : finite[(int) Math.floor(0.005 * (finite.length - 1))];
        double upper = finite.length == 0 ? 1 : finite[(int) Math.ceil(0.995 * (finite.length - 1))];
        if (!(upper > lower)) {
            upper = lower + Math.max(1, Math.abs(lower)) * 1e-6 + 1e-12;
        }
        double[] sortedId = Arrays.stream(idScores).sorted().toArray();
        // ceil(0.95 n) in integers (SPEC §6): 0.95 * n in floating point can land a hair above an integer
        int accepted = (int) ((95L * sortedId.length + 99) / 100);
        double threshold = sortedId.length == 0 ? lower : sortedId[accepted - 1];
        if (!Double.isFinite(threshold)) {
            threshold = threshold > 0 ? upper : lower;
        }
        return new ScoreDistribution(
                detector,
                idDataset,
                oodDataset,
                lower,
                upper,
                count(idScores, lower, upper, bins),
                count(oodScores, lower, upper, bins),
                threshold,
                auroc,
                fpr95);
    }

    private static int[] count(double[] scores, double lower, double upper, int bins) {
        int[] counts = new int[bins];
        for (double s : scores) {
            if (Double.isNaN(s)) {
                continue;
            }
            int b = (int) Math.floor((s - lower) / (upper - lower) * bins);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return counts;
    }
}
