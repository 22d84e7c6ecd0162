package dev.onnxinspect.report;

import java.util.List;

/**
 * Draws a {@link KlMatrix} (SPEC §4) as a heatmap: rows are P (the first argument of KL), columns Q. Choice: the
 * colour domain is [0, largest entry] of each matrix (KL has no common upper bound); values are printed in the
 * cells when the cells are large enough, and are always in the tooltips.
 */
final class KlHeatmap {
    static final String KIND = "kl-heatmap";
    private static final double PLOT_WIDTH = 480;
    private static final double MAX_CELL = 36;
    private static final double MIN_CELL = 10;
    private static final double PRINT_CELL = 34;

    private KlHeatmap() {}

    static String render(KlMatrix matrix, String id) {
        int columns = matrix.columnClasses().size();
        double cell = Math.max(MIN_CELL, Math.min(MAX_CELL, PLOT_WIDTH / columns));
        double max = 0;
        for (int r = 0; r < matrix.rowClasses().size(); r++) {
            for (int c = 0; c < columns; c++) {
                max = Math.max(max, matrix.value(r, c));
            }
        }
        var spec = new HeatmapChart.Spec(
                matrix.rowClasses(),
                matrix.columnClasses(),
                columns,
                matrix::value,
                0,
                max > 0 ? max : 1,
                "P: class on " + matrix.rowDataset(),
                "Q: class on " + matrix.columnDataset(),
                "KL(P \u2016 Q), nats",
                3,
                cell,
                cell,
                cell >= PRINT_CELL);
        String caption = matrix.layer() + " \u00b7 " + matrix.quantity() + " \u00b7 KL(" + matrix.rowDataset()
                + " \u2016 " + matrix.columnDataset() + ")";
        return Figure.of(caption, HeatmapChart.render(KIND, id, "KL divergences " + caption, spec), List.of());
    }
}
