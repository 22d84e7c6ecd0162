package dev.onnxinspect.stats;

import java.util.Arrays;

/**
 * A one-dimensional Gaussian kernel density estimate over sorted fit values, evaluated in log space (SPEC §8):
 * {@code log kde(a) = log sum_i exp(-z_i^2 / 2) - ln n - ln h - ln(2 pi) / 2} with {@code z_i = (a - x_i) / h}
 * (computed as {@code (a - x_i) * (1 / h)}), the sum taken as a log-sum-exp around its largest term (that of the
 * fit value nearest a, found by binary search), in ascending value order.
 * So the log-density is finite for every finite query, however far from the data: a plain density would
 * underflow to 0.
 * <p>The fast evaluation keeps the values within {@code d0 + cut * h} of the query, d0 the distance to the
 * nearest value, {@code cut = max(8, sqrt(2 (ln n + 12 ln 10)))}: an omitted value has
 * {@code z^2 > z0^2 + cut^2}, so the n omitted terms sum to less than {@code n e^(-cut^2/2) <= 1e-12} times the
 * largest kept term. The two evaluations thus agree within 1e-12 relative (plus rounding) on the density.
 * Immutable.
 */
final class GaussianKde {
    private static final double HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double[] sorted;
    private final double bandwidth;
    private final double inverseBandwidth;
    private final double logNormaliser;
    private final double cut;

    /**
     * @param sorted    the fit values, ascending (not copied: the caller hands it over)
     * @param bandwidth h > 0
     */
    GaussianKde(double[] sorted, double bandwidth) {
        if (sorted.length == 0 || !(bandwidth > 0) || Double.isInfinite(bandwidth)) {
            throw new StatsException("a KDE needs values and a positive bandwidth, got " + sorted.length
                    + " values and h = " + bandwidth);
        }
        this.sorted = sorted;
        this.bandwidth = bandwidth;
        this.inverseBandwidth = 1.0 / bandwidth;
        this.logNormaliser = -Math.log(sorted.length) - Math.log(bandwidth) - HALF_LN_2PI;
        this.cut = Math.max(8.0, Math.sqrt(2 * (Math.log(sorted.length) + 12 * Math.log(10))));
    }

    double bandwidth() {
        return bandwidth;
    }

    /**
     * Silverman's rule of thumb (SPEC §8): {@code h = 1.06 * sigma * n^(-1/5)}, sigma the sample standard
     * deviation (ddof = 1, two-pass in float64 over the sorted values). 0 for fewer than two distinct values.
     */
    static double silverman(double[] sorted) {
        int n = sorted.length;
        if (n < 2 || sorted[0] == sorted[n - 1]) {
            return 0.0;
        }
        double sum = 0.0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0.0;
        for (double v : sorted) {
            double d = v - mean;
            squares += d * d;
        }
        double sigma = Math.sqrt(squares / (n - 1));
        return 1.06 * sigma * Math.pow(n, -0.2);
    }

    /** The log-density at a, summing over every fit value. */
    double logDensityExact(double a) {
        return logDensity(a, 0, sorted.length, nearest(a));
    }

    /** The log-density at a, summing over the window only. */
    double logDensityFast(double a) {
        int nearest = nearest(a);
        double radius = Math.abs(a - sorted[nearest]) + cut * bandwidth;
        int from = lowerBound(a - radius);
        int to = upperBound(a + radius);
        return logDensity(a, from, to, nearest);
    }

    double logDensity(double a, KdeMode mode) {
        return mode == KdeMode.EXACT ? logDensityExact(a) : logDensityFast(a);
    }

    /** Log-sum-exp over values [from, to), around the largest term, that of the nearest value. */
    private double logDensity(double a, int from, int to, int nearest) {
        double zNearest = (a - sorted[nearest]) * inverseBandwidth;
        double max = -0.5 * zNearest * zNearest;
        double sum = 0.0;
        for (int i = from; i < to; i++) {
            double z = (a - sorted[i]) * inverseBandwidth;
            sum += Math.exp(-0.5 * z * z - max);
        }
        return max + Math.log(sum) + logNormaliser;
    }

    private int nearest(double a) {
        int k = lowerBound(a);
        if (k == sorted.length) {
            return k - 1;
        }
        if (k > 0 && a - sorted[k - 1] <= sorted[k] - a) {
            return k - 1;
        }
        return k;
    }

    /** The first index with sorted[i] >= x. */
    private int lowerBound(double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first index with sorted[i] > x. */
    private int upperBound(double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "GaussianKde[n=" + sorted.length + ", h=" + bandwidth + ", range="
                + Arrays.toString(new double[] {sorted[0], sorted[sorted.length - 1]}) + "]";
    }
}
