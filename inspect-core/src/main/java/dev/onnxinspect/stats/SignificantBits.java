package dev.onnxinspect.stats;

/**
 * The S1 and S2 tests of SPEC §1 on a row of IEEE bit patterns ({@link Float#floatToRawIntBits}) of finite
 * floats, as loops the JIT vectorises: each value's test result is a sign bit made with add/sub/and only
 * (C2 in Java 17 vectorises neither {@code Math.max}, nor ternaries, nor float compares), every array is
 * indexed by the loop variable alone (offsets would defeat the JIT's alias analysis), and nothing is reduced
 * to a scalar.
 * <p>Why the tests are exact: for floats {@code v, t >= +0} the float order equals the order of the bit
 * patterns as ints, all in {@code [0, 2^31)}. So for a finite value with bits b and a threshold t >= +0 with
 * bits tb ({@code -0.0} normalised to {@code +0.0}, +inf allowed):
 * <ul>
 *   <li>{@code v > t} iff {@code ((tb - b) & ~b) < 0}: if b < 0 (a negative value or -0.0, so {@code v <= 0 <= t}),
 *       {@code ~b} has no sign bit; otherwise {@code tb - b} cannot overflow and is negative iff b > tb;</li>
 *   <li>{@code v >= cut} for a finite {@code cut > 0} iff {@code v > pred(cut)} where {@code pred} is the
 *       preceding bit pattern ({@code bits(cut) - 1 >= 0}), the same test with {@code tb = bits(cut) - 1}.</li>
 * </ul>
 * A NaN S2 cut (no positive value: nothing is S2-significant) becomes {@link #NONE}, which no finite value's
 * bits exceed. A negative S1 threshold has no such form and is tested on the floats ({@link #countAbove(int[],
 * int[], int, float)}): correct, not fast.
 */
final class SignificantBits {
    /** The "threshold bits" above which no finite value lies. */
    static final int NONE = Integer.MAX_VALUE;

    private SignificantBits() {}

    /** Whether {@link #thresholdBits} can stand for t: t >= 0 (including -0.0) or +inf. */
    static boolean bitComparable(float t) {
        return t >= 0f;
    }

    /** The bits tb with {@code v > t} iff {@code ((tb - b) & ~b) < 0}, for {@code t >= 0}; -0.0 gives +0.0's 0. */
    static int thresholdBits(float t) {
        return t == 0f ? 0 : Float.floatToRawIntBits(t);
    }

    /** The threshold bits of "v >= cut" for the S2 cut (positive, or NaN for none). */
    static int atLeastBits(float cut) {
        return cut > 0f ? Float.floatToRawIntBits(cut) - 1 : NONE;
    }

    /** {@code counts[j] += 1} where {@code v_j > t}, with {@code tb = thresholdBits(t)}. */
    static void countAbove(int[] counts, int[] bits, int n, int tb) {
        for (int j = 0; j < n; j++) {
            counts[j] += ((tb - bits[j]) & ~bits[j]) >>> 31;
        }
    }

    /** {@code counts[j] += 1} where {@code v_j > t} for any t (the scalar float path for t < 0). */
    static void countAbove(int[] counts, int[] bits, int n, float t) {
        for (int j = 0; j < n; j++) {
            counts[j] += Float.intBitsToFloat(bits[j]) > t ? 1 : 0;
        }
    }

    /** S1 and S2 in one loop: {@code above[j] += v_j > t}, {@code atLeast[j] += v_j >= cut}. */
    static void countAboveAndAtLeast(int[] above, int[] atLeast, int[] bits, int n, int tb, int cutBits) {
        for (int j = 0; j < n; j++) {
            int b = bits[j];
            above[j] += ((tb - b) & ~b) >>> 31;
            atLeast[j] += ((cutBits - b) & ~b) >>> 31;
        }
    }

    /**
     * For t = 0 and a positive cut (so that {@code v >= cut} implies {@code v > 0}): {@code above[j] += v_j > 0}
     * and {@code aboveNotAtLeast[j] += (v_j > 0) - (v_j >= cut)}.
     */
    static void countAboveNotAtLeast(int[] above, int[] aboveNotAtLeast, int[] bits, int n, int cutBits) {
        for (int j = 0; j < n; j++) {
            int b = bits[j];
            int on = (-b & ~b) >>> 31;
            above[j] += on;
            aboveNotAtLeast[j] += on - (((cutBits - b) & ~b) >>> 31);
        }
    }

    /** {@code out[j] = v_j > t ? 1 : 0} with {@code tb = thresholdBits(t)}. */
    static void above(int[] out, int[] bits, int n, int tb) {
        for (int j = 0; j < n; j++) {
            out[j] = ((tb - bits[j]) & ~bits[j]) >>> 31;
        }
    }

    /**
     * {@code out[j] = v_j > t ? select[j] : 0} with {@code tb = thresholdBits(t)}: the arithmetic shift of the
     * test's sign bit is an all-ones or all-zeros mask.
     */
    static void select(int[] out, int[] bits, int n, int tb, int[] select) {
        for (int j = 0; j < n; j++) {
            out[j] = select[j] & (((tb - bits[j]) & ~bits[j]) >> 31);
        }
    }

    /** {@code out[j] = v_j > t ? 1 : 0} for any t (the scalar float path for t < 0). */
    static void above(int[] out, int[] bits, int n, float t) {
        for (int j = 0; j < n; j++) {
            out[j] = Float.intBitsToFloat(bits[j]) > t ? 1 : 0;
        }
    }
}
