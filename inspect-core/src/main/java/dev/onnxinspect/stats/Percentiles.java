package dev.onnxinspect.stats;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * The library's one percentile rule: linear interpolation between order statistics, Hyndman-Fan type 7 (numpy's
 * default, SPEC §5). With x the n values sorted ascending (0-based) and h = (n - 1) * percent / 100, the percentile is
 * x[floor(h)] interpolated towards x[floor(h) + 1] by the fraction h - floor(h); the 100th is x[n - 1].
 * Used for ReAct's clipping threshold and DICE's contribution threshold (SPEC §5) and for the quartiles of the path
 * similarity summaries (SPEC §9, {@code dynamics.StepSummary}).
 *
 * <p>Choice: SPEC says "linear interpolation (type 7)" without a rounding order. The interpolation rounds exactly as
 * numpy's {@code percentile} (method "linear") does: {@code a + (b - a) t} for t &lt; 0.5, {@code b - (b - a)(1 - t)}
 * for t &gt;= 0.5 (see {@link #lerp}). The two forms differ by one ulp in about 10% of cases, and the ulp matters for
 * DICE's strict "above the percentile" test, so we follow numpy, which a reference implementation most likely uses.
 *
 * <p>Choice: Guava's {@code Quantiles} is not used: it interpolates as {@code a + (b - a) * remainder / 100} with an
 * integer remainder, which rounds differently from both forms above, so it would move ReAct's and DICE's thresholds
 * (and with them the scores) by an ulp on some data.
 */
public final class Percentiles {
    private Percentiles() {}

    /**
     * The type-7 percentile of {@code sorted[0..count)}, which must be sorted ascending (not checked).
     *
     * @param count   how many values, at least 1 and at most {@code sorted.length}
     * @param percent in [0, 100]
     * @throws StatsException if count or percent is out of range
     */
    public static double type7Sorted(double[] sorted, int count, double percent) {
        check(sorted.length, count, percent);
        return interpolate(count, percent, i -> sorted[i]);
    }

    /** {@link #type7Sorted(double[], int, double)} for float values (interpolated in float64). */
    public static double type7Sorted(float[] sorted, int count, double percent) {
        check(sorted.length, count, percent);
        return interpolate(count, percent, i -> sorted[i]);
    }

    /**
     * The type-7 percentile of all the values; sorts them in place (give a scratch copy to keep the order).
     *
     * @param values  at least one value
     * @param percent in [0, 100]
     * @throws StatsException if there is no value or percent is out of range
     */
    public static double type7InPlace(double[] values, double percent) {
        check(values.length, values.length, percent);
        Arrays.sort(values);
        return type7Sorted(values, values.length, percent);
    }

    /** {@link #type7InPlace(double[], double)} for float values (sorted in place; interpolated in float64). */
    public static double type7InPlace(float[] values, double percent) {
        check(values.length, values.length, percent);
        Arrays.sort(values);
        return type7Sorted(values, values.length, percent);
    }

    private static double interpolate(int count, double percent, IntToDoubleFunction orderStatistic) {
        double h = (count - 1) * (percent / 100);
        int lo = (int) Math.floor(h);
        if (lo >= count - 1) {
            return orderStatistic.applyAsDouble(count - 1);
        }
        return lerp(orderStatistic.applyAsDouble(lo), orderStatistic.applyAsDouble(lo + 1), h - lo);
    }

    /**
     * Linear interpolation between two order statistics exactly as numpy's {@code percentile} (method "linear")
     * rounds it: {@code a + (b - a) t} for t &lt; 0.5, {@code b - (b - a)(1 - t)} for t &gt;= 0.5.
     */
    static double lerp(double a, double b, double t) {
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    private static void check(int length, int count, double percent) {
        if (count < 1) {
            throw new StatsException("a percentile of no values is undefined: give at least one value, got " + count);
        }
        if (count > length) {
            throw new StatsException("a percentile of " + count + " values was asked of an array of " + length);
        }
        if (!(percent >= 0 && percent <= 100)) {
            throw new StatsException("a percentile must lie in [0, 100], got " + percent);
        }
    }
}
