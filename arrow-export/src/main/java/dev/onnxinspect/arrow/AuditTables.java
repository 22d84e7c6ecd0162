package dev.onnxinspect.arrow;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.ConfusionMatrix;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.io.JsonStrings;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.metrics.RocCurve;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.PatternStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Writes an {@link AuditResult} as the SPEC §12 tables of one result directory: scores, ood_metrics, roc_curve,
 * activation_frequency, frequency_histogram, class_kl, layer_summary, interaction_frequency and node_classifier,
 * the ID set's confusion_matrix (when it has labels), plus {@code manifest.json}. Every file is written atomically; the manifest appears only when every table is
 * complete. The fit set's statistics (role {@code fit}) are rows of the statistics tables like any dataset's; the
 * scores and metrics tables hold the evaluated sets only.
 * <p>Choice: a table holds rows of datasets whose classes come from labels and of datasets whose classes come from
 * predictions, so the {@code class_source} metadata key gives the ID set's source, and the run parameters
 * {@code class_source_by_dataset} and {@code role_by_dataset} give each dataset's (JSON objects).
 */
public final class AuditTables {
    /** Every table an audit may write, in writing order (a table without rows is not written). */
    public static final List<String> TABLES = List.of(
            ScoresWriter.TABLE,
            OodMetricsWriter.TABLE,
            RocCurveWriter.TABLE,
            ActivationFrequencyWriter.TABLE,
            FrequencyHistogramWriter.TABLE,
            ClassKlWriter.TABLE,
            LayerSummaryWriter.TABLE,
            InteractionFrequencyWriter.TABLE,
            NodeClassifierWriter.TABLE,
            ConfusionMatrixWriter.TABLE,
            TrainingHistoryWriter.TABLE);

    private AuditTables() {}

    /** More tables written into the same directory before its manifest (e.g. the training history). */
    @FunctionalInterface
    public interface ExtraTables {
        /** Writes the extra tables through {@code out}; the directory commits them with the others. */
        void write(ArrowResultDirectory out) throws IOException;
    }

    /** Writes every table uncompressed into {@code dir}; returns the files written by table name. */
    public static Map<String, Path> write(AuditResult r, Path dir) throws IOException {
        return write(r, dir, ArrowWriteOptions.defaults(), out -> {});
    }

    /**
     * Writes every table into {@code dir}; returns the files written by table name (and {@code manifest}).
     *
     * @param options compression and batch size of the Arrow files
     * @param extra   more tables of the same run (e.g. training_history), written before the manifest
     */
    public static Map<String, Path> write(AuditResult r, Path dir, ArrowWriteOptions options, ExtraTables extra)
            throws IOException {
        Map<String, String> params = new LinkedHashMap<>(r.parameters());
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        for (DatasetResult d : r.inspected()) {
            sources.put(d.name(), d.classSource().name().toLowerCase(Locale.ROOT));
            roles.put(d.name(), d.role().label());
        }
        params.put("class_source_by_dataset", jsonObject(sources));
        params.put("role_by_dataset", jsonObject(roles));
        TableMetadata.Builder meta = TableMetadata.builder(
                        r.model().getFileName().toString(), r.modelSha256(), r.id().classSource())
                .layerNames(r.layers())
                .tau(r.options().tau())
                .eps(r.options().eps())
                .alpha(r.options().alpha())
                .bins(r.options().bins());
        params.forEach(meta::parameter);
        List<String> datasets = new ArrayList<>(roles.keySet());
        try (BufferAllocator allocator = new RootAllocator();
                ArrowResultDirectory out = ArrowResultDirectory.create(dir, meta.build(), options, allocator, params)) {
            writeScores(r, out, datasets);
            writeMetrics(r, out, datasets);
            writeLayerTables(r, out, datasets);
            writeKl(r, out, datasets);
            writeInteractions(r, out, datasets);
            writeNodeClassifiers(r, out, datasets);
            writeConfusionMatrix(r, out, datasets);
            extra.write(out);
            out.commit();
            Map<String, Path> files = new LinkedHashMap<>();
            for (String t : TABLES) {
                if (Files.exists(out.fileOf(t))) {
                    files.put(t, out.fileOf(t));
                }
            }
            files.put("manifest", out.directory().resolve(ArrowResultDirectory.MANIFEST));
            return files;
        }
    }

