package dev.onnxinspect.samples.report;

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
        for (int c = 0; c < histogram.classes().size(); c++) {
            text.append('\n').append(histogram.classes().get(c)).append(": ").append(histogram.count(c, bin));
        }
        return text.toString();
    }
}
