package dev.onnxinspect.report;

import java.util.List;

/**
 * Draws a matrix as a heatmap: one SVG {@code <rect>} per cell coloured with {@link Viridis} over [min, max], a
 * tooltip per cell (beyond {@link #MAX_SVG_CELLS} cells one PNG image of a pixel per cell instead), row labels on the left, column labels (or neuron indices) below, and a colour legend on the
 * right. Used for class x neuron frequencies (SPEC §2) and KL matrices (SPEC §4).
 */
final class HeatmapChart {
    /** The value of one cell. */
    interface Cells {
        double value(int row, int column);
    }

    /**
     * What to draw.
     *
     * @param rows          row labels
     * @param columns       column labels, or an empty list for numbered columns (neurons 0..columnCount-1)
     * @param columnCount   number of columns
     * @param cells         the values
     * @param min           value drawn as the first viridis colour
     * @param max           value drawn as the last viridis colour, > min
     * @param rowTitle      axis title of the rows
     * @param columnTitle   axis title of the columns
     * @param legendTitle   title of the colour legend
     * @param decimals      decimals of the values in tooltips and cell labels
     * @param cellWidth     width of a cell in chart units
     * @param cellHeight    height of a cell in chart units
     * @param printValues   whether each cell shows its value as text (only for few, large cells)
     */
    record Spec(
            List<String> rows,
            List<String> columns,
            int columnCount,
            Cells cells,
            double min,
            double max,
            String rowTitle,
            String columnTitle,
            String legendTitle,
            int decimals,
            double cellWidth,
            double cellHeight,
            boolean printValues) {}

    /**
     * The most cells drawn as SVG elements (each with its tooltip). Choice: beyond 1,000 cells a heatmap is one PNG
     * image of a pixel per cell (a class x neuron heatmap of 10 x 512 is then ~10 KB instead of ~700 KB of SVG, and
     * opens at once); its values are in the Arrow tables.
     */
    static final int MAX_SVG_CELLS = 1_000;

    private static final int LABEL_CHARS = 18;
    private static final double TOP = 10;
    private static final double LEGEND_WIDTH = 92;

    private HeatmapChart() {}

    static String render(String kind, String id, String label, Spec spec) {
        int rowCount = spec.rows().size();
        double left = 28 + Axes.CHAR_WIDTH * Math.min(LABEL_CHARS, longest(spec.rows()));
        double plotWidth = spec.cellWidth() * spec.columnCount();
        double plotHeight = spec.cellHeight() * rowCount;
        double bottom = spec.columns().isEmpty()
                ? 44
                : 30 + Axes.CHAR_WIDTH * 0.72 * Math.min(LABEL_CHARS, longest(spec.columns()));
        double width = left + plotWidth + LEGEND_WIDTH;
        double height = TOP + Math.max(plotHeight, 120) + bottom;
        Svg svg = Svg.chart(kind, id, width, height, label);
        if ((long) rowCount * spec.columnCount() > MAX_SVG_CELLS) {
            // one pixel per cell, scaled up without smoothing (CSS image-rendering: pixelated)
            svg.empty(
                    "image",
                    "class",
                    "cells-image",
                    "x",
                    Svg.num(left),
                    "y",
                    Svg.num(TOP),
                    "width",
                    Svg.num(plotWidth),
                    "height",
                    Svg.num(plotHeight),
                    "preserveAspectRatio",
                    "none",
                    "href",
                    PngImages.dataUri(
                            rowCount,
                            spec.columnCount(),
                            (r, c) -> Viridis.rgb(normalised(spec.cells().value(r, c), spec))));
            rowLabels(svg, spec, left);
            columnAxis(svg, spec, left, TOP + plotHeight);
            legend(svg, id, spec, left + plotWidth + 18, TOP, Math.max(plotHeight, 120));
            return svg.finish();
        }
        // Cells narrower than two pixels are anti-aliased: snapping them to pixels would drop whole neurons. The
        // background in the colour of the mean value hides the seams anti-aliasing leaves between cells.
        svg.rect(left, TOP, plotWidth, plotHeight, Viridis.color(normalised(mean(spec), spec)), "");
        svg.open("g", "class", "cells", "shape-rendering", spec.cellWidth() >= 2 ? "crispEdges" : "");
        for (int r = 0; r < rowCount; r++) {
            for (int c = 0; c < spec.columnCount(); c++) {
                double value = spec.cells().value(r, c);
                String columnName = spec.columns().isEmpty()
                        ? "neuron " + c
                        : spec.columns().get(c);
                svg.rect(
                        left + c * spec.cellWidth(),
                        TOP + r * spec.cellHeight(),
                        spec.cellWidth(),
                        spec.cellHeight(),
                        Viridis.color(normalised(value, spec)),
                        spec.rows().get(r) + ", " + columnName + ": " + Axes.format(value, spec.decimals()));
            }
        }
        svg.close("g");
        if (spec.printValues()) {
            printValues(svg, spec, left);
        }
        rowLabels(svg, spec, left);
        columnAxis(svg, spec, left, TOP + plotHeight);
        legend(svg, id, spec, left + plotWidth + 18, TOP, Math.max(plotHeight, 120));
        return svg.finish();
    }

    /** The value's position in the colour scale, in [0, 1]. */
    static double normalised(double value, Spec spec) {
        return Math.max(0, Math.min(1, (value - spec.min()) / (spec.max() - spec.min())));
    }

