package dev.onnxinspect.stats;

import java.io.Serializable;

/**
 * What the significance rules need to know of a sample before counting: whether every value is finite, the
 * largest value and the smallest positive value (and, for the S2 cut, the smallest value above a bound). A
 * mutable holder with its work arrays, owned by one accumulator; not thread-safe.
 * <p>The hot path ({@link #scan(int[], int)}, {@link #smallestAtLeast(int[], int, int, int)}) works on the IEEE
 * bit patterns of the row as ints, whose order equals the float order for non-negative floats. C2 (Java 17)
 * does not vectorise a reduction to one scalar, nor {@code Math.max}, so each is done as an elementwise fold
 * instead: every value is mapped to a non-negative int key with add/and/or/shift only, and
 * {@code w[k] = op(key_k, w[k - FOLD])} folds the keys of each residue class mod {@link #FOLD} into the last
 * {@code FOLD} slots of a work array (loads and stores at the loop index, plus one load at a constant distance
 * of the same array: the shape the JIT vectorises). {@code op} is a branch-free select, exact because all keys
 * lie in {@code [0, 2^31)}, so no difference of two keys overflows. Only those {@code FOLD} slots are then
 * reduced by a scalar loop.
 * <p>The float versions ({@link #scan(float[], int, int)}, {@link #smallestAtLeast(float[], int, int, int, int)})
 * are the plain scalar transcription, kept as the reference the kernels are tested against.
 */
