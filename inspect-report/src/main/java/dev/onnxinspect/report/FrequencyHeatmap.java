package dev.onnxinspect.report;

import java.util.List;

/**
 * Draws a {@link FrequencyMatrix} (SPEC §2) as a class x neuron heatmap with the fixed colour domain [0, 1], so
 * colours compare across layers. Exactly one {@code <rect>} per (class, neuron) cell.
 */
final class FrequencyHeatmap {
    static final String KIND = "frequency-heatmap";
    private static final double PLOT_WIDTH = 880;
    private static final double MAX_CELL_WIDTH = 24;
    private static final double CELL_HEIGHT = 16;

    private FrequencyHeatmap() {}

    static String render(FrequencyMatrix matrix, String id) {
        double cellWidth = Math.min(MAX_CELL_WIDTH, PLOT_WIDTH / matrix.neurons());
        var spec = new HeatmapChart.Spec(
                matrix.classes(),
                List.of(),
                matrix.neurons(),
                matrix::value,
                0,
                1,
                "class",
                "neuron",
                "activation frequency",
                3,
                cellWidth,
                CELL_HEIGHT,
                false);
        String caption = matrix.layer() + " \u00b7 " + matrix.significance() + " \u00b7 " + matrix.dataset()
                + " \u00b7 " + matrix.classes().size() + " classes x " + matrix.neurons() + " neurons";
        return Figure.of(
                caption, HeatmapChart.render(KIND, id, "Class x neuron frequencies of " + caption, spec), List.of());
    }
}
