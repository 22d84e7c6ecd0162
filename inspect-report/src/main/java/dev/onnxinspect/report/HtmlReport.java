package dev.onnxinspect.report;

import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link ReportData} as one self-contained HTML file: inline CSS, inline SVG drawn here and PNG images as
 * {@code data:} URIs (heatmaps of many cells, sample thumbnails), no script, no font, image or style from anywhere
 * else, so the page opens offline and makes no request at view time (a
 * Content-Security-Policy in the page forbids any). Every chart is an {@code <svg class="chart">} with a
 * {@code data-chart} kind and a unique id; {@link #chartCount} says how many a report has. Stateless.
 */
public final class HtmlReport {
    private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    private static final String CSS = loadCss();

    private HtmlReport() {}

    /**
     * Writes the report to {@code file} atomically: the page goes to a temporary file in the same directory that is
     * then renamed over {@code file}, so a crash never leaves a truncated report under the final name. On POSIX file
     * systems the report gets the permissions of a file written directly (rw-r--r-- under umask 022), so it can be
     * shared and served ({@link AtomicFiles}).
     *
     * @throws IOException when the directory is missing or not writable (the temporary file is removed)
     */
    public static void write(ReportData data, Path file) throws IOException {
        String html = render(data);
        Path target = file.toAbsolutePath();
        AtomicFiles.write(target, html.getBytes(StandardCharsets.UTF_8));
        LOG.info("Wrote report {} ({} charts, {} bytes)", target, chartCount(data), html.length());
    }

    /** The page as a string. */
    public static String render(ReportData data) {
        StringBuilder html = new StringBuilder(1 << 16);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(CSP)
                .append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(Html.escape(data.title()))
                .append(" \u2014 onnx-inspect report</title>")
                .append("<style>")
                .append(CSS)
                .append("</style></head><body><main>");
        html.append("<header class=\"page\"><h1>")
                .append(Html.escape(data.title()))
                .append("</h1><p>onnx-inspect report")
                .append(" \u00b7 classes from ")
                .append(data.classSource() == ClassSource.LABEL ? "true labels" : "predictions (argmax of logits)")
                .append("</p></header>");
        html.append("<nav class=\"toc\">");
        for (String[] entry : new String[][] {
            {"parameters", "Parameters"},
            {"layers", "Layers"},
            {"confusion", "Confusion matrix"},
            {"histograms", "Frequency histograms"},
            {"frequencies", "Frequency heatmaps"},
            {"kl", "KL divergences"},
            {"layer-summary", "Sparsity & perplexity"},
            {"interactions", "Interactions"},
            {"node-classifiers", "Nodes as classifiers"},
            {"ood", "OOD detection"},
            {"score-distributions", "Score distributions"},
            {"samples", "Flagged samples"},
            {"training", "Training"}
        }) {
            if (entry[0].equals("training") && data.training().isEmpty()) {
                continue;
            }
            html.append("<a href=\"#")
                    .append(entry[0])
                    .append("\">")
                    .append(Html.escape(entry[1]))
                    .append("</a>");
        }
        html.append("</nav>");
        section(
                html,
                "parameters",
                "Run parameters",
                "Grouped, sorted by name within a group; click a group to open it.",
                AuditSections.parameters(data.parameters()),
                data.parameters().isEmpty());
        section(
                html,
                "layers",
                "Layers",
                "Every node output in model order; shapes inferred from the model's inputs and weights (\u201c?\u201d"
                        + " where an operator's output shape cannot be derived statically).",
                Tables.layers(data.layers()),
                data.layers().isEmpty());
        section(
                html,
                "confusion",
                "Confusion matrix",
                "The model's predictions on the ID set against its labels; colour = share of the true class's samples.",
                AuditSections.confusion(data.confusion()),
                data.confusion().isEmpty());
        section(
                html,
                "histograms",
                "Class-wise activation frequency histograms",
                "SPEC \u00a72: neurons per frequency bin over [0, 1], one chart per layer and significance;"
                        + " hover a bar for the per-class counts.",
                grid(histograms(data)),
                data.histograms().isEmpty());
        section(
                html,
                "frequencies",
                "Class \u00d7 neuron activation frequency",
                "SPEC \u00a72: F[c, j], the fraction of class-c samples in which neuron j is significant"
                        + " (viridis, 0 to 1).",
                stack(frequencyHeatmaps(data)),
                data.frequencyMatrices().isEmpty());
        section(
                html,
                "kl",
                "Class-wise KL divergences",
                "SPEC \u00a74: KL(P \u2016 Q) in nats between class profiles; rows are P, columns Q. Hover a"
                        + " cell for its value.",
                wideGrid(klHeatmaps(data)),
                data.klMatrices().isEmpty());
        section(
                html,
                "layer-summary",
                "Sparsity and perplexity per layer",
                "SPEC \u00a72 active fraction (sparsity = 1 \u2212 active fraction) and \u00a77 perplexity of"
                        + " the S1 patterns, one line per class.",
                grid(LayerSummaryCharts.render(data)),
                data.layerSummaries().isEmpty());
        section(
                html,
                "interactions",
                "Weight-neuron interactions",
                "SPEC \u00a73: an interaction (i \u2190 j) of a dense layer is significant for a sample when its"
                        + " contribution w_ij x_j is an above-average share of neuron i's input; per class the share of"
                        + " significant (sample, interaction) pairs, the interactions whose frequency differs most"
                        + " between classes, and the KL divergences between the classes' interaction profiles.",
                AuditSections.interactions(data.interactions(), data.interactionKl()),
                data.interactions().isEmpty() && data.interactionKl().isEmpty());
        section(
                html,
                "node-classifiers",
                "Nodes as classifiers",
                "SPEC \u00a78: each layer's prediction from all its nodes, the accuracy of every node used alone, and"
                        + " the best nodes.",
                data.nodeClassifiers().isEmpty() ? "" : AuditSections.nodeClassifiers(data.nodeClassifiers()),
                data.nodeClassifiers().isEmpty());
        section(
                html,
                "ood",
                "Out-of-distribution detection",
                "SPEC \u00a76: scores are higher = more OOD; best value per (ID, OOD) pair in bold; one ROC chart per"
                        + " detector, best AUROC first (the best 24 per pair; the table lists all).",
                (data.detectorMetrics().isEmpty() ? "" : Tables.detectors(data.detectorMetrics()))
                        + AuditSections.rocMultiples(data.rocCurves(), data.detectorMetrics()),
                data.detectorMetrics().isEmpty() && data.rocCurves().isEmpty());
        section(
                html,
                "score-distributions",
                "Score distributions",
                "Per detector (the 24 with the best AUROC per pair), the scores of the ID and the OOD set (each as a"
                        + " share of its set), and the threshold that accepts 95% of the ID set: the OOD area left of"
                        + " the line is accepted as ID.",
                AuditSections.scoreDistributions(data.scoreDistributions()),
                data.scoreDistributions().isEmpty());
        section(
                html,
                "samples",
                "Most and least anomalous samples",
                "Per OOD set, under the detector with the best AUROC on it: the OOD samples it finds most and least"
                        + " anomalous, and the ID samples it finds most anomalous (score, label \u2192 prediction).",
                AuditSections.galleries(data.galleries()),
                data.galleries().isEmpty());
        if (!data.training().isEmpty()) {
            section(
                    html,
                    "training",
                    "Training curves",
                    "SPEC \u00a711: accuracy per epoch; solid train, dashed test.",
                    stack(List.of(TrainingChart.render(data.training(), "training-0"))),
                    false);
        }
        return html.append("</main></body></html>\n").toString();
    }

    /**
     * The number of {@code data-chart} elements the page has: one per histogram, frequency matrix and KL matrix,
     * {@value LayerSummaryCharts#CHARTS_PER_DATASET} per dataset of the layer summaries, one per ROC curve (small
     * multiples), one for the training curves when there are any, one per confusion matrix, interaction heatmap,
     * interaction KL matrix, node-accuracy histogram and score distribution.
     */
    public static int chartCount(ReportData data) {
        Set<String> summaryDatasets = new LinkedHashSet<>();
        data.layerSummaries().forEach(s -> summaryDatasets.add(s.dataset()));
        return data.histograms().size()
                + data.frequencyMatrices().size()
                + data.klMatrices().size()
                + LayerSummaryCharts.CHARTS_PER_DATASET * summaryDatasets.size()
                + data.rocCurves().size()
                + (data.training().isEmpty() ? 0 : 1)
                + data.confusion().size()
                + data.interactions().size()
                + data.interactionKl().size()
                + data.nodeClassifiers().size()
                + data.scoreDistributions().size();
    }

    private static List<String> histograms(ReportData data) {
        List<String> figures = new ArrayList<>();
        for (int i = 0; i < data.histograms().size(); i++) {
            figures.add(HistogramChart.render(data.histograms().get(i), "histogram-" + i));
        }
        return figures;
    }

    private static List<String> frequencyHeatmaps(ReportData data) {
        List<String> figures = new ArrayList<>();
        for (int i = 0; i < data.frequencyMatrices().size(); i++) {
            figures.add(FrequencyHeatmap.render(data.frequencyMatrices().get(i), "frequency-heatmap-" + i));
        }
        return figures;
    }

    private static List<String> klHeatmaps(ReportData data) {
        List<String> figures = new ArrayList<>();
        for (int i = 0; i < data.klMatrices().size(); i++) {
            figures.add(KlHeatmap.render(data.klMatrices().get(i), "kl-heatmap-" + i));
        }
        return figures;
    }

    private static void section(
            StringBuilder html, String id, String heading, String note, String body, boolean empty) {
        html.append("<section id=\"")
                .append(id)
                .append("\"><h2>")
                .append(Html.escape(heading))
                .append("</h2>");
        if (!note.isEmpty()) {
            html.append("<p class=\"note\">").append(Html.escape(note)).append("</p>");
        }
        html.append(empty ? "<p class=\"empty\">No data in this run.</p>" : body)
                .append("</section>");
    }

    private static String grid(List<String> figures) {
        return "<div class=\"grid\">" + String.join("", figures) + "</div>";
    }

    private static String wideGrid(List<String> figures) {
        return "<div class=\"grid wide\">" + String.join("", figures) + "</div>";
    }

    private static String stack(List<String> figures) {
        return "<div class=\"stack\">" + String.join("", figures) + "</div>";
    }

    private static String loadCss() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException(
                        "report.css is missing from the inspect-report jar; rebuild the inspect-report module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // a resource of our own jar that cannot be read is a broken build, not a file of the user's
            throw new IllegalStateException(
                    "cannot read report.css from the inspect-report jar; rebuild the inspect-report module", e);
        }
    }
}
