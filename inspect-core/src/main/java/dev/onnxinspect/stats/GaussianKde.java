package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A one-dimensional Gaussian kernel density estimate over sorted fit values, evaluated in log space (SPEC §8):
 * {@code log kde(a) = log sum_i exp(-z_i^2 / 2) - ln n - ln h - ln(2 pi) / 2} with {@code z_i = (a - x_i) / h},
 * the sum taken as a log-sum-exp around its largest term (that of the fit value nearest a). So the log-density is
 * finite for every finite query, however far from the data: a plain density would underflow to 0. Equal fit values
 * are stored once with their count (the sum is the same: every fit value contributes).
 * <p>Exact evaluation ({@link #logDensityExact}): {@code z_i = (a - x_i) * (1 / h)}, one {@code Math.exp} per fit
 * value, in ascending value order.
 * <p>Fast evaluation ({@link #logDensitiesSorted}, ascending queries, windows that slide): with {@code z0} the
 * nearest value's z and {@code span = ln n + 12 ln 10}, only the values with {@code z^2 <= z0^2 + 2 span} are
 * summed, so each omitted term is below {@code e^-span = 1e-12 / n} times the largest one and all omitted terms
 * together below 1e-12 of the sum. Far from the data the window narrows to the few values that matter. Each kept
 * term {@code exp(-(z^2 - z0^2) / 2) = exp(y)} with {@code y} in {@code [-span, 0]} is computed without
 * {@code Math.exp}, in a loop the JIT vectorises: {@code exp(y) = (T7(y / 1024))^1024}, T7 the Taylor polynomial
 * of degree 7 of {@code e^x}, and ten squarings. With {@code |y / 1024| <= 0.048} (n below 2^31) the polynomial's
 * relative error is below {@code 0.048^8 / 8! * e^0.048 < 7.3e-16}, which the ten squarings multiply by 1024:
 * below 1e-12 per term with rounding; the terms are positive, so the sum has the same relative bound (and in fact
 * far less: only the smallest terms come near it). Fast and exact thus agree within about 2e-12 relative on the
 * density (SPEC §8 asks 1e-9); in log space that is an absolute difference below 2e-12, so a node or layer
 * prediction can differ from the exact one only where two classes' log-posteriors are that close without being
 * equal (exact ties, e.g. classes with identical values, stay exact ties and go to the lowest class in both).
 * <p>Immutable; the fast evaluation takes a caller's scratch array, so one instance serves many threads.
 */
final class GaussianKde implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final double HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
    /** The fast kernel's reduction: exp(y) = exp(y / 2^10)^(2^10). */
    private static final double REDUCTION = 1024.0;

    /** The distinct fit values, ascending. */
    private final double[] values;
    /** How often each distinct value occurs; null when every value occurs once. */
    private final int[] counts;

    private final int size;
    private final double bandwidth;
    private final double inverseBandwidth;
    private final double logNormaliser;
    /** {@code ln n + 12 ln 10}: the fast window keeps the terms within e^-span of the largest one. */
    private final double span;
    /** {@code 1 / (h sqrt(2 * 1024))}: {@code q = (a - x) * scale} has {@code q^2 = z^2 / 2 / 1024}. */
    private final double scale;

    /**
     * @param sorted    the fit values, ascending (only read)
     * @param bandwidth h > 0
     */
    GaussianKde(double[] sorted, double bandwidth) {
        if (sorted.length == 0 || !(bandwidth > 0) || Double.isInfinite(bandwidth)) {
            throw new StatsException("a KDE needs values and a positive bandwidth, got " + sorted.length
                    + " values and h = " + bandwidth);
        }
        int distinct = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        this.values = new double[distinct];
        int[] tally = distinct == sorted.length ? null : new int[distinct];
        int k = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                values[++k] = sorted[i];
            }
            if (tally != null) {
                tally[k]++;
            }
        }
        this.counts = tally;
        this.size = sorted.length;
        this.bandwidth = bandwidth;
        this.inverseBandwidth = 1.0 / bandwidth;
        this.logNormaliser = -Math.log(size) - Math.log(bandwidth) - HALF_LN_2PI;
        this.span = Math.log(size) + 12 * Math.log(10);
        this.scale = 1.0 / (bandwidth * Math.sqrt(2 * REDUCTION));
    }

    double bandwidth() {
        return bandwidth;
    }

    /** The distinct fit values, ascending; the caller must not change them. */
    double[] sortedDistinct() {
        return values;
    }

    /** How often each distinct value occurs, or null when every value occurs once; the caller must not change it. */
    int[] multiplicities() {
        return counts;
    }

    /** The number of fit values, with repetitions. */
    int size() {
        return size;
    }

    /** {@code -ln n - ln h - ln(2 pi) / 2}: the log-density is this plus the log of the kernel sum. */
    double logNormaliser() {
        return logNormaliser;
    }

    /** The number of distinct fit values (the fast evaluation's scratch needs this many slots). */
    int distinctValues() {
        return values.length;
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

    /** The log-density at a, summing over every fit value with {@code Math.exp}. */
    double logDensityExact(double a) {
        int nearest = nearest(a);
        double zNearest = (a - values[nearest]) * inverseBandwidth;
        double max = -0.5 * zNearest * zNearest;
        double sum = 0.0;
        for (int i = 0; i < values.length; i++) {
            double z = (a - values[i]) * inverseBandwidth;
            double term = Math.exp(-0.5 * z * z - max);
            sum += counts == null ? term : counts[i] * term;
        }
        return max + Math.log(sum) + logNormaliser;
    }

    /** The log-density at a by the fast evaluation (one query of {@link #logDensitiesSorted}). */
    double logDensityFast(double a) {
        double[] out = new double[1];
        logDensitiesSorted(new double[] {a}, 1, out, new double[values.length]);
        return out[0];
    }

    double logDensity(double a, KdeMode mode) {
        return mode == KdeMode.EXACT ? logDensityExact(a) : logDensityFast(a);
    }

    /**
     * The fast evaluation at {@code count} ascending finite queries, by the cheaper of the direct sums
     * ({@link #logDensitiesSorted}) and the Taylor expansion ({@link KdeTaylorExpansion}, which falls back to the
     * direct sum query by query wherever its error bound is not below 1e-12 of the sum); either is within 1e-9
     * relative of {@link #logDensityExact} on the density.
     *
     * @param space room for count queries and {@link #distinctValues()} ({@link KdeTaylorExpansion.Workspace#ensure})
     */
    void logDensities(double[] queries, int count, double[] out, KdeTaylorExpansion.Workspace space) {
        if (KdeTaylorExpansion.cheaper(this, queries, count)) {
            KdeTaylorExpansion.logDensities(this, queries, count, out, space);
        } else {
            logDensitiesSorted(queries, count, out, space.terms);
            space.direct += count;
        }
    }

    /**
     * The direct fast evaluation (see the class comment) at {@code count} ascending finite queries.
     *
     * @param queries ascending, finite
     * @param out     receives {@code log kde(queries[k])} at index k
     * @param terms   scratch of at least {@link #distinctValues()} slots
     */
    void logDensitiesSorted(double[] queries, int count, double[] out, double[] terms) {
        double[] x = values;
        int n = x.length;
        int upper = 0; // first index with x >= a
        int from = 0; // first index in the window
        int to = 0; // first index beyond the window
        double ySpan = span / REDUCTION;
        double squaredScale = scale * scale;
        for (int k = 0; k < count; k++) {
            double a = queries[k];
            while (upper < n && x[upper] < a) {
                upper++;
            }
            boolean nearestLeft = upper == n || (upper > 0 && a - x[upper - 1] <= x[upper] - a);
            int nearest = nearestLeft ? upper - 1 : upper;
            double x0 = x[nearest];
            double d0 = Math.abs(a - x0);
            double q0 = d0 * scale;
            // |a - x| <= radius  <=>  q^2 <= q0^2 + span / 1024, up to rounding (the polynomial tolerates it)
            double radius = Math.sqrt(q0 * q0 + ySpan) / scale;
            double low = a - radius;
            double high = a + radius;
            while (from < n && x[from] < low) {
                from++;
            }
            if (to < from) {
                to = from;
            }
            while (to < n && x[to] <= high) {
                to++;
            }
            // the nearest value is in the window (radius >= d0), kept even if rounding says otherwise
            int lo = Math.min(from, nearest);
            int hi = Math.max(to, nearest + 1);
            int split = Math.max(lo, Math.min(hi, upper));
            // left of a: distance a - x; right of a: x - a; the nearest value's side gets |x - x0| exactly
            kernel(x, lo, split, a, -1.0, x0, d0, nearestLeft, squaredScale, terms);
            kernel(x, split, hi, a, 1.0, x0, d0, !nearestLeft, squaredScale, terms);
            double sum = sum(terms, lo, hi);
            double zNearest = d0 * inverseBandwidth;
            out[k] = -0.5 * zNearest * zNearest + Math.log(sum) + logNormaliser;
        }
    }

    /**
     * {@code terms[i] = exp(-(z_i^2 - z0^2) / 2)} for i in [from, to), all on one side of a ({@code side} -1: left,
     * 1: right), as loops C2 vectorises. {@code z^2 - z0^2 = (d - d0)(d + d0) / h^2} with d the distance to a;
     * on the nearest value's side {@code d - d0 = |x - x0|} is taken exactly, so a query far from the data loses
     * no digits to cancellation.
     */
    private static void kernel(
            double[] x,
            int from,
            int to,
            double a,
            double side,
            double x0,
            double d0,
            boolean nearestSide,
            double squaredScale,
            double[] terms) {
        if (nearestSide) {
            for (int i = from; i < to; i++) {
                double d = side * (x[i] - a);
                double y = -squaredScale * (side * (x[i] - x0)) * (d + d0);
                terms[i] = exp1024(y);
            }
        } else {
            for (int i = from; i < to; i++) {
                double d = side * (x[i] - a);
                double y = -squaredScale * (d - d0) * (d + d0);
                terms[i] = exp1024(y);
            }
        }
    }

    /** {@code exp(1024 y)} for {@code y} in about [-0.048, 0]: (T7(y))^1024, T7 the degree-7 Taylor polynomial. */
    private static double exp1024(double y) {
        // Horner from the y^7 / 7! term down to 1
        double p = 1.0 / 5040;
        p = 1.0 / 720 + y * p;
        p = 1.0 / 120 + y * p;
        p = 1.0 / 24 + y * p;
        p = 1.0 / 6 + y * p;
        p = 0.5 + y * p;
        p = 1.0 + y * p;
        p = 1.0 + y * p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p;
    }

    /** The weighted sum of the terms in [from, to), four partial sums. */
    private double sum(double[] terms, int from, int to) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = from;
        if (counts == null) {
            for (; i + 3 < to; i += 4) {
                s0 += terms[i];
                s1 += terms[i + 1];
                s2 += terms[i + 2];
                s3 += terms[i + 3];
            }
            for (; i < to; i++) {
                s0 += terms[i];
            }
        } else {
            int[] c = counts;
            for (; i + 3 < to; i += 4) {
                s0 += c[i] * terms[i];
                s1 += c[i + 1] * terms[i + 1];
                s2 += c[i + 2] * terms[i + 2];
                s3 += c[i + 3] * terms[i + 3];
            }
            for (; i < to; i++) {
                s0 += c[i] * terms[i];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    private int nearest(double a) {
        int k = lowerBound(a);
        if (k == values.length) {
            return k - 1;
        }
        if (k > 0 && a - values[k - 1] <= values[k] - a) {
            return k - 1;
        }
        return k;
    }

    /** The first index with values[i] >= x. */
    private int lowerBound(double x) {
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "GaussianKde[n=" + size + ", distinct=" + values.length + ", h=" + bandwidth + ", range="
                + Arrays.toString(new double[] {values[0], values[values.length - 1]}) + "]";
    }
}