final class RowScan implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The distance of the fold, a constant: a vector of up to {@code FOLD} slots never reads a slot the same
     * vector writes, which the JIT can prove (with a larger unrolled body it just does not vectorise).
     */
    static final int FOLD = 64;

    private static final int EXPONENT = 0x7F800000;
    private static final int EXPONENT_CARRY = 0x00800000;
    private static final int NON_NEGATIVE = 0x7FFFFFFF;

    /** Whether the last scanned row was all finite. */
    boolean finite;
    /** The bits of the largest value if it is positive, else a value <= 0. */
    int maxBits;
    /** The bits of the smallest positive value; {@link Integer#MAX_VALUE} when no value is positive. */
    int minPositiveBits;

    private final int[] high;
    private final int[] low;
    /** The length of the row last {@link #scan(int[], int) scanned}. */
    private int scanned;

    /** A scan for float rows only ({@link #scan(float[], int, int)}). */
    RowScan() {
        this(0);
    }

    /** A scan for int bit rows of up to {@code capacity} values. */
    RowScan(int capacity) {
        this.high = new int[capacity];
        this.low = new int[capacity];
    }

    /**
     * Scans the bit patterns {@code bits[0 .. n)}, {@code 0 <= n <= capacity} (an empty row has no positive value).
     * <p>Keys, with {@code p = max(b, 0) = b & ~(b >> 31)} (negatives and -0.0 count as 0): for the maximum
     * {@code p}, or {@code 0x7FFFFFFF} when b is NaN or infinite ({@code (b & EXPONENT) + EXPONENT_CARRY} has the
     * sign bit set iff the exponent is all ones), so the largest key is below {@code 0x7F800000} (+inf) iff the
     * row is finite, and is then the largest positive value or 0; for the smallest positive value
     * {@code (p - 1) & 0x7FFFFFFF}, which is {@code p - 1} for a positive value and {@code 0x7FFFFFFF} (above
     * every finite key) for 0.
     */
    void scan(int[] bits, int n) {
        int[] hi = high;
        int[] lo = low;
        int head = Math.min(n, FOLD);
        for (int k = 0; k < head; k++) {
            int b = bits[k];
            int p = b & ~(b >> 31);
            hi[k] = p | (((b & EXPONENT) + EXPONENT_CARRY) >> 31 & NON_NEGATIVE);
            lo[k] = (p - 1) & NON_NEGATIVE;
        }
        for (int k = FOLD; k < n; k++) {
            int b = bits[k];
            int p = b & ~(b >> 31);
            int keyHigh = p | (((b & EXPONENT) + EXPONENT_CARRY) >> 31 & NON_NEGATIVE);
            int d = keyHigh - hi[k - FOLD];
            hi[k] = keyHigh - (d & (d >> 31)); // max(keyHigh, hi[k - FOLD])
            int keyLow = (p - 1) & NON_NEGATIVE;
            int e = lo[k - FOLD] - keyLow;
            lo[k] = keyLow + (e & (e >> 31)); // min(keyLow, lo[k - FOLD])
        }
        int max = 0;
        int min = NON_NEGATIVE;
        for (int k = n - head; k < n; k++) {
            max = Math.max(max, hi[k]);
            min = Math.min(min, lo[k]);
        }
        finite = max < EXPONENT;
        maxBits = max;
        minPositiveBits = min == NON_NEGATIVE ? Integer.MAX_VALUE : min + 1;
        scanned = n;
    }

    /**
     * The bits of the smallest of the scan's lane minima that is {@code >= lowBits} (a positive value's bits),
     * or {@link Integer#MAX_VALUE} when there is none. The lane minima are the smallest positive value of each
     * residue class of the indices mod {@link #FOLD}, which the last {@link #scan(int[], int)} left in its work
     * array: values of the row, free to have. Valid only until {@link #smallestAtLeast(int[], int, int, int)}
     * overwrites them.
     */
    int smallestLaneMinimumAtLeast(int lowBits) {
        int best = Integer.MAX_VALUE;
        for (int k = scanned - Math.min(scanned, FOLD); k < scanned; k++) {
            int bits = low[k] + 1; // the key p - 1 back to p; a lane without a positive value wraps to < 0
            if (bits >= lowBits && bits < best) {
                best = bits;
            }
        }
        return best;
    }

    /**
     * The bits of the smallest value {@code >= low} in the finite row {@code bits[0 .. n)}, or {@code upperBits}
     * when none is smaller than the value of {@code upperBits}; {@code 0 < low <= upper}, both as float bits.
     * Key {@code (p - low) & 0x7FFFFFFF} with {@code p = max(b, 0)}: {@code p - low} in {@code [0, 2^31 - low)}
     * for a value at least low, and above that range (wrapped, then masked) for a value below low.
     */
    int smallestAtLeast(int[] bits, int n, int lowBits, int upperBits) {
        int[] lo = low;
        int head = Math.min(n, FOLD);
        for (int k = 0; k < head; k++) {
            int b = bits[k];
            lo[k] = ((b & ~(b >> 31)) - lowBits) & NON_NEGATIVE;
        }
        for (int k = FOLD; k < n; k++) {
            int b = bits[k];
            int key = ((b & ~(b >> 31)) - lowBits) & NON_NEGATIVE;
            int e = lo[k - FOLD] - key;
            lo[k] = key + (e & (e >> 31)); // min(key, lo[k - FOLD])
        }
        int min = upperBits - lowBits;
        for (int k = n - head; k < n; k++) {
            min = Math.min(min, lo[k]);
        }
        return min + lowBits;
    }

    /** Whether the scanned row has a positive value. */
    boolean hasPositive() {
        return maxBits > 0;
    }

    /** {@link #scan(int[], int)} of {@code row[offset .. offset + n)} as floats: the scalar reference. */
    void scan(float[] row, int offset, int n) {
        int bad = 0;
        int max = 0;
        int minEncoded = Integer.MAX_VALUE;
        for (int j = offset; j < offset + n; j++) {
            int bits = Float.floatToRawIntBits(row[j]);
            bad |= (bits & EXPONENT) + EXPONENT_CARRY; // sign bit set iff the exponent is all ones (NaN, inf)
            max = Math.max(max, bits);
            // positive floats have bits >= 1; zero and negatives map to 0, which encodes as the largest value
            minEncoded = Math.min(minEncoded, (Math.max(bits, 0) - 1) ^ Integer.MIN_VALUE);
        }
        finite = bad >= 0;
        maxBits = max;
        minPositiveBits = minEncoded == Integer.MAX_VALUE ? Integer.MAX_VALUE : (minEncoded ^ Integer.MIN_VALUE) + 1;
    }

    /**
     * {@link #smallestAtLeast(int[], int, int, int)} of {@code row[offset .. offset + n)} as floats: the scalar
     * reference. Negatives and zero are lifted to 0, and {@code (bits - low)} is compared unsigned (values below
     * low wrap to the top).
     */
    static int smallestAtLeast(float[] row, int offset, int n, int lowBits, int upperBits) {
        int best = (upperBits - lowBits) ^ Integer.MIN_VALUE;
        for (int j = offset; j < offset + n; j++) {
            int bits = Math.max(Float.floatToRawIntBits(row[j]), 0);
            best = Math.min(best, (bits - lowBits) ^ Integer.MIN_VALUE);
        }
        return (best ^ Integer.MIN_VALUE) + lowBits;
    }
}
