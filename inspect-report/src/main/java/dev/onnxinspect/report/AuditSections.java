package dev.onnxinspect.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The bodies of the report's sections on the model and its detectors: nodes as classifiers (SPEC §8), weight-neuron
 * interactions (SPEC §3), the confusion matrix, the score distributions, the ROC small multiples and the most and
 * least anomalous samples. Every text is escaped; stateless.
 */
final class AuditSections {
    /** The best nodes listed per layer. */
    static final int BEST_NODES = 10;

    private AuditSections() {}

    static String nodeClassifiers(List<NodeClassifierSummary> layers) {
        StringBuilder table =
                new StringBuilder("<div class=\"table-wrap\"><table class=\"node-classifiers\"><thead><tr>"
                        + "<th scope=\"col\">Layer</th><th scope=\"col\" class=\"num\">Nodes</th>"
                        + "<th scope=\"col\" class=\"num\">Layer accuracy</th>"
                        + "<th scope=\"col\" class=\"num\">Median node</th>"
                        + "<th scope=\"col\">Best nodes (accuracy)</th></tr></thead><tbody>");
        List<String> charts = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            NodeClassifierSummary s = layers.get(i);
            double[] sorted = s.nodeAccuracies();
            Arrays.sort(sorted);
            double median = sorted.length == 0
                    ? Double.NaN
                    : sorted.length % 2 == 1
                            ? sorted[sorted.length / 2]
                            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            StringBuilder best = new StringBuilder();
            for (int j : s.bestNodes(BEST_NODES)) {
                best.append(best.length() == 0 ? "" : ", ")
                        .append(j)
                        .append(" (")
                        .append(Axes.format(s.nodeAccuracies()[j], 3))
                        .append(')');
            }
            table.append("<tr><td class=\"name\">")
                    .append(Html.escape(s.layer()))
                    .append("</td><td class=\"num\">")
                    .append(sorted.length)
                    .append("</td><td class=\"num\">")
                    .append(Axes.format(s.layerAccuracy(), 4))
                    .append("</td><td class=\"num\">")
                    .append(Double.isNaN(median) ? "\u2014" : Axes.format(median, 4))
                    .append("</td><td class=\"name\">")
                    .append(Html.escape(best.toString()))
                    .append("</td></tr>");
            charts.add(NodeAccuracyChart.render(s, "node-accuracy-" + i));
        }
        table.append("</tbody></table></div>");
        NodeClassifierSummary first = layers.get(0);
        return "<p class=\"note\">Fitted on " + Html.escape(first.fitDataset()) + ", evaluated on "
                + Html.escape(first.evalDataset()) + " (" + first.samples() + " samples).</p>" + table
                + "<div class=\"grid\">" + String.join("", charts) + "</div>";
    }

    static String interactions(List<InteractionSummary> summaries, List<KlMatrix> kl) {
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < summaries.size(); i++) {
            InteractionSummary s = summaries.get(i);
            html.append("<div class=\"table-wrap\"><table class=\"interaction-fractions\"><caption>")
                    .append(Html.escape(s.layer() + " \u00b7 " + s.dataset() + " \u00b7 " + s.outFeatures() + " x "
                            + s.inFeatures() + " interactions: share significant per class"))
                    .append("</caption><thead><tr>");
            for (String c : s.classes()) {
                html.append("<th scope=\"col\" class=\"num\">")
                        .append(Html.escape(c))
                        .append("</th>");
            }
            html.append("</tr></thead><tbody><tr>");
            for (double f : s.significantFraction()) {
                html.append("<td class=\"num\">").append(Axes.format(f, 4)).append("</td>");
            }
            html.append("</tr></tbody></table></div>");
            var spec = new HeatmapChart.Spec(
                    s.classes(),
                    s.interactions(),
                    s.interactions().size(),
                    s::frequency,
                    0,
                    1,
                    "class",
                    "interaction (output \u2190 input neuron)",
                    "significance frequency",
                    3,
                    Math.min(14, 880.0 / s.interactions().size()),
                    16,
                    false);
            String caption = s.layer() + " \u00b7 " + s.dataset() + " \u00b7 the "
                    + s.interactions().size() + " interactions whose frequency differs most between classes";
            html.append("<div class=\"stack\">")
                    .append(Figure.of(
                            caption,
                            HeatmapChart.render("interaction-heatmap", "interaction-heatmap-" + i, caption, spec),
                            List.of()))
                    .append("</div>");
        }
        List<String> figures = new ArrayList<>();
        for (int i = 0; i < kl.size(); i++) {
            figures.add(KlHeatmap.render(kl.get(i), "interaction-kl-" + i));
        }
        if (!figures.isEmpty()) {
            html.append("<h3>KL divergences of the interaction profiles (SPEC \u00a74)</h3><div class=\"grid wide\">")
                    .append(String.join("", figures))
                    .append("</div>");
        }
        return html.toString();
    }

    static String confusion(List<ConfusionTable> tables) {
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < tables.size(); i++) {
            ConfusionTable t = tables.get(i);
            int k = t.classes().size();
            boolean print = k <= 12;
            double cell = print ? 44 : Math.max(1, Math.min(24, 600.0 / k));
            var spec = new HeatmapChart.Spec(
                    t.classes(),
                    k <= 40 ? t.classes() : List.of(),
                    k,
                    t::rowShare,
                    0,
                    1,
                    "true class",
                    "predicted class",
                    "share of the true class",
                    2,
                    cell,
                    print ? 26 : cell,
                    print);
            long total = 0;
            long correct = 0;
            for (int c = 0; c < k; c++) {
                total += t.rowSum(c);
                correct += t.count(c, c);
            }
            String caption = t.dataset() + " \u00b7 " + total + " samples \u00b7 accuracy "
                    + (total == 0 ? "\u2014" : Axes.format((double) correct / total, 4));
            html.append("<div class=\"stack\">")
                    .append(Figure.of(
                            caption,
                            HeatmapChart.render("confusion", "confusion-" + i, "Confusion matrix of " + caption, spec),
                            List.of()))
                    .append("</div>");
            html.append("<div class=\"table-wrap\"><table class=\"class-accuracy\"><thead><tr><th scope=\"col\">Class"
                    + "</th><th scope=\"col\" class=\"num\">n</th><th scope=\"col\" class=\"num\">Correct</th>"
                    + "<th scope=\"col\" class=\"num\">Accuracy</th><th scope=\"col\">Most often taken for</th>"
                    + "</tr></thead><tbody>");
            for (int c = 0; c < k; c++) {
                long n = t.rowSum(c);
                int confused = -1;
                for (int p = 0; p < k; p++) {
                    if (p != c && t.count(c, p) > 0 && (confused < 0 || t.count(c, p) > t.count(c, confused))) {
                        confused = p;
                    }
                }
                html.append("<tr><td>")
                        .append(Html.escape(t.classes().get(c)))
                        .append("</td><td class=\"num\">")
                        .append(n)
                        .append("</td><td class=\"num\">")
                        .append(t.count(c, c))
                        .append("</td><td class=\"num\">")
                        .append(n == 0 ? "\u2014" : Axes.format((double) t.count(c, c) / n, 4))
                        .append("</td><td>")
                        .append(
                                confused < 0
                                        ? "\u2014"
                                        : Html.escape(t.classes().get(confused)) + " (" + t.count(c, confused) + ")")
                        .append("</td></tr>");
            }
            html.append("</tbody></table></div>");
        }
        return html.toString();
    }

    /** Score distributions grouped by (ID, OOD) pair, each pair a grid of small charts, best AUROC first. */
    static String scoreDistributions(List<ScoreDistribution> distributions) {
        Map<String, List<Integer>> pairs = new LinkedHashMap<>();
        for (int i = 0; i < distributions.size(); i++) {
            ScoreDistribution d = distributions.get(i);
            pairs.computeIfAbsent("ID " + d.idDataset() + " vs OOD " + d.oodDataset(), k -> new ArrayList<>())
                    .add(i);
        }
        StringBuilder html = new StringBuilder();
        pairs.forEach((pair, indices) -> {
            html.append("<h3>").append(Html.escape(pair)).append("</h3><div class=\"grid\">");
            List<Integer> order = new ArrayList<>(indices);
            // best AUROC first, as the ROC small multiples (a stable sort: ties keep their order)
            order.sort((a, b) -> Double.compare(
                    distributions.get(b).auroc(), distributions.get(a).auroc()));
            for (int i : order) {
                html.append(ScoreDistributionChart.render(distributions.get(i), "score-distribution-" + i));
            }
            html.append("</div>");
        });
        return html.toString();
    }

    /** ROC curves as small multiples per (ID, OOD) pair, best AUROC first. */
    static String rocMultiples(List<RocCurve> curves, List<DetectorMetrics> metrics) {
        Map<String, List<Integer>> pairs = new LinkedHashMap<>();
        for (int i = 0; i < curves.size(); i++) {
            RocCurve c = curves.get(i);
            pairs.computeIfAbsent("ID " + c.idDataset() + " vs OOD " + c.oodDataset(), k -> new ArrayList<>())
                    .add(i);
        }
        StringBuilder html = new StringBuilder();
        pairs.forEach((pair, indices) -> {
            List<Integer> order = new ArrayList<>(indices);
            order.sort((a, b) -> Double.compare(auroc(curves.get(b), metrics), auroc(curves.get(a), metrics)));
            html.append("<h3>ROC curves \u00b7 ").append(Html.escape(pair)).append("</h3><div class=\"grid small\">");
            for (int i : order) {
                html.append(RocChart.small(curves.get(i), auroc(curves.get(i), metrics), "roc-" + i));
            }
            html.append("</div>");
        });
        return html.toString();
    }

    private static double auroc(RocCurve c, List<DetectorMetrics> metrics) {
        for (DetectorMetrics m : metrics) {
            if (m.detector().equals(c.detector())
                    && Objects.equals(m.layer(), c.layer())
                    && m.idDataset().equals(c.idDataset())
                    && m.oodDataset().equals(c.oodDataset())) {
                return m.auroc();
            }
        }
        // the area under the drawn curve (trapezoids), when the table lacks the row
        double[] fpr = c.fpr();
        double[] tpr = c.tpr();
        double area = 0;
        for (int i = 1; i < fpr.length; i++) {
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return area;
    }

    static String galleries(List<SampleGallery> galleries) {
        StringBuilder html = new StringBuilder();
        for (SampleGallery g : galleries) {
            html.append("<h3>")
                    .append(Html.escape(g.title()))
                    .append(" \u00b7 ")
                    .append(Html.escape(g.detector()))
                    .append("</h3><div class=\"gallery\">");
            for (SampleGallery.Sample s : g.samples()) {
                html.append("<figure class=\"sample\">");
                if (s.image() != null) {
                    html.append("<img alt=\"sample ")
                            .append(s.index())
                            .append("\" src=\"")
                            .append(s.image())
                            .append("\">");
                } else {
                    html.append("<code class=\"values\">")
                            .append(Html.escape(s.values()))
                            .append("</code>");
                }
                html.append("<figcaption>#")
                        .append(s.index())
                        .append(" \u00b7 ")
                        .append(Axes.format(s.score(), 3))
                        .append("<br>")
                        .append(s.label() == null ? "" : Html.escape(s.label()) + " \u2192 ")
                        .append(Html.escape(s.predicted()))
                        .append("</figcaption></figure>");
            }
            html.append("</div>");
        }
        return html.toString();
    }

    /** Parameter groups of at most this many entries are shown open; larger ones open on a click. */
    static final int OPEN_GROUP = 12;

    /**
     * The run parameters grouped and sorted: groups in order of first appearance of their name (the
     * {@link RunParameter#group}), names sorted within a group (numbers in names compared as numbers).
     */
    static String parameters(List<RunParameter> parameters) {
        Map<String, List<RunParameter>> groups = new LinkedHashMap<>();
        for (RunParameter p : parameters) {
            groups.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
        }
        StringBuilder html = new StringBuilder();
        groups.forEach((group, list) -> {
            List<RunParameter> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> naturalCompare(a.name(), b.name()));
            html.append("<details class=\"parameters\"")
                    .append(sorted.size() <= OPEN_GROUP ? " open" : "")
                    .append("><summary>")
                    .append(Html.escape(group))
                    .append(" <span class=\"count\">(")
                    .append(sorted.size())
                    .append(")</span></summary>")
                    .append(Tables.parameters(sorted))
                    .append("</details>");
        });
        return html.toString();
    }

    /** Compares strings with runs of digits compared as numbers ("layer 2" before "layer 10"). */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                int c = Character.compare(Character.toLowerCase(ca), Character.toLowerCase(cb));
                if (c != 0) {
                    return c;
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT));
    }
}
