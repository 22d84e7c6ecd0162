package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.arrow.ActivationFrequencyWriter;
import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.ClassKlWriter;
import dev.onnxinspect.arrow.FrequencyHistogramWriter;
import dev.onnxinspect.arrow.InteractionFrequencyWriter;
import dev.onnxinspect.arrow.LayerSummaryWriter;
import dev.onnxinspect.arrow.NodeClassifierWriter;
import dev.onnxinspect.arrow.OodMetricsWriter;
import dev.onnxinspect.arrow.RocCurveWriter;
import dev.onnxinspect.arrow.ScoresWriter;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.arrow.TrainingHistoryWriter;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.metrics.RocCurve;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.PatternStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Writes an {@link AuditResult} as the SPEC §12 tables of one result directory: scores, ood_metrics, roc_curve,
 * activation_frequency, frequency_histogram, class_kl and layer_summary, plus {@code manifest.json}. Every file is
 * written atomically; the manifest appears only when every table is complete.
 * <p>Choice: a table holds rows of the ID set (classes from labels) and of the OOD sets (classes from predictions),
 * so the {@code class_source} metadata key gives the ID set's source and {@code param.class_source_by_dataset}
 * lists each dataset's.
 */
public final class ResultTables {
    private ResultTables() {
    }

    /**
     * Writes every table into {@code dir}; returns the files written by table name.
     *
     * @param training the run that trained the model (its history becomes the training_history table), or null
     */
    public static Map<String, Path> write(AuditResult r, Path dir, AuditOptions o, TrainingStep.Result training)
            throws IOException {
        Map<String, String> params = new LinkedHashMap<>(r.parameters());
        StringBuilder sources = new StringBuilder("{");
        for (DatasetResult d : r.datasets()) {
            sources.append(sources.length() > 1 ? "," : "").append('"').append(d.name()).append("\":\"")
                    .append(d.classSource().name().toLowerCase(java.util.Locale.ROOT)).append('"');
        }
        params.put("class_source_by_dataset", sources.append('}').toString());
        TableMetadata.Builder meta = TableMetadata.builder(r.model().getFileName().toString(), r.modelSha256(),
                        r.id().classSource())
                .layerNames(r.layers()).tau(o.tau()).eps(o.eps()).alpha(o.alpha()).bins(o.bins());
        params.forEach(meta::parameter);
        ArrowWriteOptions options = ArrowWriteOptions.builder().compression(o.compression()).build();
        List<String> datasets = new ArrayList<>(AuditPipeline.names(r.datasets()));
        try (BufferAllocator allocator = new RootAllocator();
             ArrowResultDirectory out = ArrowResultDirectory.create(dir, meta.build(), options, allocator, params)) {
            writeScores(r, out, datasets);
            writeMetrics(r, out, datasets);
            writeLayerTables(r, out, datasets);
            writeKl(r, out, datasets);
            writeInteractions(r, out, datasets);
            writeNodeClassifiers(r, out, datasets);
            if (training != null) {
                writeHistory(training, out);
            }
            out.commit();
            Map<String, Path> files = new LinkedHashMap<>();
            for (String t : List.of(ScoresWriter.TABLE, OodMetricsWriter.TABLE, RocCurveWriter.TABLE,
                    ActivationFrequencyWriter.TABLE, FrequencyHistogramWriter.TABLE, ClassKlWriter.TABLE,
                    LayerSummaryWriter.TABLE, InteractionFrequencyWriter.TABLE, NodeClassifierWriter.TABLE,
                    TrainingHistoryWriter.TABLE)) {
                if (java.nio.file.Files.exists(out.fileOf(t))) {
                    files.put(t, out.fileOf(t));
                }
            }
            files.put("manifest", out.directory().resolve(ArrowResultDirectory.MANIFEST));
            return files;
        }
    }

    private static void writeScores(AuditResult r, ArrowResultDirectory out, List<String> datasets)
            throws IOException {
        List<String> detectors = r.scoreColumns().stream().map(ScoreColumn::name).toList();
        List<String> columns = r.scoreColumns().stream().map(ScoreColumn::tableColumn).toList();
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
            metrics.write(m.detector(), m.layer(), m.idDataset(), m.oodDataset(), new OodMetricsWriter.Metrics(
                    e.auroc(), e.auprIn(), e.auprOut(), e.fpr95Id(), e.fpr95Ood(), e.detectionError(), e.nId(),
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
            for (DatasetResult d : r.datasets()) {
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
                    summary.write(layer, d.name(), c1.classId(), c1.classSize(), c1.activeFraction(),
                            c2.activeFraction(), p == null ? 0 : p.distinctPatterns(),
                            p == null ? Double.NaN : p.entropy(), p == null ? Double.NaN : p.perplexity());
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
            for (DatasetResult d : r.datasets()) {
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

    private static void writeHistory(TrainingStep.Result training, ArrowResultDirectory out) throws IOException {
        TrainingHistoryWriter w = out.trainingHistory(Map.of(training.runId(), training.parameters()));
        for (EpochRecord e : training.run().history()) {
            w.write(training.runId(), e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testLoss(), e.testAccuracy(),
                    e.weightNorm(), e.distanceFromInit());
        }
    }

    private static void writeKl(AuditResult r, ArrowResultDirectory out, List<String> datasets) throws IOException {
        LinkedHashSet<String> layers = new LinkedHashSet<>(r.layers());
        r.id().interactions().keySet().forEach(layers::add);
        ClassKlWriter kl = out.classKl(List.copyOf(layers), List.of("S1", "S2", "interaction"), datasets);
        for (KlRow row : r.kl()) {
            kl.write(row.layer(), row.quantity(), row.datasetP(), row.classP(), row.datasetQ(), row.classQ(),
                    row.kl());
        }
    }
}
