package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Draws the {@link LayerSummary} rows as line charts across layers (x: layers in model order, one line per class):
 * per dataset, the S1 active fraction, the S2 active fraction (SPEC §2; sparsity is one minus it) and the
 * perplexity (SPEC §7). A class missing at a layer has no point there.
 */
final class LayerSummaryCharts {
    static final String KIND = "layer-summary";
    /** Charts drawn per dataset. */
    static final int CHARTS_PER_DATASET = 3;

    private static final double WIDTH = 380;
    private static final double HEIGHT = 260;

    private record Metric(String key, String title, String axis, ToDoubleFunction<LayerSummary> value) {}

    private static final List<Metric> METRICS = List.of(
            new Metric(
                    "active-s1",
                    "active fraction S1",
                    "active fraction (1 \u2212 sparsity)",
                    LayerSummary::activeFractionS1),
            new Metric(
                    "active-s2",
                    "active fraction S2",
                    "active fraction (1 \u2212 sparsity)",
                    LayerSummary::activeFractionS2),
            new Metric("perplexity", "perplexity of S1 patterns", "perplexity e^H", LayerSummary::perplexity));

    private LayerSummaryCharts() {}

    /** The figures, {@link #CHARTS_PER_DATASET} per dataset in order of first appearance. */
    static List<String> render(ReportData data) {
        List<String> layers = layerOrder(data);
        Set<String> datasets = new LinkedHashSet<>();
        data.layerSummaries().forEach(s -> datasets.add(s.dataset()));
        List<String> figures = new ArrayList<>();
        int datasetIndex = 0;
        for (String dataset : datasets) {
            List<LayerSummary> rows = data.layerSummaries().stream()
                    .filter(s -> s.dataset().equals(dataset))
                    .toList();
            for (Metric metric : METRICS) {
                figures.add(chart(rows, layers, dataset, metric, "layer-summary-" + datasetIndex + "-" + metric.key()));
            }
            datasetIndex++;
        }
        return figures;
    }

    /**
     * The most classes drawn as lines of their own. Choice: with more classes (e.g. 1000) a chart draws three lines,
     * the minimum, the mean and the maximum over the classes at each layer; a thousand lines are neither legible nor
     * light.
     */
    static final int MAX_CLASS_LINES = 20;

    private static String chart(
            List<LayerSummary> rows, List<String> layers, String dataset, Metric metric, String id) {
        Set<String> classes = new LinkedHashSet<>();
        rows.forEach(s -> classes.add(s.className()));
        if (classes.size() > MAX_CLASS_LINES) {
            return spread(rows, layers, dataset, metric, id, classes.size());
        }
        List<LineChart.Series> series = new ArrayList<>();
        double max = 0;
        int index = 0;
        for (String className : classes) {
            List<LayerSummary> points = rows.stream()
                    .filter(s -> s.className().equals(className))
                    .sorted((a, b) -> Integer.compare(layers.indexOf(a.layer()), layers.indexOf(b.layer())))
                    .toList();
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            List<String> tooltips = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                LayerSummary s = points.get(i);
                x[i] = layers.indexOf(s.layer());
                y[i] = metric.value().applyAsDouble(s);
                max = Math.max(max, y[i]);
                tooltips.add(String.format(
                        Locale.ROOT,
                        "%s @ %s: %s = %.4g%nN_c = %d, %d distinct patterns, H = %.4g nats",
                        className,
                        s.layer(),
                        metric.title(),
                        y[i],
                        s.samples(),
                        s.distinctPatterns(),
                        s.entropy()));
            }
            series.add(new LineChart.Series(className, Palette.color(index), Palette.dash(index), x, y, tooltips));
            index++;
        }
        double top = metric.key().startsWith("active") ? 1 : max;
        var frame = new LineChart.Frame(0, 1, top, "layer", metric.axis(), layers, false, WIDTH, HEIGHT);
        String caption = metric.title() + " \u00b7 " + dataset;
        return Figure.of(
                caption,
                LineChart.render(KIND, id, caption + " per layer and class", frame, series),
                LineChart.legend(series));
    }

    /** Min, mean and max over the classes per layer, for a dataset of many classes. */
    private static String spread(
            List<LayerSummary> rows, List<String> layers, String dataset, Metric metric, String id, int classes) {
        Map<Integer, double[]> byLayer = new TreeMap<>(); // layer index -> {min, sum, max, count}
        for (LayerSummary s : rows) {
            double v = metric.value().applyAsDouble(s);
            double[] acc = byLayer.computeIfAbsent(
                    layers.indexOf(s.layer()), k -> new double[] {Double.POSITIVE_INFINITY, 0, 0, 0});
            acc[0] = Math.min(acc[0], v);
            acc[1] += v;
            acc[2] = Math.max(acc[2], v);
            acc[3]++;
        }
        double[] x = new double[byLayer.size()];
        double[][] y = new double[3][byLayer.size()];
        int i = 0;
        double max = 0;
        for (Map.Entry<Integer, double[]> e : byLayer.entrySet()) {
            double[] acc = e.getValue();
            x[i] = e.getKey();
            y[0][i] = acc[0];
            y[1][i] = acc[1] / acc[3];
            y[2][i] = acc[2];
            max = Math.max(max, acc[2]);
            i++;
        }
        String[] names = {
            "minimum over " + classes + " classes",
            "mean over " + classes + " classes",
            "maximum over " + classes + " classes"
        };
        List<LineChart.Series> series = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            series.add(new LineChart.Series(names[k], Palette.color(k), Palette.dash(k), x, y[k], List.of()));
        }
        double top = metric.key().startsWith("active") ? 1 : max;
        var frame = new LineChart.Frame(0, 1, top, "layer", metric.axis(), layers, false, WIDTH, HEIGHT);
        String caption = metric.title() + " \u00b7 " + dataset;
        return Figure.of(
                caption,
                LineChart.render(KIND, id, caption + " per layer, spread over classes", frame, series),
                LineChart.legend(series));
    }

    /** The model's layer order, then layers that only the summaries name, in order of appearance. */
    private static List<String> layerOrder(ReportData data) {
        Set<String> order = new LinkedHashSet<>();
        data.layers().forEach(l -> order.add(l.name()));
        Set<String> summarised = new LinkedHashSet<>();
        data.layerSummaries().forEach(s -> summarised.add(s.layer()));
        order.retainAll(summarised);
        order.addAll(summarised);
        return List.copyOf(order);
    }
}
