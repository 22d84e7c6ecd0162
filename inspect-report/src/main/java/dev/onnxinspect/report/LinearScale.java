package dev.onnxinspect.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a data interval [domainMin, domainMax] linearly onto a pixel interval [rangeStart, rangeEnd] (the range may
 * run backwards, as a y axis does: domainMin at the bottom pixel). Immutable.
 *
 * @param domainMin  data value mapped to {@code rangeStart}
 * @param domainMax  data value mapped to {@code rangeEnd}; strictly greater than {@code domainMin}
 * @param rangeStart pixel of {@code domainMin}
 * @param rangeEnd   pixel of {@code domainMax}
 */
public record LinearScale(double domainMin, double domainMax, double rangeStart, double rangeEnd) {
    /** Maxima (times a power of ten) whose top tick is a multiple of the {@link #tickStep} for 4 to 6 ticks. */
    private static final double[] NICE_MAXIMA = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};

    public LinearScale {
        if (!Double.isFinite(domainMin) || !Double.isFinite(domainMax) || !(domainMax > domainMin)) {
            throw new ReportException("A scale needs a finite domain with max > min, got [" + domainMin + ", "
                    + domainMax + "]; widen the domain (e.g. with niceZeroTo for an all-zero series)");
        }
        if (!Double.isFinite(rangeStart) || !Double.isFinite(rangeEnd)) {
            throw new ReportException("A scale needs a finite pixel range, got [" + rangeStart + ", " + rangeEnd + "]");
        }
    }

    /**
     * A scale from 0 to a "nice" maximum at or above {@code max} (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
     * ten), so that the top tick is a round number and little of the axis is empty. A maximum of 0 or less gives the
     * domain [0, 1].
     */
    public static LinearScale niceZeroTo(double max, double rangeStart, double rangeEnd) {
        if (!Double.isFinite(max)) {
            throw new ReportException("A chart maximum must be finite, got " + max);
        }
        return new LinearScale(0, max <= 0 ? 1 : niceCeil(max), rangeStart, rangeEnd);
    }

    /** The pixel of a data value; values outside the domain extrapolate linearly. */
    public double apply(double value) {
        return rangeStart + (value - domainMin) / (domainMax - domainMin) * (rangeEnd - rangeStart);
    }

    /** The pixel length of a data extent starting at {@code domainMin} (e.g. a bar's height), always >= 0. */
    public double length(double value) {
        return Math.abs(apply(value) - rangeStart);
    }

    /** The tick step: 1, 2 or 5 times a power of ten, giving at most about {@code count} intervals. */
    public double tickStep(int count) {
        if (count < 1) {
            throw new ReportException("Tick count must be >= 1, got " + count);
        }
        double raw = (domainMax - domainMin) / count;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /**
     * Tick values: the multiples of {@link #tickStep} inside the domain, both ends included when they are multiples.
     * Each is the double nearest the decimal multiple (3 x 0.2 gives 0.6, not 0.6000000000000001).
     */
    public List<Double> ticks(int count) {
        double step = tickStep(count);
        List<Double> ticks = new ArrayList<>();
        long first = (long) Math.ceil(domainMin / step - 1e-9);
        long last = (long) Math.floor(domainMax / step + 1e-9);
        for (long k = first; k <= last; k++) {
            ticks.add(BigDecimal.valueOf(k).multiply(BigDecimal.valueOf(step)).doubleValue());
        }
        return ticks;
    }

    /** Decimals needed to print ticks of the given step without losing digits (0 for integer steps). */
    public static int decimalsFor(double step) {
        return Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    }

    private static double niceCeil(double max) {
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        double fraction = max / power;
        for (double nice : NICE_MAXIMA) {
            if (fraction <= nice) {
                return nice * power;
            }
        }
        return 10 * power;
    }
}
