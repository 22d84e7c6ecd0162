package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws series as lines on a numeric y axis, with either a numeric x axis or named categories (series x values are
 * then category indices). Used for the layer summaries, ROC curves and training curves.
 */
final class LineChart {
    /**
     * One line.
     *
     * @param label    legend text
     * @param color    stroke colour
     * @param dash     stroke-dasharray, empty for solid
     * @param x        x values
     * @param y        y values, as many as x
     * @param tooltips one hover text per point, drawn as markers; empty for a plain line
     */
    record Series(String label, String color, String dash, double[] x, double[] y, List<String> tooltips) {
        Series {
            if (x.length != y.length || (!tooltips.isEmpty() && tooltips.size() != x.length)) {
                throw new ReportException("Series '" + label + "' needs as many y values and tooltips as x values, got "
                        + x.length + ", " + y.length + " and " + tooltips.size());
            }
        }
    }

    /**
     * The axes.
     *
     * @param xMin        x domain start (ignored with categories)
     * @param xMax        x domain end (ignored with categories)
     * @param yMax        top of the y axis before rounding up to a nice value; the y axis starts at 0
     * @param xTitle      x axis title
     * @param yTitle      y axis title
     * @param categories  named x positions, or empty for a numeric x axis
     * @param diagonal    whether to draw the chance diagonal (ROC)
     * @param width       chart width in chart units
     * @param height      chart height in chart units
     */
    record Frame(
            double xMin,
            double xMax,
            double yMax,
            String xTitle,
            String yTitle,
            List<String> categories,
            boolean diagonal,
            double width,
            double height) {}

    private static final double LEFT = 58;
    private static final double RIGHT = 16;
    private static final double TOP = 12;
    private static final int CATEGORY_CHARS = 16;
    /** Points closer than this (in chart units) to the last drawn one are dropped: invisible, and keeps files small. */
    private static final double RESOLUTION = 0.5;

    private LineChart() {}

    static String render(String kind, String id, String label, Frame frame, List<Series> series) {
        boolean categorical = !frame.categories().isEmpty();
        double bottom = categorical ? 30 + Axes.CHAR_WIDTH * 0.55 * longestCategory(frame) : 46;
        double right = frame.width() - RIGHT;
        LinearScale x = categorical
                ? new LinearScale(-0.5, frame.categories().size() - 0.5, LEFT, right)
                : new LinearScale(frame.xMin(), frame.xMax(), LEFT, right);
        LinearScale y = LinearScale.niceZeroTo(frame.yMax(), frame.height() - bottom, TOP);
        Svg svg = Svg.chart(kind, id, frame.width(), frame.height(), label);
        Axes.left(svg, y, LEFT, right, frame.yTitle());
        if (categorical) {
            Axes.bottomCategories(svg, x, frame.categories(), frame.height() - bottom, CATEGORY_CHARS);
        } else {
            Axes.bottom(svg, x, frame.height() - bottom, frame.xTitle());
        }
        if (frame.diagonal()) {
            svg.line(x.apply(frame.xMin()), y.apply(0), x.apply(frame.xMax()), y.apply(frame.xMax()), "chance");
        }
        for (Series line : series) {
            svg.empty(
                    "polyline",
                    "points",
                    points(line, x, y),
                    "fill",
                    "none",
                    "stroke",
                    line.color(),
                    "stroke-width",
                    "2",
                    "stroke-dasharray",
                    line.dash(),
                    "stroke-linejoin",
                    "round");
            for (int i = 0; i < line.tooltips().size(); i++) {
                svg.open(
                        "circle",
                        "cx",
                        Svg.num(x.apply(line.x()[i])),
                        "cy",
                        Svg.num(y.apply(line.y()[i])),
                        "r",
                        "3.5",
                        "fill",
                        line.color(),
                        "class",
                        "marker");
                svg.element("title", line.tooltips().get(i)).close("circle");
            }
        }
        return svg.finish();
    }

    /** Legend entries for the series, in order. */
    static List<Figure.LegendEntry> legend(List<Series> series) {
        List<Figure.LegendEntry> entries = new ArrayList<>();
        for (Series line : series) {
            entries.add(new Figure.LegendEntry(line.label(), line.color(), line.dash()));
        }
        return entries;
    }

    /** The polyline points, skipping points within {@link #RESOLUTION} of the previously kept one (the last is kept).
     * */
    static String points(Series line, LinearScale x, LinearScale y) {
        StringBuilder points = new StringBuilder();
        double lastX = Double.NaN;
        double lastY = Double.NaN;
        int n = line.x().length;
        for (int i = 0; i < n; i++) {
            double px = x.apply(line.x()[i]);
            double py = y.apply(line.y()[i]);
            boolean close = Math.abs(px - lastX) < RESOLUTION && Math.abs(py - lastY) < RESOLUTION;
            if (close && i < n - 1) {
                continue;
            }
            points.append(points.length() == 0 ? "" : " ")
                    .append(Svg.num(px))
                    .append(',')
                    .append(Svg.num(py));
            lastX = px;
            lastY = py;
        }
        return points.toString();
    }

    private static double longestCategory(Frame frame) {
        return Math.min(
                CATEGORY_CHARS,
                frame.categories().stream().mapToInt(String::length).max().orElse(1));
    }
}
