package dev.onnxinspect.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws the distribution of one layer's per-node accuracies (SPEC §8) as a histogram over [0, 1], with the layer's
 * own accuracy and chance (1/K) marked.
 */
final class NodeAccuracyChart {
    static final String KIND = "node-accuracy";
    static final int BINS = 25;
    private static final double WIDTH = 420;
    private static final double HEIGHT = 240;
    private static final double LEFT = 58;
    private static final double RIGHT = 14;
    private static final double TOP = 14;
    private static final double BOTTOM = 44;
    private static final String BAR_COLOR = "#2a788e";
    private static final String LAYER_COLOR = "#d1495b";

    private NodeAccuracyChart() {}

    static String render(NodeClassifierSummary s, String id) {
        int[] counts = s.histogram(BINS);
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        LinearScale x = new LinearScale(0, 1, LEFT, WIDTH - RIGHT);
        LinearScale y = LinearScale.niceZeroTo(max, HEIGHT - BOTTOM, TOP);
        String caption = s.layer() + " \u00b7 " + s.nodeAccuracies().length + " nodes \u00b7 layer accuracy "
                + Axes.format(s.layerAccuracy(), 4);
        Svg svg = Svg.chart(KIND, id, WIDTH, HEIGHT, "Node accuracies of " + caption);
        Axes.left(svg, y, LEFT, WIDTH - RIGHT, "nodes");
        double binWidth = x.length(1.0 / BINS);
        svg.open("g", "class", "bars");
        for (int b = 0; b < BINS; b++) {
            if (counts[b] == 0) {
                continue;
            }
            svg.rect(
                    x.apply((double) b / BINS) + 0.5,
                    y.apply(counts[b]),
                    binWidth - 1,
                    y.length(counts[b]),
                    BAR_COLOR,
                    String.format(
                            Locale.ROOT,
                            "accuracy [%s, %s%s: %d nodes",
                            Axes.format((double) b / BINS, 2),
                            Axes.format((double) (b + 1) / BINS, 2),
                            b == BINS - 1 ? "]" : ")",
                            counts[b]));
        }
        svg.close("g");
        double px = x.apply(s.layerAccuracy());
        svg.empty(
                "line",
                "x1",
                Svg.num(px),
                "y1",
                Svg.num(TOP),
                "x2",
                Svg.num(px),
                "y2",
                Svg.num(HEIGHT - BOTTOM),
                "stroke",
                LAYER_COLOR,
                "stroke-width",
                "2");
        svg.element(
                "text",
                "layer",
                "x",
                Svg.num(Math.min(px + 3, WIDTH - RIGHT - 30)),
                "y",
                Svg.num(TOP + 10),
                "class",
                "tick");
        Axes.bottom(svg, x, HEIGHT - BOTTOM, "accuracy of the node alone (bars) and of the layer (line)");
        return Figure.of(caption, svg.finish(), List.of());
    }
}
