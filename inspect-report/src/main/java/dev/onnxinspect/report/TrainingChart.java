package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Draws train (solid) and test (dashed) accuracy per epoch (SPEC §11), one colour per run. */
final class TrainingChart {
    static final String KIND = "training";
    private static final double WIDTH = 640;
    private static final double HEIGHT = 300;

    private TrainingChart() {}

    /** @param epochs at least one */
    static String render(List<TrainingEpoch> epochs, String id) {
        Set<String> runs = new LinkedHashSet<>();
        epochs.forEach(e -> runs.add(e.run()));
        int lastEpoch = epochs.stream().mapToInt(TrainingEpoch::epoch).max().orElse(0);
        int firstEpoch = epochs.stream().mapToInt(TrainingEpoch::epoch).min().orElse(0);
        List<LineChart.Series> series = new ArrayList<>();
        int index = 0;
        for (String run : runs) {
            List<TrainingEpoch> points = epochs.stream()
                    .filter(e -> e.run().equals(run))
                    .sorted((a, b) -> Integer.compare(a.epoch(), b.epoch()))
                    .toList();
            series.add(series(run + " train", points, true, Palette.color(index), ""));
            series.add(series(run + " test", points, false, Palette.color(index), "6 3"));
            index++;
        }
        var frame = new LineChart.Frame(
                firstEpoch,
                Math.max(lastEpoch, firstEpoch + 1),
                1,
                "epoch",
                "accuracy",
                List.of(),
                false,
                WIDTH,
                HEIGHT);
        return Figure.of(
                "Training curves",
                LineChart.render(KIND, id, "Train and test accuracy per epoch", frame, series),
                LineChart.legend(series));
    }

    private static LineChart.Series series(
            String label, List<TrainingEpoch> points, boolean train, String color, String dash) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        List<String> tooltips = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            x[i] = points.get(i).epoch();
            y[i] = train ? points.get(i).trainAccuracy() : points.get(i).testAccuracy();
            tooltips.add(String.format(
                    Locale.ROOT, "%s, epoch %d: %.4f", label, points.get(i).epoch(), y[i]));
        }
        return new LineChart.Series(label, color, dash, x, y, tooltips);
    }
}
