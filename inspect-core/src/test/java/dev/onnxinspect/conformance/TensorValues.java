package dev.onnxinspect.conformance;

import java.util.Arrays;

/**
 * A tensor's values for comparison: numbers as doubles (exact for every type but int64 beyond 2^53), or strings;
 * plus the raw little-endian bytes for bitwise comparison.
 */
record TensorValues(String type, long[] shape, double[] numbers, String[] strings, byte[] raw) {

    /**
     * Whether {@code actual} equals this (expected) tensor within {@code tolerance}:
     * |a - e| <= tolerance * (1 + |e|) for every element; NaN equals NaN; infinities must match exactly.
     */
    boolean matches(TensorValues actual, double tolerance) {
        if (!Arrays.equals(shape, actual.shape) && !(count(shape) == count(actual.shape) && count(shape) <= 1)) {
            return false;
        }
        if (strings != null || actual.strings != null) {
            return Arrays.equals(strings, actual.strings);
        }
        if (numbers.length != actual.numbers.length) {
            return false;
        }
        for (int i = 0; i < numbers.length; i++) {
            double e = numbers[i];
            double a = actual.numbers[i];
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) {
                    return false;
                }
            } else if (Double.isInfinite(e) || Double.isInfinite(a)) {
                if (e != a) {
                    return false;
                }
            } else if (Math.abs(a - e) > tolerance * (1 + Math.abs(e))) {
                return false;
            }
        }
        return true;
    }

    /** Same shape and the same bytes (or strings). */
    boolean bitwiseEquals(TensorValues other) {
        return Arrays.equals(shape, other.shape)
                && Arrays.equals(raw, other.raw)
                && Arrays.equals(strings, other.strings);
    }

    private static long count(long[] s) {
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        return n;
    }
}
