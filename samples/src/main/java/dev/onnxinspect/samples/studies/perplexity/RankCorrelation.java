package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.samples.studies.Correlation;
import java.util.Arrays;

/** Spearman's rank correlation, the trend statistic of the study's claims ("grows with depth"). */
final class RankCorrelation {
    private RankCorrelation() {}

    /**
     * Spearman's rho of paired values: the Pearson correlation of their ranks, tied values sharing the mean of their
     * ranks (so 1 2 2 3 ranks 1, 2.5, 2.5, 4).
     * <p>Choice: when either side is constant (no ranking at all, e.g. a perplexity that is N_c in every layer) rho is
     * undefined and 0 is returned: no trend.
     *
     * @throws OnnxInspectException for arrays of different lengths or fewer than two pairs
     */
    static double spearman(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new OnnxInspectException("a rank correlation needs two arrays of the same length >= 2, got "
                    + x.length + " and " + y.length + " values");
        }
        return pearson(ranks(x), ranks(y));
    }

    /** The mid-ranks (1-based, ties averaged) of the values ({@link Correlation#ranks}); NaN is refused. */
    static double[] ranks(double[] values) {
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new OnnxInspectException("cannot rank NaN in " + Arrays.toString(values));
            }
        }
        return Correlation.ranks(values);
    }

    private static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }
}
