package dev.onnxinspect.samples.studies;

import dev.onnxinspect.stats.StatsException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A correlation coefficient between two paired samples with its 95% confidence interval, as a study page reports it.
 *
 * <p>Pearson's r is the usual product-moment coefficient (means and sums in float64). Spearman's rho is Pearson's r of
 * the ranks, ties getting the mean of the ranks they span ("fractional ranking"), which equals the textbook
 * 1 - 6 sum d^2 / (n (n^2 - 1)) when there are no ties.
 *
 * <p>Choice: the interval is Fisher's z interval, tanh(atanh(r) -/+ 1.959964 * se), with se = 1 / sqrt(n - 3) for
 * Pearson and the Bonett-Wright se = sqrt((1 + rho^2 / 2) / (n - 3)) for Spearman (Bonett and Wright 2000, which
 * keeps the coverage near 95% for |rho| up to 0.9 from n = 10 on). It needs n &gt;= 4; at r = +/-1 the interval is the
 * point r. It assumes independent pairs, which models trained with different seeds and settings are.
 *
 * @param method      "pearson" or "spearman"
 * @param n           the number of pairs
 * @param coefficient r or rho, in [-1, 1]
 * @param lower       the interval's lower end
 * @param upper       the interval's upper end
 */
public record Correlation(String method, int n, double coefficient, double lower, double upper) {
    /** The standard normal quantile of 0.975. */
    static final double Z_975 = 1.959963984540054;

    public Correlation {
        if (!(lower <= coefficient && coefficient <= upper && lower >= -1 && upper <= 1)) {
            throw new StatsException("a correlation interval must hold its coefficient within [-1, 1], got " + lower
                    + " <= " + coefficient + " <= " + upper);
        }
    }

    /**
     * Pearson's r of {@code x} and {@code y} with its Fisher z interval.
     *
     * @throws StatsException when the arrays differ in length, hold fewer than 4 pairs or a non-finite value, or one
     *                        of them is constant (r is then undefined)
     */
    public static Correlation pearson(double[] x, double[] y) {
        check(x, y);
        double r = r(x, y);
        return withInterval("pearson", x.length, r, 1.0 / Math.sqrt(x.length - 3.0));
    }

    /** Spearman's rho of {@code x} and {@code y} (fractional ranks) with its Bonett-Wright interval; as {@link
     * #pearson} for the errors. */
    public static Correlation spearman(double[] x, double[] y) {
        check(x, y);
        double rho = r(ranks(x), ranks(y));
        return withInterval("spearman", x.length, rho, Math.sqrt((1 + rho * rho / 2) / (x.length - 3.0)));
    }

    /** Whether the interval excludes 0 (both ends strictly on the same side). */
    public boolean excludesZero() {
        return lower > 0 || upper < 0;
    }

    /** E.g. "spearman rho = 0.512 [0.131, 0.763], n = 24". */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s %s = %.3f, 95%% CI [%.3f, %.3f], n = %d",
                method,
                method.equals("pearson") ? "r" : "rho",
                coefficient,
                lower,
                upper,
                n);
    }

    /** Fractional ranks 1..n, ties getting the mean rank of their group. */
    public static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double mean = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = mean;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static Correlation withInterval(String method, int n, double r, double se) {
        if (Math.abs(r) >= 1) {
            double point = Math.signum(r);
            return new Correlation(method, n, point, point, point);
        }
        double z = atanh(r);
        double lower = Math.tanh(z - Z_975 * se);
        double upper = Math.tanh(z + Z_975 * se);
        return new Correlation(method, n, r, Math.min(lower, r), Math.max(upper, r));
    }

    private static double atanh(double r) {
        return 0.5 * Math.log((1 + r) / (1 - r));
    }

    private static double r(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            throw new StatsException("a correlation is undefined when one variable is constant ("
                    + (sxx == 0 ? "x" : "y") + " takes one value in all " + x.length
                    + " pairs); vary the settings so the figures differ");
        }
        return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }

    private static void check(double[] x, double[] y) {
        if (x == null || y == null || x.length != y.length) {
            throw new StatsException("a correlation needs two arrays of the same length, got "
                    + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
        }
        if (x.length < 4) {
            throw new StatsException("a correlation with a Fisher z interval needs at least 4 pairs, got " + x.length
                    + "; run more models");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new StatsException("pair " + i + " is not finite (" + x[i] + ", " + y[i] + "); drop it first");
            }
        }
    }
}
