package dev.onnxinspect.report;

import java.util.List;

/**
 * Draws one detector's ID and OOD score histograms over the same bins (each normalised to its own sample count, so
 * sets of different sizes compare), with the FPR95 threshold as a vertical line: the OOD mass left of the line is
 * what the detector accepts at 95% ID acceptance.
 */
final class ScoreDistributionChart {
    static final String KIND = "score-distribution";
    static final String ID_COLOR = "#2a788e";
    static final String OOD_COLOR = "#e07a1f";
    private static final double WIDTH = 360;
    private static final double HEIGHT = 200;
    private static final double LEFT = 52;
    private static final double RIGHT = 12;
    private static final double TOP = 12;
    private static final double BOTTOM = 40;

    private ScoreDistributionChart() {}

    static String render(ScoreDistribution d, String id) {
        int bins = d.bins();
        double[] idShare = shares(d, true);
        double[] oodShare = shares(d, false);
        double max = 0;
        for (int b = 0; b < bins; b++) {
            max = Math.max(max, Math.max(idShare[b], oodShare[b]));
        }
        LinearScale x = new LinearScale(d.lower(), d.upper(), LEFT, WIDTH - RIGHT);
        LinearScale y = LinearScale.niceZeroTo(max, HEIGHT - BOTTOM, TOP);
        String caption = d.detector() + " \u00b7 AUROC " + Axes.format(d.auroc(), 4) + " \u00b7 FPR95 "
                + Axes.format(d.fpr95(), 4);
        Svg svg = Svg.chart(KIND, id, WIDTH, HEIGHT, "Score distributions of " + caption);
        Axes.left(svg, y, LEFT, WIDTH - RIGHT, "share of the set");
        svg.open("g", "class", "bars");
        area(svg, x, y, d, idShare, ID_COLOR);
        area(svg, x, y, d, oodShare, OOD_COLOR);
        svg.close("g");
        double t = Math.max(d.lower(), Math.min(d.upper(), d.threshold()));
        double px = x.apply(t);
        svg.open(
                "line",
                "class",
                "threshold",
                "x1",
                Svg.num(px),
                "y1",
                Svg.num(TOP),
                "x2",
                Svg.num(px),
                "y2",
                Svg.num(HEIGHT - BOTTOM),
                "stroke",
                "#111",
                "stroke-width",
                "1.5",
                "stroke-dasharray",
                "5 3");
        svg.element(
                "title",
                "FPR95 threshold " + Axes.format(d.threshold(), 4) + ": 95% of the ID set scores at or below it");
        svg.close("line");
        Axes.bottom(svg, x, HEIGHT - BOTTOM, "score (higher = more OOD)");
        return Figure.of(
                caption,
                svg.finish(),
                List.of(
                        new Figure.LegendEntry("ID " + d.idDataset(), ID_COLOR, ""),
                        new Figure.LegendEntry("OOD " + d.oodDataset(), OOD_COLOR, ""),
                        new Figure.LegendEntry("FPR95 threshold", "#111", "5 3")));
    }

    private static double[] shares(ScoreDistribution d, boolean idSet) {
        double[] share = new double[d.bins()];
        long total = 0;
        for (int b = 0; b < d.bins(); b++) {
            total += idSet ? d.idCount(b) : d.oodCount(b);
        }
        for (int b = 0; b < d.bins(); b++) {
            share[b] = total == 0 ? 0 : (double) (idSet ? d.idCount(b) : d.oodCount(b)) / total;
        }
        return share;
    }

    /** The histogram as one closed step path (one element per set, however many bins). */
    private static void area(Svg svg, LinearScale x, LinearScale y, ScoreDistribution d, double[] share, String color) {
        double width = (d.upper() - d.lower()) / d.bins();
        StringBuilder path = new StringBuilder("M")
                .append(Svg.num(x.apply(d.lower())))
                .append(' ')
                .append(Svg.num(y.apply(0)));
        for (int b = 0; b < d.bins(); b++) {
            double py = y.apply(share[b]);
            path.append(" L")
                    .append(Svg.num(x.apply(d.lower() + b * width)))
                    .append(' ')
                    .append(Svg.num(py));
            path.append(" L")
                    .append(Svg.num(x.apply(d.lower() + (b + 1) * width)))
                    .append(' ')
                    .append(Svg.num(py));
        }
        path.append(" L")
                .append(Svg.num(x.apply(d.upper())))
                .append(' ')
                .append(Svg.num(y.apply(0)))
                .append(" Z");
        svg.empty(
                "path",
                "d",
                path.toString(),
                "fill",
                color,
                "fill-opacity",
                "0.45",
                "stroke",
                color,
                "stroke-width",
                "1");
    }
}
