package dev.onnxinspect.report;

import java.util.Locale;

/**
 * The viridis colour map (perceptually uniform, readable with the common colour-vision deficiencies and in grey
 * scale). Choice: 11 anchor colours of matplotlib's viridis at t = 0, 0.1, ..., 1, interpolated linearly in sRGB;
 * the difference from the 256-entry table is below what a screen shows.
 */
public final class Viridis {
    private static final int[] ANCHORS = {
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
    };

    private Viridis() {}

    /** The colour of {@code t} in [0, 1] as {@code #rrggbb}; values outside are clamped, NaN is rejected. */
    public static String color(double t) {
        if (Double.isNaN(t)) {
            throw new ReportException("Cannot colour NaN; the report accepts only numbers (check the data source)");
        }
        double clamped = Math.max(0, Math.min(1, t));
        double position = clamped * (ANCHORS.length - 1);
        int low = Math.min((int) Math.floor(position), ANCHORS.length - 2);
        double weight = position - low;
        int r = mix(ANCHORS[low] >> 16, ANCHORS[low + 1] >> 16, weight);
        int g = mix(ANCHORS[low] >> 8 & 0xff, ANCHORS[low + 1] >> 8 & 0xff, weight);
        int b = mix(ANCHORS[low] & 0xff, ANCHORS[low + 1] & 0xff, weight);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** The colour of {@code t} in [0, 1] as a packed {@code 0xrrggbb} (the pixels of heatmaps drawn as images). */
    static int rgb(double t) {
        return Integer.parseInt(color(t).substring(1), 16);
    }

    /** Whether text drawn over {@code color(t)} should be dark (the upper part of viridis is light). */
    public static boolean needsDarkText(double t) {
        return t > 0.55;
    }

    private static int mix(int from, int to, double weight) {
        return (int) Math.round(from + (to - from) * weight);
    }
}
