package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The report's HTML tables: run parameters, layers and OOD detector metrics. Every cell is escaped. */
final class Tables {
    private record MetricColumn(String header, ToDoubleFunction<DetectorMetrics> value, boolean higherIsBetter) {}

    private static final List<MetricColumn> METRICS = List.of(
            new MetricColumn("AUROC \u2191", DetectorMetrics::auroc, true),
            new MetricColumn("AUPR-In \u2191", DetectorMetrics::auprIn, true),
            new MetricColumn("AUPR-Out \u2191", DetectorMetrics::auprOut, true),
            new MetricColumn("AUPR-In trapz \u2191", DetectorMetrics::auprInTrapz, true),
            new MetricColumn("AUPR-Out trapz \u2191", DetectorMetrics::auprOutTrapz, true),
            new MetricColumn("FPR@95 (ID conv.) \u2193", DetectorMetrics::fpr95Id, false),
            new MetricColumn("FPR@95 (OOD conv.) \u2193", DetectorMetrics::fpr95Ood, false),
            new MetricColumn("Det. error \u2193", DetectorMetrics::detectionError, false));

    private Tables() {}

    static String parameters(List<RunParameter> parameters) {
        StringBuilder html = open("parameters", "", "Parameter", "Value");
        for (RunParameter parameter : parameters) {
            html.append("<tr><th scope=\"row\">")
                    .append(Html.escape(parameter.name()))
                    .append("</th><td class=\"name\">")
                    .append(Html.escape(parameter.value()))
                    .append("</td></tr>");
        }
        return close(html);
    }

    static String layers(List<LayerInfo> layers) {
        StringBuilder html = open("layers", "", "#", "Layer", "Op type", "Output shape");
        for (int i = 0; i < layers.size(); i++) {
            LayerInfo layer = layers.get(i);
            html.append("<tr><td class=\"num\">")
                    .append(i)
                    .append("</td><td class=\"name\">")
                    .append(Html.escape(layer.name()))
                    .append("</td><td>")
                    .append(Html.escape(layer.opType()))
                    .append("</td><td class=\"name\">")
                    .append(Html.escape(layer.shapeText()))
                    .append("</td></tr>");
        }
        return close(html);
    }

    /**
     * The detector tables, one per (ID, OOD) pair in order of first appearance; within a table the best value of
     * each metric is marked (class "best"; ties all marked; nothing marked with a single detector).
     */
    static String detectors(List<DetectorMetrics> rows) {
        List<String> headers = new ArrayList<>(List.of("Detector", "Layer"));
        METRICS.forEach(metric -> headers.add(metric.header()));
        headers.addAll(List.of("n ID", "n OOD"));
        Map<String, List<DetectorMetrics>> pairs =
                rows.stream().collect(Collectors.groupingBy(Tables::pair, LinkedHashMap::new, Collectors.toList()));
        StringBuilder html = new StringBuilder();
        for (List<DetectorMetrics> pair : pairs.values()) {
            DetectorMetrics first = pair.get(0);
            StringBuilder table = open(
                    "detectors",
                    "ID " + first.idDataset() + " vs OOD " + first.oodDataset(),
                    headers.toArray(String[]::new));
            for (DetectorMetrics row : pair) {
                table.append("<tr><td>")
                        .append(Html.escape(row.detector()))
                        .append("</td><td class=\"name\">")
                        .append(row.layer() == null ? "\u2014" : Html.escape(row.layer()))
                        .append("</td>");
                for (MetricColumn metric : METRICS) {
                    double value = metric.value().applyAsDouble(row);
                    table.append("<td class=\"num")
                            .append(isBest(value, pair, metric) ? " best" : "")
                            .append("\">")
                            .append(Axes.format(value, 4))
                            .append("</td>");
                }
                table.append("<td class=\"num\">")
                        .append(row.nId())
                        .append("</td><td class=\"num\">")
                        .append(row.nOod())
                        .append("</td></tr>");
            }
            html.append(close(table));
        }
        return html.toString();
    }

    private static boolean isBest(double value, List<DetectorMetrics> pair, MetricColumn metric) {
        for (DetectorMetrics other : pair) {
            double competitor = metric.value().applyAsDouble(other);
            if (metric.higherIsBetter() ? competitor > value : competitor < value) {
                return false;
            }
        }
        return pair.size() > 1;
    }

    private static String pair(DetectorMetrics row) {
        return row.idDataset() + "\u0000" + row.oodDataset();
    }

    private static StringBuilder open(String name, String caption, String... headers) {
        StringBuilder html = new StringBuilder("<div class=\"table-wrap\"><table class=\"")
                .append(name)
                .append("\">");
        if (!caption.isEmpty()) {
            html.append("<caption>").append(Html.escape(caption)).append("</caption>");
        }
        html.append("<thead><tr>");
        for (String header : headers) {
            boolean numeric = header.contains("\u2191")
                    || header.contains("\u2193")
                    || header.startsWith("n ")
                    || header.equals("#");
            html.append("<th scope=\"col\"")
                    .append(numeric ? " class=\"num\"" : "")
                    .append('>')
                    .append(Html.escape(header))
                    .append("</th>");
        }
        return html.append("</tr></thead><tbody>");
    }

    private static String close(StringBuilder html) {
        return html.append("</tbody></table></div>").toString();
    }
}
