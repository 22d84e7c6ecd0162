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
        return values[lo] + (h - lo) * (values[lo + 1] - values[lo]);
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
        return values[lo] + (h - lo) * ((double) values[lo + 1] - values[lo]);
    }

    static void checkPercent(String what, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new OodException(what + " must lie in [0, 100], got " + percent);
        }
    }
}
