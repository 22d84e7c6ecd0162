package dev.onnxinspect.samples.report;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The report's HTML tables: run parameters, layers and OOD detector metrics. Every cell is escaped. */
final class Tables {
    private record MetricColumn(String header, ToDoubleFunction<DetectorMetrics> value, boolean higherIsBetter) {
    }

    private static final List<MetricColumn> METRICS = List.of(
            new MetricColumn("AUROC \u2191", DetectorMetrics::auroc, true),
            new MetricColumn("AUPR-In \u2191", DetectorMetrics::auprIn, true),
            new MetricColumn("AUPR-Out \u2191", DetectorMetrics::auprOut, true),
            new MetricColumn("FPR@95 (ID conv.) \u2193", DetectorMetrics::fpr95Id, false),
            new MetricColumn("FPR@95 (OOD conv.) \u2193", DetectorMetrics::fpr95Ood, false),
            new MetricColumn("Det. error \u2193", DetectorMetrics::detectionError, false));

    private Tables() {
    }

    static String parameters(List<RunParameter> parameters) {
        StringBuilder html = open("parameters", "Parameter", "Value");
        for (RunParameter parameter : parameters) {
            html.append("<tr><th scope=\"row\">").append(Html.escape(parameter.name())).append("</th><td class=\"name\">")
                    .append(Html.escape(parameter.value())).append("</td></tr>");
        }
        return close(html);
    }

    static String layers(List<LayerInfo> layers) {
        StringBuilder html = open("layers", "#", "Layer", "Op type", "Output shape");
        for (int i = 0; i < layers.size(); i++) {
            LayerInfo layer = layers.get(i);
            html.append("<tr><td class=\"num\">").append(i).append("</td><td class=\"name\">")
                    .append(Html.escape(layer.name())).append("</td><td>").append(Html.escape(layer.opType()))
                    .append("</td><td class=\"name\">").append(Html.escape(layer.shapeText())).append("</td></tr>");
        }
        return close(html);
    }

    /**
     * The detector table; within each (ID, OOD) pair the best value of each metric is marked (class "best"), ties
     * all marked.
     */
    static String detectors(List<DetectorMetrics> rows) {
        String[] headers = new String[6 + METRICS.size()];
        headers[0] = "Detector";
        headers[1] = "Layer";
        headers[2] = "ID";
        headers[3] = "OOD";
        for (int m = 0; m < METRICS.size(); m++) {
            headers[4 + m] = METRICS.get(m).header();
        }
        headers[4 + METRICS.size()] = "n ID";
        headers[5 + METRICS.size()] = "n OOD";
        StringBuilder html = open("detectors", headers);
        Map<String, List<DetectorMetrics>> pairs = rows.stream()
                .collect(Collectors.groupingBy(Tables::pair, java.util.LinkedHashMap::new, Collectors.toList()));
        for (DetectorMetrics row : rows) {
            List<DetectorMetrics> pair = pairs.get(pair(row));
            html.append("<tr><td>").append(Html.escape(row.detector())).append("</td><td class=\"name\">")
                    .append(row.layer() == null ? "\u2014" : Html.escape(row.layer())).append("</td><td>")
                    .append(Html.escape(row.idDataset())).append("</td><td>").append(Html.escape(row.oodDataset()))
                    .append("</td>");
            for (MetricColumn metric : METRICS) {
                double value = metric.value().applyAsDouble(row);
                html.append("<td class=\"num").append(isBest(value, pair, metric) ? " best" : "").append("\">")
                        .append(Axes.format(value, 4)).append("</td>");
            }
            html.append("<td class=\"num\">").append(row.nId()).append("</td><td class=\"num\">").append(row.nOod())
                    .append("</td></tr>");
        }
        return close(html);
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

    private static StringBuilder open(String name, String... headers) {
        StringBuilder html = new StringBuilder("<div class=\"table-wrap\"><table class=\"")
                .append(name).append("\"><thead><tr>");
        for (String header : headers) {
            boolean numeric = header.contains("\u2191") || header.contains("\u2193") || header.startsWith("n ")
                    || header.equals("#");
            html.append("<th scope=\"col\"").append(numeric ? " class=\"num\"" : "").append('>')
                    .append(Html.escape(header)).append("</th>");
        }
        return html.append("</tr></thead><tbody>");
    }

    private static String close(StringBuilder html) {
        return html.append("</tbody></table></div>").toString();
    }
}