    private static void printValues(Svg svg, Spec spec, double left) {
        svg.open("g", "class", "cell-values", "text-anchor", "middle", "aria-hidden", "true");
        for (int r = 0; r < spec.rows().size(); r++) {
            for (int c = 0; c < spec.columnCount(); c++) {
                double value = spec.cells().value(r, c);
                svg.element(
                        "text",
                        Axes.format(value, spec.decimals()),
                        "x",
                        Svg.num(left + (c + 0.5) * spec.cellWidth()),
                        "y",
                        Svg.num(TOP + (r + 0.5) * spec.cellHeight() + 3.5),
                        "class",
                        Viridis.needsDarkText(normalised(value, spec)) ? "on-light" : "on-dark");
            }
        }
        svg.close("g");
    }

    private static void rowLabels(Svg svg, Spec spec, double left) {
        for (int r = 0; r < spec.rows().size(); r++) {
            String name = spec.rows().get(r);
            svg.open(
                    "text",
                    "x",
                    Svg.num(left - 5),
                    "y",
                    Svg.num(TOP + (r + 0.5) * spec.cellHeight() + 4),
                    "class",
                    "tick",
                    "text-anchor",
                    "end");
            svg.element("title", name).text(Axes.shorten(name, LABEL_CHARS)).close("text");
        }
        double middle = TOP + spec.cellHeight() * spec.rows().size() / 2;
        svg.element(
                "text",
                spec.rowTitle(),
                "class",
                "axis-title",
                "text-anchor",
                "middle",
                "transform",
                "translate(12 " + Svg.num(middle) + ") rotate(-90)");
    }

    private static void columnAxis(Svg svg, Spec spec, double left, double bottom) {
        double plotWidth = spec.cellWidth() * spec.columnCount();
        LinearScale x = new LinearScale(0, spec.columnCount(), left, left + plotWidth);
        double titleY;
        if (spec.columns().isEmpty()) {
            for (double tick : x.ticks(6)) {
                if (tick >= spec.columnCount()) {
                    continue;
                }
                double px = x.apply(tick + 0.5);
                svg.line(px, bottom, px, bottom + 4, "axis");
                svg.element(
                        "text",
                        Axes.format(tick, 0),
                        "x",
                        Svg.num(px),
                        "y",
                        Svg.num(bottom + 16),
                        "class",
                        "tick",
                        "text-anchor",
                        "middle");
            }
            titleY = bottom + 34;
        } else {
            for (int c = 0; c < spec.columnCount(); c++) {
                String name = spec.columns().get(c);
                double px = x.apply(c + 0.5);
                svg.open(
                        "text",
                        "class",
                        "tick",
                        "text-anchor",
                        "end",
                        "transform",
                        "translate(" + Svg.num(px + 3) + " " + Svg.num(bottom + 12) + ") rotate(-45)");
                svg.element("title", name).text(Axes.shorten(name, LABEL_CHARS)).close("text");
            }
            titleY = bottom + 22 + Axes.CHAR_WIDTH * 0.72 * Math.min(LABEL_CHARS, longest(spec.columns()));
        }
        svg.element(
                "text",
                spec.columnTitle(),
                "x",
                Svg.num(left + plotWidth / 2),
                "y",
                Svg.num(titleY),
                "class",
                "axis-title",
                "text-anchor",
                "middle");
    }

    private static void legend(Svg svg, String id, Spec spec, double x, double top, double height) {
        String gradient = id + "-scale";
        svg.open("defs").open("linearGradient", "id", gradient, "x1", "0", "y1", "1", "x2", "0", "y2", "0");
        for (int i = 0; i <= 10; i++) {
            svg.empty("stop", "offset", Axes.format(i / 10.0, 1), "stop-color", Viridis.color(i / 10.0));
        }
        svg.close("linearGradient").close("defs");
        svg.empty(
                "rect",
                "x",
                Svg.num(x),
                "y",
                Svg.num(top),
                "width",
                "12",
                "height",
                Svg.num(height),
                "fill",
                "url(#" + gradient + ")",
                "class",
                "legend-bar");
        LinearScale scale = new LinearScale(spec.min(), spec.max(), top + height, top);
        int decimals = LinearScale.decimalsFor(scale.tickStep(4));
        for (double tick : scale.ticks(4)) {
            double py = scale.apply(tick);
            svg.line(x + 12, py, x + 16, py, "axis");
            svg.element(
                    "text", Axes.format(tick, decimals), "x", Svg.num(x + 19), "y", Svg.num(py + 4), "class", "tick");
        }
        svg.element(
                "text",
                spec.legendTitle(),
                "class",
                "axis-title",
                "text-anchor",
                "middle",
                "transform",
                "translate(" + Svg.num(x + 64) + " " + Svg.num(top + height / 2) + ") rotate(90)");
    }

    private static double mean(Spec spec) {
        double sum = 0;
        for (int r = 0; r < spec.rows().size(); r++) {
            for (int c = 0; c < spec.columnCount(); c++) {
                sum += spec.cells().value(r, c);
            }
        }
        return sum / ((double) spec.rows().size() * spec.columnCount());
    }

    private static int longest(List<String> labels) {
        return labels.stream().mapToInt(String::length).max().orElse(1);
    }
}
