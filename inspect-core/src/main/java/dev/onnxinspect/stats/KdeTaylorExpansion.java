package dev.onnxinspect.stats;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The kernel sums of a {@link GaussianKde} at many sorted queries by a target-box Taylor expansion (the improved
 * fast Gauss transform, SPEC §8's "faster evaluation"), with a rigorous error bound per query and the direct sum
 * wherever the bound is not below {@value #ACCEPT} of the sum.
 * <p>The queries are cut into boxes of at most {@code 2 h} ({@value #HALF_WIDTH} bandwidths either side of the
 * box centre c; the box's own half-width {@code b <= 1} is that of its first and last query). In bandwidth units,
 * with {@code r_i = (x_i - c) / h} for the fit values and {@code d = (a - c) / h} for a query,
 * {@code exp(-(r_i - d)^2 / 2) = exp(-d^2 / 2) exp(-r_i^2 / 2) exp(d r_i)}, and the last factor is expanded to
 * order p: {@code S(a) ~ exp(-d^2 / 2) sum_{k<p} M_k d^k} with the box's moments
 * {@code M_k = sum_i n_i exp(-r_i^2 / 2) r_i^k / k!} over the fit values within {@value #CUTOFF} + b bandwidths of
 * c (n_i the value's multiplicity). The moments cost (values in the window) x p once per box, each query p
 * multiply-adds, against (values in the window) exponentials per query for the direct sum.
 * <p>Error bound per query (all terms positive, so bounds on |error| add up):
 * <ul>
 *   <li>truncation: {@code |e^y - sum_{k<p} y^k / k!| <= |y|^p / p! e^|y|}, so the values in the window contribute
 *   at most {@code exp(-d^2 / 2) (|d| / b)^p N G(p, b)}, N the window's count and
 *   {@code G(p, b) = max_r exp(-r^2 / 2 + b r) (b r)^p / p!} (at {@code r = (b + sqrt(b^2 + 4p)) / 2}); p is the
 *   smallest order with {@code G(p, b) <= }{@value #ORDER_TARGET}, at most {@value #MAX_ORDER};</li>
 *   <li>values outside the window: each at least {@value #CUTOFF} bandwidths from every query of the box, so at most
 *   {@code exp(-CUTOFF^2 / 2)} each;</li>
 *   <li>rounding: every term's computed absolute error is below {@code gamma exp(-(|r_i| - |d|)^2 / 2)}, which is at
 *   most the term of the query a plus that of its mirror image {@code 2c - a}; the sum of those is the expansion's
 *   value at {@code +-d} (its even and odd parts, computed anyway), so the bound is {@code gamma (S(a) + S(2c - a))}
 *   with {@code gamma = (3 p + N / 4 + 5 + 1300) 1.2e-16}: 400 ulps for the arguments {@code (r - d)^2 / 2} up to 60
 *   (which the exact evaluation rounds the same way), 900 for the polynomial exponential of the weights
 *   ({@link #expNegative}), 3p for the products and Horner's rule, N / 4 + 5 for the sums (blocks of four values).</li>
 * </ul>
 * A query whose bound is not below {@value #ACCEPT} of its computed sum (minus the bound) gets the direct sum
 * ({@link GaussianKde#logDensitiesSorted}); that happens in the tails, where the mirror image's sum dwarfs the
 * query's, for boxes with no fit value in reach, and for boxes with too few queries to pay for their moments
 * (queries x {@value #DIRECT_TERM_COST} below the order + {@value #DIRECT_TERM_COST}: the window's direct terms
 * then cost less than its moments).
 * <p>Stateless; the caller's {@link Workspace} holds the scratch arrays.
 */
final class KdeTaylorExpansion {
    /** Half the largest box width, in bandwidths. */
    static final double HALF_WIDTH = 1.0;
    /** Fit values farther than this many bandwidths (plus the box's half-width) from the box centre are left out. */
    static final double CUTOFF = 9.0;
    /** A query's error bound must be below this fraction of its sum, else the direct sum is taken. */
    static final double ACCEPT = 1e-12;
    /** The truncation order p is the smallest with G(p, b) below this. */
    static final double ORDER_TARGET = 1e-16;

    static final int MAX_ORDER = 48;
    private static final double ULP = 1.2e-16;
    /**
     * Rounding of each term apart from the products and sums, in units of {@link #ULP}: 400 for the arguments
     * {@code (r - d)^2 / 2} up to 60, 900 for {@link #expNegative}.
     */
    private static final double ROUNDING_ULPS = 1300;

    private static final double OUTSIDE_TERM = Math.exp(-0.5 * CUTOFF * CUTOFF);
    /** The cost model's units: one moment step (a product and a sum) is 1. */
    private static final double DIRECT_TERM_COST = 5;

    private static final double EXP_COST = 20;
    private static final int TYPICAL_ORDER = 34;
    private static final double[] LN_FACTORIAL = new double[MAX_ORDER + 1];
    /** {@code 1 / k!}: k! rounded to a double (exact up to 22!), then its reciprocal: two roundings at most. */
    private static final double[] INVERSE_FACTORIAL = new double[MAX_ORDER + 1];
    /**
     * {@code ORDER_LIMIT[p]}: the largest half-width b found (by bisection) with {@code G(p, b) <= ORDER_TARGET}; the
     * search for the order starts from it (G grows with b), so a box costs about two evaluations of G.
     */
    private static final double[] ORDER_LIMIT = new double[MAX_ORDER + 1];

    static {
        BigInteger factorial = BigInteger.ONE;
        INVERSE_FACTORIAL[0] = 1.0;
        for (int k = 1; k <= MAX_ORDER; k++) {
            LN_FACTORIAL[k] = LN_FACTORIAL[k - 1] + Math.log(k);
            factorial = factorial.multiply(BigInteger.valueOf(k));
            INVERSE_FACTORIAL[k] = 1.0 / factorial.doubleValue();
        }
        for (int p = 2; p <= MAX_ORDER; p++) {
            double low = 0.0;
            double high = 64.0;
            for (int step = 0; step < 200 && low < high; step++) {
                double mid = 0.5 * (low + high);
                if (mid == low || mid == high) {
                    break;
                }
                if (growth(p, mid) <= ORDER_TARGET) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            ORDER_LIMIT[p] = low;
        }
    }

    private KdeTaylorExpansion() {}

    /** Scratch arrays of the expansion and of the direct sum; grown on demand; one per thread. */
    static final class Workspace {
        double[] terms = new double[0];
        double[] radii = new double[0];
        double[] moments = new double[MAX_ORDER];
        double[] fallbackQueries = new double[0];
        double[] fallbackOut = new double[0];
        int[] fallbackIndex = new int[0];
        double[] offsets = new double[0];
        double[] evens = new double[0];
        double[] odds = new double[0];
        long expanded;
        long direct;

        /** Makes room for count queries and a KDE of distinct values. */
        void ensure(int count, int distinct) {
            if (terms.length < distinct) {
                terms = new double[distinct];
                radii = new double[distinct];
            }
            if (fallbackQueries.length < count) {
                fallbackQueries = new double[count];
                fallbackOut = new double[count];
                fallbackIndex = new int[count];
                offsets = new double[count];
                evens = new double[count];
                odds = new double[count];
            }
        }
    }

    /**
     * Whether the expansion is estimated cheaper than the direct sum for these queries. Choice: a cost model from
     * the counts (queries, boxes, fit values within reach of a query or a box), in units of one moment step, with
     * a direct term or a moment weight at {@value #DIRECT_TERM_COST} (a vectorised polynomial exponential) and a
     * query's {@code Math.log} at {@value #EXP_COST}; it decides only speed, never the result's accuracy.
     */
    static boolean cheaper(GaussianKde kde, double[] queries, int count) {
        if (count < 32) {
            return false;
        }
        double[] x = kde.sortedDistinct();
        int n = x.length;
        double h = kde.bandwidth();
        double range = x[n - 1] - x[0] + h;
        double directWindow = n * Math.min(1.0, 17.0 * h / range);
        double expansionWindow = n * Math.min(1.0, 2 * (CUTOFF + HALF_WIDTH) * h / range);
        int boxes = 0;
        double limit = Double.NEGATIVE_INFINITY;
        double width = 2 * HALF_WIDTH * h;
        for (int q = 0; q < count; q++) {
            if (queries[q] > limit) {
                boxes++;
                limit = queries[q] + width;
            }
        }
        double direct = count * directWindow * DIRECT_TERM_COST;
        double expansion =
                boxes * expansionWindow * (TYPICAL_ORDER + DIRECT_TERM_COST) + count * (TYPICAL_ORDER + EXP_COST);
        return expansion < direct;
    }

    /**
     * {@code out[q] = log kde(queries[q])} for ascending finite queries (see the class comment).
     *
     * @param space room for count queries and the KDE's distinct values ({@link Workspace#ensure})
     */
    static void logDensities(GaussianKde kde, double[] queries, int count, double[] out, Workspace space) {
        double[] x = kde.sortedDistinct();
        int[] multiplicity = kde.multiplicities();
        int n = x.length;
        double h = kde.bandwidth();
        double inverse = 1.0 / h;
        double logNormaliser = kde.logNormaliser();
        int size = kde.size();
        double[] moments = space.moments;
        int fallbacks = 0;
        int lo = 0;
        int hi = 0;
        long inWindow = 0;
        int first = 0;
        while (first < count) {
            double limit = queries[first] + 2 * HALF_WIDTH * h;
            int end = first + 1;
            while (end < count && queries[end] <= limit) {
                end++;
            }
            double centre = 0.5 * (queries[first] + queries[end - 1]);
            double half = Math.max((centre - queries[first]) * inverse, (queries[end - 1] - centre) * inverse);
            double reach = (half + CUTOFF) * h;
            while (lo < n && x[lo] < centre - reach) {
                if (lo < hi) {
                    inWindow -= multiplicity == null ? 1 : multiplicity[lo];
                }
                lo++;
            }
            if (hi < lo) {
                hi = lo;
            }
            while (hi < n && x[hi] <= centre + reach) {
                inWindow += multiplicity == null ? 1 : multiplicity[hi];
                hi++;
            }
            int order = order(half);
            if (inWindow == 0 || (end - first) * DIRECT_TERM_COST < order + DIRECT_TERM_COST) {
                // no value in reach, or too few queries to pay for the box's moments: the direct sum
                for (int q = first; q < end; q++) {
                    space.fallbackQueries[fallbacks] = queries[q];
                    space.fallbackIndex[fallbacks++] = q;
                }
                first = end;
                continue;
            }
            double truncation = inWindow * (half == 0 ? 0.0 : growth(order, half));
            moments(x, multiplicity, lo, hi, centre, inverse, order, moments, space);
            double gamma = (3.0 * order + inWindow / 4.0 + 5 + ROUNDING_ULPS) * ULP;
            double outside = (size - inWindow) * OUTSIDE_TERM * Math.exp(0.5 * half * half) * (1 + 1e-12);
            // Horner's rule in d^2 for the even and the odd part, each loop over the box's queries (vectorised)
            double[] ds = space.offsets;
            double[] even = space.evens;
            double[] odd = space.odds;
            int box = end - first;
            for (int q = 0; q < box; q++) {
                double d = (queries[first + q] - centre) * inverse;
                ds[q] = d * d;
                even[q] = 0.0;
                odd[q] = 0.0;
            }
            // both parts in one pass per pair of orders: even ones topEven, ..., 2, 0 and odd ones topOdd, ..., 1,
            // each the same operations in the same order as a Horner loop of its own
            int top = order - 1;
            int topEven = top - (top & 1);
            if ((top & 1) == 1) {
                double mk = moments[top];
                for (int q = 0; q < box; q++) {
                    odd[q] = mk + ds[q] * odd[q];
                }
            }
            for (int k = topEven; k >= 2; k -= 2) {
                double me = moments[k];
                double mo = moments[k - 1];
                for (int q = 0; q < box; q++) {
                    double d2 = ds[q];
                    even[q] = me + d2 * even[q];
                    odd[q] = mo + d2 * odd[q];
                }
            }
            double m0 = moments[0];
            for (int q = 0; q < box; q++) {
                even[q] = m0 + ds[q] * even[q];
            }
            for (int q = first; q < end; q++) {
                double d = (queries[q] - centre) * inverse;
                double d2 = ds[q - first];
                double evenPart = even[q - first];
                double oddPart = d * odd[q - first];
                // everything below is divided by exp(-d^2 / 2) (the outside term by its smallest value in the box)
                double sum = evenPart + oddPart;
                double mirror = Math.abs(evenPart - oddPart);
                double bound = truncation + gamma * (sum + mirror + 2 * truncation) + outside;
                if (!(bound <= ACCEPT * (sum - bound)) && truncation > 0) {
                    double cut = truncation * Math.pow(Math.min(1.0, Math.abs(d) / half), order);
                    bound = cut + gamma * (sum + mirror + 2 * cut) + outside;
                }
                if (bound <= ACCEPT * (sum - bound)) {
                    out[q] = Math.log(sum) - 0.5 * d2 + logNormaliser;
                } else {
                    space.fallbackQueries[fallbacks] = queries[q];
                    space.fallbackIndex[fallbacks++] = q;
                }
            }
            first = end;
        }
        space.expanded += count - fallbacks;
        space.direct += fallbacks;
        if (fallbacks > 0) {
            kde.logDensitiesSorted(space.fallbackQueries, fallbacks, space.fallbackOut, space.terms);
            for (int f = 0; f < fallbacks; f++) {
                out[space.fallbackIndex[f]] = space.fallbackOut[f];
            }
        }
    }

    /**
     * The moments {@code M_k = sum_i n_i exp(-r_i^2 / 2) r_i^k / k!}, k < order, over the values in [lo, hi): the
     * radii and the weights in separate loops (each vectorises; one loop writing both does not), then the power sums
     * {@code sum_i w_i r_i^k} four values at a time (four independent product chains, k inner: the moments stay in
     * the cache and no pass over the values is repeated per order), each scaled by {@code 1 / k!} at the end.
     * Rounding per term: k products and three for the scaling ({@code k!}, its reciprocal, the product; k + 3 <= 2k
     * for k >= 3, smaller k are exact), within the bound's 3p; a term meets two sums in its block and at most
     * m / 4 + 3 in the running sum (the blocks, then up to three single values), within its N / 4 + 5.
     */
    private static void moments(
            double[] x,
            int[] multiplicity,
            int lo,
            int hi,
            double centre,
            double inverse,
            int order,
            double[] moments,
            Workspace space) {
        double[] t = space.terms;
        double[] r = space.radii;
        int m = hi - lo;
        for (int i = 0; i < m; i++) {
            r[i] = (x[lo + i] - centre) * inverse;
        }
        for (int i = 0; i < m; i++) {
            double ri = r[i];
            t[i] = expNegative(-0.5 * ri * ri);
        }
        if (multiplicity != null) {
            for (int i = 0; i < m; i++) {
                t[i] *= multiplicity[lo + i];
            }
        }
        Arrays.fill(moments, 0, order, 0.0);
        int i = 0;
        for (; i + 3 < m; i += 4) {
            double t0 = t[i];
            double t1 = t[i + 1];
            double t2 = t[i + 2];
            double t3 = t[i + 3];
            double r0 = r[i];
            double r1 = r[i + 1];
            double r2 = r[i + 2];
            double r3 = r[i + 3];
            for (int k = 0; k < order; k++) {
                moments[k] += (t0 + t1) + (t2 + t3);
                t0 *= r0;
                t1 *= r1;
                t2 *= r2;
                t3 *= r3;
            }
        }
        for (; i < m; i++) {
            double ti = t[i];
            double ri = r[i];
            for (int k = 0; k < order; k++) {
                moments[k] += ti;
                ti *= ri;
            }
        }
        for (int k = 0; k < order; k++) {
            moments[k] *= INVERSE_FACTORIAL[k];
        }
    }

    /**
     * {@code exp(y)} for y in [-64, 0] within 1e-13 relative, without {@code Math.exp} (a loop of it vectorises):
     * {@code T11(y / 256)^256}, T11 the Taylor polynomial of degree 11 of {@code e^x}, whose relative error for
     * {@code |x| <= 0.25} is below {@code 0.25^12 / 12! e^0.25 < 1.7e-16}; the eight squarings multiply that and
     * the rounding (a few ulps) by 256: below 1e-13 (900 ulps of {@link #ULP}).
     */
    static double expNegative(double y) {
        double x = y * (1.0 / 256);
        double p = 1.0 / 39916800;
        p = 1.0 / 3628800 + x * p;
        p = 1.0 / 362880 + x * p;
        p = 1.0 / 40320 + x * p;
        p = 1.0 / 5040 + x * p;
        p = 1.0 / 720 + x * p;
        p = 1.0 / 120 + x * p;
        p = 1.0 / 24 + x * p;
        p = 1.0 / 6 + x * p;
        p = 0.5 + x * p;
        p = 1.0 + x * p;
        p = 1.0 + x * p;
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

    /** The smallest order p in [1, MAX_ORDER] with {@code G(p, b) <= ORDER_TARGET}, else MAX_ORDER. */
    static int order(double half) {
        if (half == 0) {
            return 1;
        }
        int p = 2;
        while (p < MAX_ORDER && half > ORDER_LIMIT[p]) {
            p++;
        }
        // the table is a guess (bisection to the last bit); the definition decides, as in a plain search from 2
        while (p > 2 && growth(p - 1, half) <= ORDER_TARGET) {
            p--;
        }
        while (p < MAX_ORDER && growth(p, half) > ORDER_TARGET) {
            p++;
        }
        return p;
    }

    /**
     * {@code G(p, b) = max_{r >= 0} exp(-r^2 / 2 + b r) (b r)^p / p!}, attained where the derivative of the
     * exponent {@code -r + b + p / r} vanishes.
     */
    static double growth(int p, double b) {
        double r = 0.5 * (b + Math.sqrt(b * b + 4.0 * p));
        return Math.exp(-0.5 * r * r + b * r + p * Math.log(b * r) - LN_FACTORIAL[p]);
    }
}
