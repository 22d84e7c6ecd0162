package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which neurons of one sample count as "on" (SPEC §1). Two definitions, each a record with its parameter:
 * <ul>
 *   <li>{@link Active} (S1): {@code a_j > tau}, default tau = 0 (the ReLU gate);</li>
 *   <li>{@link Dominant} (S2): the neurons above the first ratio gap larger than eps, scanning the positive
 *       activations from the top, default eps = 1000.</li>
 * </ul>
 * Comparisons are exact in float64 (SPEC §1), so two implementations agree bit for bit on every count.
 * The {@link #mark} methods allocate nothing except where noted; they are safe from many threads at once.
 */
public sealed interface Significance extends Serializable permits Significance.Active, Significance.Dominant {

    /** Default S1 threshold tau. */
    double DEFAULT_TAU = 0.0;
    /** Default S2 ratio eps. */
    double DEFAULT_EPS = 1000.0;

    /** S1 with tau = 0. */
    static Active s1() {
        return new Active(DEFAULT_TAU);
    }

    /** S1 with the given tau. */
    static Active s1(double tau) {
        return new Active(tau);
    }

    /** S2 with eps = 1000. */
    static Dominant s2() {
        return new Dominant(DEFAULT_EPS);
    }

    /** S2 with the given eps. */
    static Dominant s2(double eps) {
        return new Dominant(eps);
    }

    /** The short name used in tables: {@code "S1"} or {@code "S2"}. */
    String label();

    /**
     * Marks the significant neurons of one sample.
     *
     * @param row the activations; the sample occupies {@code row[offset .. offset + n)}, all finite
     * @param out receives {@code out[j] = true} where neuron j is significant (length at least n)
     * @return the number of significant neurons
     */
    int mark(float[] row, int offset, int n, boolean[] out);

    /**
     * S1, "active": {@code s1(a)_j = 1} iff {@code a_j > tau} (SPEC §1), compared exactly in float64.
     *
     * @param tau the threshold; any value but NaN (infinities allowed)
     */
    record Active(double tau) implements Significance {
        public Active {
            if (Double.isNaN(tau)) {
                throw new StatsException("S1 threshold tau must be a number, got NaN; use 0 for the ReLU gate");
            }
        }

        @Override
        public String label() {
            return "S1";
        }

        /**
         * The largest float {@code t} with {@code t <= tau}: for every float {@code a}, {@code a > tau} (compared
         * in float64) iff {@code a > t} (compared in float32). Lets hot loops compare floats without widening.
         */
        public float floatThreshold() {
            float t = (float) tau;
            if ((double) t > tau) {
                t = Math.nextDown(t);
            }
            return t;
        }

        @Override
        public int mark(float[] row, int offset, int n, boolean[] out) {
            float t = floatThreshold();
            int count = 0;
            for (int j = 0; j < n; j++) {
                boolean on = row[offset + j] > t;
                out[j] = on;
                count += on ? 1 : 0;
            }
            return count;
        }
    }

    /**
     * S2, "dominant" (SPEC §1): with the activations sorted descending, {@code a_(1) >= ... >= a_(n)}, values
     * {@code <= 0} counting as 0 and {@code a_(n+1) = 0}, the smallest k with {@code a_(k) > 0} and
     * {@code a_(k) > eps * a_(k+1)} (in float64); the neurons with value {@code >= a_(k)} are significant
     * (ties at the cut are all significant). No positive value: none is.
     * <p>Choice: a ratio against 0 is +inf and exceeds every eps, including eps = +infinity (read as the limit
     * eps to infinity, where {@code inf * 0} would otherwise be NaN). So with eps = +infinity every positive
     * neuron is significant: S2 equals S1 at tau = 0.
     *
     * @param eps the ratio; positive, not NaN, +infinity allowed
     */
    record Dominant(double eps) implements Significance {
        /** Passes of the linear scan before falling back to sorting (see {@link #cutoff}). */
        private static final int MAX_PASSES = 8;

        public Dominant {
            if (!(eps > 0)) {
                throw new StatsException("S2 ratio eps must be > 0, got " + eps + "; the default is " + DEFAULT_EPS);
            }
        }

        @Override
        public String label() {
            return "S2";
        }

        @Override
        public int mark(float[] row, int offset, int n, boolean[] out) {
            float cut = cutoff(row, offset, n, null);
            int count = 0;
            for (int j = 0; j < n; j++) {
                boolean on = row[offset + j] >= cut; // false for every value when cut is NaN
                out[j] = on;
                count += on ? 1 : 0;
            }
            return count;
        }

        /**
         * The value {@code a_(k)} at the S2 cut: neuron j is significant iff {@code row[offset + j] >= cutoff}.
         * Returns {@code Float.NaN} when no value is positive (then no comparison holds). The values must be
         * finite.
         * <p>Runs in linear, branch-free passes: the cluster of values reachable from the maximum without a gap
         * grows to {@code m' = min{v > 0 : eps * v >= m}} until it stops growing; then m is the cut (every
         * consecutive ratio inside the cluster is at most eps, and the next lower value v has
         * {@code m > eps * v} or is 0). With eps < 1 the cut is the maximum (k = 1 always). Once the smallest
         * positive value joins, it is the cut. The pass count is bounded by {@code log_eps(max / min)}; after
         * {@value #MAX_PASSES} passes (only with eps close to 1 or values spread over many decades) it sorts the
         * positive values instead. Before the first pass it tries the per-lane minima the scan found anyway
         * ({@link #reachesSmallest}), which on dense rows (values spread over more than eps without a gap)
         * settles the cut with no pass. Each pass is a {@link RowScan} fold over the bit patterns; this method
         * allocates their work arrays (about 3n ints), which the accumulators keep and reuse instead.
         *
         * @param scratch a work array of length at least n for the sorting fallback, or null to allocate one
         *                when needed
         * @throws StatsException when a value is NaN or infinite (S2 has no order to cut then; the accumulators
         *                        leave such samples out before they get here)
         */
        public float cutoff(float[] row, int offset, int n, float[] scratch) {
            int[] bits = new int[n];
            for (int j = 0; j < n; j++) {
                bits[j] = Float.floatToRawIntBits(row[offset + j]);
            }
            RowScan scan = new RowScan(n);
            scan.scan(bits, n);
            if (!scan.finite) {
                throw new StatsException("S2 needs finite activations, got a NaN or infinite value in "
                        + Arrays.toString(Arrays.copyOfRange(row, offset, Math.min(offset + n, offset + 16)))
                        + (n > 16 ? "..." : "") + "; leave such samples out first");
            }
            return cutoff(bits, n, scan, scratch);
        }

        /**
         * {@link #cutoff(float[], int, int, float[])} of the finite row whose IEEE bit patterns are
         * {@code bits[0 .. n)}, already {@link RowScan#scan(int[], int) scanned} by {@code scan} (whose work arrays
         * the extra passes use).
         */
        float cutoff(int[] bits, int n, RowScan scan, float[] scratch) {
            if (!scan.hasPositive()) {
                return Float.NaN;
            }
            float m = Float.intBitsToFloat(scan.maxBits);
            float smallest = Float.intBitsToFloat(scan.minPositiveBits);
            if (eps < 1) {
                return m; // a_(1) > eps * a_(2) whenever a_(2) <= a_(1)
            }
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                if (m == smallest) {
                    return m; // only zero (ratio +inf) below
                }
                float low = joinThreshold(m); // v joins iff v >= low, i.e. eps * v >= m, i.e. not (m > eps * v)
                if (smallest >= low) {
                    return smallest; // everything down to the smallest positive value joins in this pass
                }
                if (pass == 0 && reachesSmallest(scan, low, smallest)) {
                    return smallest;
                }
                float next = Float.intBitsToFloat(
                        scan.smallestAtLeast(bits, n, Float.floatToRawIntBits(low), Float.floatToRawIntBits(m)));
                if (next == m) {
                    return m;
                }
                m = next;
            }
            return sortedCutoff(bits, n, scratch);
        }

        /**
         * Whether the smallest positive value is known to join the cluster in the next pass without making it,
         * from the lane minima of the scan: any value u of the row with {@code u >= low} (here the smallest lane
         * minimum that is) bounds the next pass's result {@code m' = min{v >= low}} from above, and
         * {@link #joinThreshold} is monotone. So if the smallest positive value joins the cluster of u, it joins
         * that of m', and the cut is the smallest positive value. (m' is below m: were it m, no value would lie
         * in {@code [low, m)}, u would be m, and the smallest value would have joined m's cluster already.)
         */
        private boolean reachesSmallest(RowScan scan, float low, float smallest) {
            int u = scan.smallestLaneMinimumAtLeast(Float.floatToRawIntBits(low));
            return u != Integer.MAX_VALUE && smallest >= joinThreshold(Float.intBitsToFloat(u));
        }

        /**
         * The smallest positive float v with {@code eps * (double) v >= m}, for eps >= 1 (so it is at most m):
         * the float64 test as one float comparison, since {@code eps * v} rounds monotonically in v. Starts
         * from m / eps and steps by ulps to the exact boundary.
         */
        float joinThreshold(float m) {
            if (eps == Double.POSITIVE_INFINITY) {
                return Float.MIN_VALUE;
            }
            float low = Math.max((float) (m / eps), Float.MIN_VALUE);
            while (!(eps * low >= m)) {
                low = Math.nextUp(low);
            }
            while (low > Float.MIN_VALUE && eps * Math.nextDown(low) >= m) {
                low = Math.nextDown(low);
            }
            return low;
        }

        private float sortedCutoff(int[] bits, int n, float[] scratch) {
            float[] positive = scratch != null && scratch.length >= n ? scratch : new float[n];
            int p = 0;
            for (int j = 0; j < n; j++) {
                if (bits[j] > 0) { // a positive float; -0.0 and negatives have the sign bit set
                    positive[p++] = Float.intBitsToFloat(bits[j]);
                }
            }
            Arrays.sort(positive, 0, p); // ascending: positive[p - 1] = a_(1)
            for (int r = p - 1; r > 0; r--) {
                if (positive[r] > eps * positive[r - 1]) {
                    return positive[r];
                }
            }
            return positive[0]; // a_(p) > eps * 0 always holds
        }
    }
}
