package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.List;

/** Draws the ROC curves of one (ID, OOD) pair (SPEC §6) in one chart, one line per detector, with the chance diagonal.
 * */
final class RocChart {
    static final String KIND = "roc";
    private static final double SIZE = 440;

    private RocChart() {}

    /** The size of one small multiple. */
    private static final double SMALL = 230;

    /**
     * One detector's ROC curve as a small chart of its own (the small multiples of a pair: one chart per detector,
     * ordered by AUROC, instead of a single chart with a line per detector that nobody can read beyond a handful).
     *
     * @param auroc the curve's AUROC, shown in the caption
     */
    static String small(RocCurve curve, double auroc, String id) {
        List<LineChart.Series> series = List.of(new LineChart.Series(
                curve.label(), Palette.color(0), Palette.dash(0), curve.fpr(), curve.tpr(), List.of()));
        var frame =
                new LineChart.Frame(0, 1, 1, "FPR (ID flagged)", "TPR (OOD flagged)", List.of(), true, SMALL, SMALL);
        String caption = curve.label() + " \u00b7 AUROC " + Axes.format(auroc, 4);
        return Figure.of(
                caption,
                LineChart.render(
                        KIND,
                        id,
                        "ROC of " + caption + ", ID " + curve.idDataset() + " vs OOD " + curve.oodDataset(),
                        frame,
                        series),
                List.of());
    }

    /** @param curves the curves of one pair, at least one */
    static String render(List<RocCurve> curves, String id) {
        RocCurve first = curves.get(0);
        List<LineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < curves.size(); i++) {
            RocCurve curve = curves.get(i);
            series.add(new LineChart.Series(
                    curve.label(), Palette.color(i), Palette.dash(i), curve.fpr(), curve.tpr(), List.of()));
        }
        var frame = new LineChart.Frame(
                0,
                1,
                1,
                "false-positive rate (ID flagged as OOD)",
                "true-positive rate (OOD flagged)",
                List.of(),
                true,
                SIZE,
                SIZE);
        String caption = "ROC \u00b7 ID " + first.idDataset() + " vs OOD " + first.oodDataset();
        return Figure.of(caption, LineChart.render(KIND, id, caption, frame, series), LineChart.legend(series));
    }
}
