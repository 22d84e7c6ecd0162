package dev.onnxinspect.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws one {@link FrequencyHistogram} (SPEC §2) as a bar chart over [0, 1]. Choice: the bars show the neurons per
 * bin summed over the classes (one readable shape per small multiple even with many classes); each bar's tooltip
 * lists the count of every class.
 */
final class HistogramChart {
    static final String KIND = "histogram";
    static final double WIDTH = 380;
    static final double HEIGHT = 240;
    private static final double LEFT = 58;
    private static final double RIGHT = 12;
    private static final double TOP = 10;
    private static final double BOTTOM = 46;
    private static final String BAR_COLOR = "#2a788e";

    /**
     * The most classes a bar's tooltip lists. Choice: beyond 12 classes it lists the 11 with the most neurons in the
     * bin and how many more there are (a tooltip of 1000 lines per bar made a K = 1000 report tens of MB).
     */
    static final int TOOLTIP_CLASSES = 12;

    private HistogramChart() {}

    static String render(FrequencyHistogram histogram, String id) {
        int bins = histogram.bins();
        LinearScale x = new LinearScale(0, 1, LEFT, WIDTH - RIGHT);
        long max = 0;
        for (int b = 0; b < bins; b++) {
            max = Math.max(max, histogram.total(b));
        }
        LinearScale y = LinearScale.niceZeroTo((double) max, HEIGHT - BOTTOM, TOP);
        String caption = histogram.layer() + " \u00b7 " + histogram.significance() + " \u00b7 " + histogram.dataset();
        Svg svg = Svg.chart(KIND, id, WIDTH, HEIGHT, "Frequency histogram of " + caption);
        Axes.left(
                svg,
                y,
                LEFT,
                WIDTH - RIGHT,
                "neurons (sum over " + histogram.classes().size() + " classes)");
        double binWidth = x.length(1.0 / bins);
        double gap = bins <= 50 ? Math.min(1, binWidth * 0.15) : 0;
        svg.open("g", "class", "bars");
        for (int b = 0; b < bins; b++) {
            long total = histogram.total(b);
            if (total == 0) {
                continue;
            }
            double height = y.length((double) total);
            svg.rect(
                    x.apply((double) b / bins) + gap / 2,
                    y.apply((double) total),
                    binWidth - gap,
                    height,
                    BAR_COLOR,
                    tooltip(histogram, b));
        }
        svg.close("g");
        Axes.bottom(svg, x, HEIGHT - BOTTOM, "class-wise activation frequency");
        return Figure.of(caption, svg.finish(), List.of());
    }

    private static String tooltip(FrequencyHistogram histogram, int bin) {
        int bins = histogram.bins();
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "[%s, %s%s: %d neurons",
                Axes.format((double) bin / bins, 3),
                Axes.format((double) (bin + 1) / bins, 3),
                bin == bins - 1 ? "]" : ")",
                histogram.total(bin)));
        int classes = histogram.classes().size();
        if (classes <= TOOLTIP_CLASSES) {
            for (int c = 0; c < classes; c++) {
                text.append('\n')
                        .append(histogram.classes().get(c))
                        .append(": ")
                        .append(histogram.count(c, bin));
            }
            return text.toString();
        }
        // many classes (e.g. 1000): the classes with the most neurons in the bin, so that a tooltip stays a tooltip
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        Arrays.sort(
                order,
                (a, b) -> a.equals(b)
                        ? 0
                        : histogram.count(b, bin) != histogram.count(a, bin)
                                ? Integer.compare(histogram.count(b, bin), histogram.count(a, bin))
                                : Integer.compare(a, b));
        for (int k = 0; k < TOOLTIP_CLASSES - 1; k++) {
            int c = order[k];
            text.append('\n').append(histogram.classes().get(c)).append(": ").append(histogram.count(c, bin));
        }
        text.append("\n\u2026 and ").append(classes - TOOLTIP_CLASSES + 1).append(" more classes");
        return text.toString();
    }
}
