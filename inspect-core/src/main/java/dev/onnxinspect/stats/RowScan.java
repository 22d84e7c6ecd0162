package dev.onnxinspect.stats;

/**
 * One branch-free pass over a sample's values that finds what the significance rules need first: whether every
 * value is finite, the largest value and the smallest positive value. Works on the IEEE bit patterns as ints,
 * whose order equals the float order for non-negative floats, so the JIT can keep the loop free of
 * unpredictable branches (half the values of a ReLU layer are 0, in no predictable order). A mutable holder,
 * owned by one accumulator; not thread-safe.
 */
final class RowScan {
    private static final int EXPONENT = 0x7F800000;
    private static final int EXPONENT_CARRY = 0x00800000;

    /** Whether the last scanned row was all finite. */
    boolean finite;
    /** The bits of the largest value if it is positive, else a value <= 0. */
    int maxBits;
    /** The bits of the smallest positive value; {@link Integer#MAX_VALUE} when no value is positive. */
    int minPositiveBits;

    /** Scans {@code row[offset .. offset + n)}. */
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

    /** Whether the scanned row has a positive value. */
    boolean hasPositive() {
        return maxBits > 0;
    }

    /**
     * The bits of the smallest value {@code >= low} in the row, or {@code upperBits} when none is smaller than
     * the value of {@code upperBits}. {@code 0 < low <= upper}, both as float bits. Branch-free: negatives and
     * zero are lifted to 0, and {@code (bits - low)} is compared unsigned (values below low wrap to the top).
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
