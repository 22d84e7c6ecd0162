package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts for the samples module's study pages (package {@code dev.onnxinspect.samples.studies}): the same SVG the audit
 * report draws (frequency histograms, KL heatmaps, line charts), each wrapped in a captioned {@code <figure>}, so that
 * a study page needs no chart code of its own. Pure functions; every caller text is escaped.
 */
public final class StudyCharts {
    private static final double WIDTH = 440;
    private static final double HEIGHT = 280;

    private StudyCharts() {}

    /**
     * One named line of {@link #lines}: {@code y[k]} at {@code x[k]} (with categories, {@code x[k]} is the category's
     * index). Arrays copied.
     */
    public record Line(String label, double[] x, double[] y) {
        public Line {
            Require.text(label, "StudyCharts.Line.label");
            if (x == null || y == null || x.length != y.length || x.length == 0) {
                throw new ReportException("line '" + label + "' needs as many y values as x values, at least one");
            }
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }

    /** A frequency histogram (SPEC §2) as the audit report draws it; {@code id} must be unique on the page. */
    public static String histogram(FrequencyHistogram histogram, String id) {
        return HistogramChart.render(histogram, id);
    }

    /**
     * A KL matrix (SPEC §4) as the audit report's heatmap: {@code kl[r][c]} = KL(P_r || Q_c) of the row class r on
     * {@code rowDataset} and the column class c on {@code columnDataset}; {@code id} must be unique on the page.
     */
    public static String klHeatmap(
            String layer,
            String quantity,
            String rowDataset,
            String columnDataset,
            List<String> rowClasses,
            List<String> columnClasses,
            double[][] kl,
            String id) {
        return KlHeatmap.render(
                new KlMatrix(layer, quantity, rowDataset, columnDataset, rowClasses, columnClasses, kl), id);
    }

    /**
     * Lines on a y axis from 0, over named categories (e.g. layers) when {@code categories} is not empty, else over a
     * numeric x axis spanning the lines' x values; each point has a tooltip with its value, and the legend names the
     * lines in the palette's colours and dashes.
     */
    public static String lines(
            String id, String caption, String xTitle, String yTitle, List<String> categories, List<Line> lines) {
        if (lines.isEmpty()) {
            throw new ReportException("chart '" + caption + "' needs at least one line");
        }
        double xMin =
                lines.stream().flatMapToDouble(l -> Arrays.stream(l.x())).min().orElse(0);
        double xMax =
                lines.stream().flatMapToDouble(l -> Arrays.stream(l.x())).max().orElse(1);
        double yMax = lines.stream()
                .flatMapToDouble(l -> Arrays.stream(l.y()))
                .filter(Double::isFinite)
                .max()
                .orElse(1);
        List<LineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            List<String> tooltips = new ArrayList<>();
            double[] x = line.x();
            double[] y = line.y();
            for (int k = 0; k < x.length; k++) {
                String at = categories.isEmpty() ? Svg.num(x[k]) : categories.get((int) x[k]);
                tooltips.add(line.label() + " at " + at + ": " + String.format(Locale.ROOT, "%.4g", y[k]));
            }
            series.add(new LineChart.Series(line.label(), Palette.color(i), Palette.dash(i), x, y, tooltips));
        }
        LineChart.Frame frame = new LineChart.Frame(
                xMin,
                xMax > xMin ? xMax : xMin + 1,
                yMax > 0 ? yMax : 1,
                xTitle,
                yTitle,
                categories,
                false,
                WIDTH,
                HEIGHT);
        String svg = LineChart.render("study-lines", id, caption, frame, series);
        return Figure.of(caption, svg, LineChart.legend(series));
    }
}
