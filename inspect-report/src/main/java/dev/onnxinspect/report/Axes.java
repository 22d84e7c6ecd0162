package dev.onnxinspect.report;

import java.util.List;
import java.util.Locale;

/** Draws chart axes: tick marks, tick labels, grid lines and axis titles into an {@link Svg}. */
final class Axes {
    /** Average advance of a character of the 11 px chart font, for layout estimates (no text measuring offline). */
    static final double CHAR_WIDTH = 6.2;

    private static final int TICKS = 5;

    private Axes() {}

    /** A y axis at {@code left}: labelled ticks with grid lines across to {@code right}, title rotated. */
    static void left(Svg svg, LinearScale y, double left, double right, String title) {
        double step = y.tickStep(TICKS);
        int decimals = LinearScale.decimalsFor(step);
        for (double tick : y.ticks(TICKS)) {
            double py = y.apply(tick);
            svg.line(left, py, right, py, "grid");
            svg.element(
                    "text",
                    format(tick, decimals),
                    "x",
                    Svg.num(left - 6),
                    "y",
                    Svg.num(py + 4),
                    "class",
                    "tick",
                    "text-anchor",
                    "end");
        }
        svg.line(left, y.rangeStart(), left, y.rangeEnd(), "axis");
        double middle = (y.rangeStart() + y.rangeEnd()) / 2;
        svg.element(
                "text",
                title,
                "class",
                "axis-title",
                "text-anchor",
                "middle",
                "transform",
                "translate(14 " + Svg.num(middle) + ") rotate(-90)");
    }

    /** An x axis at {@code bottom} with numeric ticks and a title below. */
    static void bottom(Svg svg, LinearScale x, double bottom, String title) {
        double step = x.tickStep(TICKS);
        int decimals = LinearScale.decimalsFor(step);
        for (double tick : x.ticks(TICKS)) {
            double px = x.apply(tick);
            svg.line(px, bottom, px, bottom + 4, "axis");
            svg.element(
                    "text",
                    format(tick, decimals),
                    "x",
                    Svg.num(px),
                    "y",
                    Svg.num(bottom + 16),
                    "class",
                    "tick",
                    "text-anchor",
                    "middle");
        }
        svg.line(x.rangeStart(), bottom, x.rangeEnd(), bottom, "axis");
        svg.element(
                "text",
                title,
                "x",
                Svg.num((x.rangeStart() + x.rangeEnd()) / 2),
                "y",
                Svg.num(bottom + 34),
                "class",
                "axis-title",
                "text-anchor",
                "middle");
    }

    /**
     * An x axis of named categories at pixel positions {@code x.apply(index)}, labels slanted so long names fit;
     * a shortened label keeps the full name as its tooltip.
     */
    static void bottomCategories(Svg svg, LinearScale x, List<String> categories, double bottom, int maxChars) {
        svg.line(x.rangeStart(), bottom, x.rangeEnd(), bottom, "axis");
        for (int i = 0; i < categories.size(); i++) {
            double px = x.apply(i);
            svg.line(px, bottom, px, bottom + 4, "axis");
            svg.open(
                    "text",
                    "class",
                    "tick",
                    "text-anchor",
                    "end",
                    "transform",
                    "translate(" + Svg.num(px + 3) + " " + Svg.num(bottom + 12) + ") rotate(-30)");
            svg.element("title", categories.get(i))
                    .text(shorten(categories.get(i), maxChars))
                    .close("text");
        }
    }

    /** {@code label} cut to {@code maxChars} characters with an ellipsis at the end when longer. */
    static String shorten(String label, int maxChars) {
        return label.length() <= maxChars ? label : label.substring(0, Math.max(1, maxChars - 1)) + "\u2026";
    }

    /** Fixed decimals in the ROOT locale. */
    static String format(double value, int decimals) {
        String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return text.charAt(0) == '-' && text.chars().allMatch(ch -> ch == '-' || ch == '0' || ch == '.')
                ? text.substring(1)
                : text;
    }
}