    private static String jsonObject(Map<String, String> values) {
        StringBuilder json = new StringBuilder("{");
        values.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                .append(JsonStrings.quote(k))
                .append(':')
                .append(JsonStrings.quote(v)));
        return json.append('}').toString();
    }

    private static void writeScores(AuditResult r, ArrowResultDirectory out, List<String> datasets) throws IOException {
        if (r.scoreColumns().isEmpty()) {
            return; // a result without detectors (e.g. a distributed inspection's statistics) has no scores table
        }
        List<String> detectors =
                r.scoreColumns().stream().map(ScoreColumn::name).toList();
        List<String> columns =
                r.scoreColumns().stream().map(ScoreColumn::tableColumn).toList();
        ScoresWriter w = out.scores(datasets, columns);
        double[] row = new double[detectors.size()];
        for (DatasetResult d : r.datasets()) {
            DatasetScores s = d.scores();
            for (int i = 0; i < s.size(); i++) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = s.score(detectors.get(c), i);
                }
                if (s.label(i) >= 0) {
                    w.write(d.name(), i, s.label(i), s.prediction(i), row);
                } else {
                    w.writeUnlabelled(d.name(), i, s.prediction(i), row);
                }
            }
        }
    }

    private static void writeMetrics(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        if (r.metrics().isEmpty()) {
            return;
        }
        LinkedHashSet<String> detectors = new LinkedHashSet<>();
        LinkedHashSet<String> layers = new LinkedHashSet<>();
        for (MetricsRow m : r.metrics()) {
            detectors.add(m.detector());
            if (m.layer() != null) {
                layers.add(m.layer());
            }
        }
        OodMetricsWriter metrics = out.oodMetrics(List.copyOf(detectors), List.copyOf(layers), datasets);
        RocCurveWriter roc = out.rocCurve(List.copyOf(detectors), List.copyOf(layers), datasets);
        for (MetricsRow m : r.metrics()) {
            OodEvaluation e = m.evaluation();
            metrics.write(
                    m.detector(),
                    m.layer(),
                    m.idDataset(),
                    m.oodDataset(),
                    new OodMetricsWriter.Metrics(
                            e.auroc(),
                            e.auprIn(),
                            e.auprOut(),
                            e.auprInTrapz(),
                            e.auprOutTrapz(),
                            e.fpr95Id(),
                            e.fpr95Ood(),
                            e.detectionError(),
                            e.nId(),
                            e.nOod()));
            RocCurve c = e.roc();
            for (int i = 0; i < c.size(); i++) {
                roc.write(m.detector(), m.layer(), m.idDataset(), m.oodDataset(), c.threshold(i), c.tpr(i), c.fpr(i));
            }
        }
    }

    private static void writeLayerTables(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        ActivationFrequencyWriter freq = out.activationFrequency(r.layers(), datasets);
        FrequencyHistogramWriter hist = out.frequencyHistogram(r.layers(), datasets);
        LayerSummaryWriter summary = out.layerSummary(r.layers(), datasets);
        for (String layer : r.layers()) {
            for (DatasetResult d : r.inspected()) {
                LayerStatistics s = d.layers().get(layer);
                if (s == null) {
                    continue;
                }
                FrequencyTable s1 = s.frequencies().s1Table();
                FrequencyTable s2 = s.frequencies().s2Table();
                for (FrequencyTable t : List.of(s1, s2)) {
                    for (ClassCounts c : t.classes()) {
                        for (int u = 0; u < c.units(); u++) {
                            freq.write(layer, t.significance(), d.name(), c.classId(), u, c.count(u), c.classSize());
                        }
                        int[] bins = c.histogram(t.bins());
                        for (int b = 0; b < bins.length; b++) {
                            hist.write(layer, t.significance(), d.name(), c.classId(), b, bins[b]);
                        }
                    }
                }
                PatternStatistics patterns = s.patterns().orElse(null);
                for (ClassCounts c1 : s1.classes()) {
                    ClassCounts c2 = s2.forClass(c1.classId());
                    ClassPatterns p = patterns == null ? null : patterns.forClass(c1.classId());
                    summary.write(
                            layer,
                            d.name(),
                            c1.classId(),
                            c1.classSize(),
                            c1.activeFraction(),
                            c2.activeFraction(),
                            p == null ? 0 : p.distinctPatterns(),
                            p == null ? Double.NaN : p.entropy(),
                            p == null ? Double.NaN : p.perplexity());
                }
            }
        }
    }

    private static void writeInteractions(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        List<String> layers = List.copyOf(r.id().interactions().keySet());
        if (layers.isEmpty()) {
            return;
        }
        InteractionFrequencyWriter w = out.interactionFrequency(layers, datasets);
        for (String layer : layers) {
            for (DatasetResult d : r.inspected()) {
                InteractionFrequencies f = d.interactions().get(layer);
                if (f == null) {
                    continue;
                }
                int in = f.inFeatures();
                for (ClassCounts c : f.table().classes()) {
                    for (int u = 0; u < c.units(); u++) {
                        w.write(layer, d.name(), c.classId(), u / in, u % in, c.count(u), c.classSize());
                    }
                }
            }
        }
    }

    private static void writeNodeClassifiers(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        if (r.nodeClassifiers().isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(datasets);
        if (!names.contains(r.nodeFitDataset())) {
            names.add(r.nodeFitDataset());
        }
        NodeClassifierWriter w = out.nodeClassifier(r.layers(), names);
        for (NodeClassifierResult n : r.nodeClassifiers()) {
            if (n.samples() == 0) {
                continue;
            }
            w.writeLayer(n.layer(), r.nodeFitDataset(), r.id().name(), n.layerAccuracy());
            double[] acc = n.nodeAccuracies();
            for (int j = 0; j < acc.length; j++) {
                w.writeNode(n.layer(), r.nodeFitDataset(), r.id().name(), j, acc[j]);
            }
        }
    }

    private static void writeConfusionMatrix(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        ConfusionMatrix m = r.confusionMatrix().orElse(null);
        if (m == null) {
            return;
        }
        ConfusionMatrixWriter w = out.confusionMatrix(datasets);
        for (int t = 0; t < m.numClasses(); t++) {
            for (int p = 0; p < m.numClasses(); p++) {
                if (m.count(t, p) > 0) {
                    w.write(m.dataset(), t, p, m.count(t, p));
                }
            }
        }
    }

    private static void writeKl(AuditResult r, ArrowResultDirectory out, List<String> datasets) throws IOException {
        LinkedHashSet<String> layers = new LinkedHashSet<>(r.layers());
        r.id().interactions().keySet().forEach(layers::add);
        ClassKlWriter kl = out.classKl(List.copyOf(layers), List.of("S1", "S2", "interaction"), datasets);
        for (KlRow row : r.kl()) {
            kl.write(row.layer(), row.quantity(), row.datasetP(), row.classP(), row.datasetQ(), row.classQ(), row.kl());
        }
    }
}
