package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.StepSummary;
import dev.onnxinspect.report.Html;
import dev.onnxinspect.report.LinearScale;
import dev.onnxinspect.report.Palette;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The inline SVG charts of the dynamics report and the studies' pages: box plots of a similarity per checkpoint step,
 * line charts of a quantity over steps, and scatter plots of one figure per model against another. Pure functions of
 * their input; every caller text is escaped with {@link Html#escape}.
 */
public final class SvgCharts {
    private static final int WIDTH = 420;
    private static final int HEIGHT = 240;
    private static final int LEFT = 52;
    private static final int RIGHT = 12;
    private static final int TOP = 26;
    private static final int BOTTOM = 36;

    private SvgCharts() {}

    /** One named line: y[k] at step x[k]. */
    public record Series(String name, int[] x, double[] y) {
        public Series {
            if (x.length != y.length || x.length == 0) {
                throw new DynamicsException("series " + name + ": needs as many steps as values, at least one");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    /**
     * Box plots of one similarity kind: per step a box from the lower to the upper quartile, the median as a line,
     * whiskers to min and max (all from {@link StepSummary}), y axis [0, 1] or [-1, 1] when a value is negative.
     */
    public static String boxPlots(String title, List<StepSummary> steps) {
        if (steps.isEmpty()) {
            return "";
        }
        double lo = steps.stream().mapToDouble(StepSummary::min).min().orElse(0) < 0 ? -1 : 0;
        LinearScale y = new LinearScale(lo, 1, HEIGHT - BOTTOM, TOP);
        int n = steps.size();
        double slot = (WIDTH - LEFT - RIGHT) / (double) n;
        StringBuilder svg = open(title, y, "similarity");
        for (int k = 0; k < n; k++) {
            StepSummary s = steps.get(k);
            double cx = LEFT + slot * (k + 0.5);
            double half = Math.min(14, slot * 0.35);
            svg.append(String.format(
                    Locale.ROOT,
                    "<g><title>step %d (checkpoints %d-%d): n=%d, min %.4f, q1 %.4f,"
                            + " median %.4f, q3 %.4f, max %.4f, mean %.4f</title>",
                    s.step(),
                    s.previousStep(),
                    s.step(),
                    s.count(),
                    s.min(),
                    s.lowerQuartile(),
                    s.median(),
                    s.upperQuartile(),
                    s.max(),
                    s.mean()));
            svg.append(line(cx, y.apply(s.min()), cx, y.apply(s.lowerQuartile()), "#555"));
            svg.append(line(cx, y.apply(s.upperQuartile()), cx, y.apply(s.max()), "#555"));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                            + " fill=\"#88ccee\" stroke=\"#332288\"/>",
                    cx - half,
                    y.apply(s.upperQuartile()),
                    2 * half,
                    Math.max(0.5, y.apply(s.lowerQuartile()) - y.apply(s.upperQuartile()))));
            svg.append(line(cx - half, y.apply(s.median()), cx + half, y.apply(s.median()), "#cc6677"));
            svg.append(line(cx - half / 2, y.apply(s.min()), cx + half / 2, y.apply(s.min()), "#555"));
            svg.append(line(cx - half / 2, y.apply(s.max()), cx + half / 2, y.apply(s.max()), "#555"));
            svg.append("</g>");
            if (n <= 20 || k % Math.ceil(n / 20.0) == 0) {
                svg.append(text(cx, HEIGHT - BOTTOM + 14, Integer.toString(s.step()), "middle"));
            }
        }
        svg.append(
                text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, "checkpoint step t (compares t-1, t)", "middle"));
        return svg.append("</svg>").toString();
    }

    /** Lines over steps, y from 0 to a round maximum, with a legend. */
    public static String lines(String title, String yLabel, List<Series> series) {
        return lines(title, yLabel, "checkpoint step (epoch)", series);
    }

    /**
     * Lines over an integer x axis labelled {@code xLabel} (e.g. the layer index), y from 0 to a round maximum, with
     * a legend; "" for no series.
     */
    public static String lines(String title, String yLabel, String xLabel, List<Series> series) {
        if (series.isEmpty()) {
            return "";
        }
        int minX = series.stream().flatMapToInt(s -> Arrays.stream(s.x())).min().orElse(0);
        int maxX = series.stream().flatMapToInt(s -> Arrays.stream(s.x())).max().orElse(1);
        double maxY =
                series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).max().orElse(1);
        LinearScale y = LinearScale.niceZeroTo(maxY, HEIGHT - BOTTOM, TOP);
        LinearScale x = new LinearScale(minX, Math.max(maxX, minX + 1), LEFT, WIDTH - RIGHT - 110);
        StringBuilder svg = open(title, y, yLabel);
        for (int step = minX; step <= maxX; step += Math.max(1, (maxX - minX) / 10)) {
            svg.append(text(x.apply(step), HEIGHT - BOTTOM + 14, Integer.toString(step), "middle"));
        }
        svg.append(text(x.apply((minX + maxX) / 2.0), HEIGHT - 6, xLabel, "middle"));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            StringBuilder points = new StringBuilder();
            for (int k = 0; k < s.x().length; k++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.apply(s.x()[k]), y.apply(s.y()[k])));
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"")
                    .append(Palette.color(i))
                    .append("\" stroke-dasharray=\"")
                    .append(Palette.dash(i))
                    .append("\" points=\"")
                    .append(points.toString().trim())
                    .append("\"><title>")
                    .append(Html.escape(s.name()))
                    .append("</title></polyline>");
            double ly = TOP + 12 + 13 * i;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
                            + " stroke-dasharray=\"%s\" stroke-width=\"2\"/>",
                    WIDTH - RIGHT - 104,
                    ly - 4,
                    WIDTH - RIGHT - 88,
                    ly - 4,
                    Palette.color(i),
                    Palette.dash(i)));
            svg.append(text(WIDTH - RIGHT - 84, ly, s.name(), "start"));
        }
        return svg.append("</svg>").toString();
    }

    /**
     * One point of a scatter plot.
     *
     * @param x       the horizontal value, finite
     * @param y       the vertical value, finite
     * @param group   index into the plot's group names (its colour and legend entry)
     * @param tooltip the hover text (e.g. the model's name and figures)
     */
    public record Point(double x, double y, int group, String tooltip) {
        public Point {
            if (!Double.isFinite(x) || !Double.isFinite(y) || group < 0 || tooltip == null) {
                throw new DynamicsException("a scatter point needs finite x and y, a group >= 0 and a tooltip, got ("
                        + x + ", " + y + "), group " + group);
            }
        }
    }

    /**
     * A scatter plot: one circle per point, coloured by group, with a legend of the group names. Both axes span the
     * data with 5% padding on each side (a single value v spans [v - 0.5, v + 0.5]), so neither starts at 0.
     *
     * @throws DynamicsException when a point's group has no name
     */
    public static String scatter(String title, String xLabel, String yLabel, List<String> groups, List<Point> points) {
        for (Point p : points) {
            if (p.group() >= groups.size()) {
                throw new DynamicsException("scatter point '" + p.tooltip() + "' is in group " + p.group()
                        + " but only " + groups.size() + " group names were given");
            }
        }
        if (points.isEmpty()) {
            return "";
        }
        double[] xr = padded(points.stream().mapToDouble(Point::x).toArray());
        double[] yr = padded(points.stream().mapToDouble(Point::y).toArray());
        LinearScale y = new LinearScale(yr[0], yr[1], HEIGHT - BOTTOM, TOP);
        LinearScale x = new LinearScale(xr[0], xr[1], LEFT, WIDTH - RIGHT - 110);
        StringBuilder svg = open(title, y, yLabel);
        int decimals = LinearScale.decimalsFor(x.tickStep(5));
        for (double t : x.ticks(5)) {
            svg.append(line(x.apply(t), HEIGHT - BOTTOM, x.apply(t), HEIGHT - BOTTOM + 3, "#333"));
            svg.append(text(
                    x.apply(t), HEIGHT - BOTTOM + 14, String.format(Locale.ROOT, "%." + decimals + "f", t), "middle"));
        }
        svg.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT - 110, HEIGHT - BOTTOM, "#333"));
        svg.append(text((LEFT + WIDTH - RIGHT - 110) / 2.0, HEIGHT - 6, xLabel, "middle"));
        for (Point p : points) {
            svg.append(String.format(
                            Locale.ROOT,
                            "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\""
                                    + " fill-opacity=\"0.8\" stroke=\"#222\" stroke-width=\"0.5\"><title>",
                            x.apply(p.x()),
                            y.apply(p.y()),
                            Palette.color(p.group())))
                    .append(Html.escape(p.tooltip()))
                    .append("</title></circle>");
        }
        for (int i = 0; i < groups.size(); i++) {
            double ly = TOP + 12 + 13 * i;
            svg.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%d\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>",
                    WIDTH - RIGHT - 96,
                    ly - 4,
                    Palette.color(i)));
            svg.append(text(WIDTH - RIGHT - 84, ly, groups.get(i), "start"));
        }
        return svg.append("</svg>").toString();
    }

    /** [low, high]: the values' range widened by 5% of its span on each side, or by 0.5 when the span is 0. */
    static double[] padded(double[] values) {
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        double pad = max > min ? 0.05 * (max - min) : 0.5;
        return new double[] {min - pad, max + pad};
    }

    private static StringBuilder open(String title, LinearScale y, String yLabel) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\" font-size=\"10\">",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        svg.append(text(WIDTH / 2.0, 14, title, "middle").replace("font-size=\"10\"", "font-size=\"12\""));
        double step = y.tickStep(5);
        int decimals = LinearScale.decimalsFor(step);
        for (double t : y.ticks(5)) {
            svg.append(line(LEFT, y.apply(t), WIDTH - RIGHT, y.apply(t), "#e4e4e4"));
            svg.append(text(LEFT - 4, y.apply(t) + 3, String.format(Locale.ROOT, "%." + decimals + "f", t), "end"));
        }
        svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "#333"));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\""
                        + " text-anchor=\"middle\" font-size=\"10\">%s</text>",
                (TOP + HEIGHT - BOTTOM) / 2.0,
                (TOP + HEIGHT - BOTTOM) / 2.0,
                Html.escape(yLabel)));
        return svg;
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                x1,
                y1,
                x2,
                y2,
                color);
    }

    private static String text(double x, double y, String content, String anchor) {
        return String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"10\">%s</text>",
                x,
                y,
                anchor,
                Html.escape(content));
    }
}
