package dev.onnxinspect.report;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Turns an {@link AuditResult} into the HTML report: per-layer frequency histograms (S1, S2) for every dataset,
 * class x neuron heatmaps for the last two layers, the S1 KL matrices (within each dataset and ID vs OOD both
 * ways), per-layer sparsity and perplexity, the SPEC §3 interactions and their KL matrices, the SPEC §8 nodes as
 * classifiers, the ID set's confusion matrix, the detector table with ROC small multiples, the score distributions,
 * the most and least anomalous samples, training curves, the model's layer list with inferred output shapes and
 * the grouped run parameters.
 */
public final class ReportAssembler {
    /** Heatmaps are drawn for this many of the last inspected layers. */
    static final int HEATMAP_LAYERS = 2;

    /**
     * The most classes of a KL matrix drawn. Choice: the first 100 classes (by class id) of each side; with K = 1000 a
     * full matrix is a million cells per pair and layer, whose values the class_kl table holds.
     */
    static final int MAX_KL_CLASSES = 100;

    /** Interactions drawn per dense layer. */
    static final int TOP_INTERACTIONS = 64;

    /** The most detectors drawn per (ID, OOD) pair (ROC small multiples, score distributions). */
    static final int MAX_DRAWN_DETECTORS = 24;

    /** Bins of a score distribution. */
    static final int SCORE_BINS = 40;

    private ReportAssembler() {}

    /**
     * Writes the report.
     *
     * @param classNames the class names (index = class id), or null for the ids
     * @param training   the epochs of the training run that produced the model (SPEC §11), or null (or empty)
     *                   for no training chart
     */
    public static Path write(AuditResult r, List<String> classNames, List<TrainingEpoch> training, Path file)
            throws IOException {
        return write(r, classNames, training, file, dataset -> null);
    }

    /**
     * Writes the report, with the inputs of the most and least anomalous samples read again from their data sources
     * (only those samples are kept: {@link SampleGalleries}).
     *
     * @param sources the data source of each dataset by name (null for one that cannot be read again)
     */
    public static Path write(
            AuditResult r,
            List<String> classNames,
            List<TrainingEpoch> training,
            Path file,
            Function<String, DataSource> sources)
            throws IOException {
        HtmlReport.write(assemble(r, classNames, training, sources), file);
        return file;
    }

    static ReportData assemble(AuditResult r, List<String> classNames, List<TrainingEpoch> training) {
        return assemble(r, classNames, training, dataset -> null);
    }

    static ReportData assemble(
            AuditResult r,
            List<String> classNames,
            List<TrainingEpoch> training,
            Function<String, DataSource> sources) {
        Map<String, List<String>> namesByDataset = new LinkedHashMap<>();
        for (DatasetResult d : r.datasets()) {
            namesByDataset.put(d.name(), classNamesOf(d, classNames));
        }
        ReportData.Builder b =
                ReportData.builder("onnx-inspect audit of " + r.model().getFileName(), r.id().classSource());
        b.parameter("model", "model", r.model().getFileName().toString());
        b.parameter("model", "model SHA-256", r.modelSha256());
        b.parameter("model", "classes (K)", r.numClasses());
        b.parameter("model", "inspected layers", String.join(", ", r.layers()));
        b.parameter("model", "penultimate features", r.featureLayer() == null ? "none" : r.featureLayer());
        for (DatasetResult d : r.inspected()) {
            boolean accuracy = d.role() != DatasetRole.OOD && !Double.isNaN(d.accuracy());
            b.parameter(
                    "datasets",
                    "dataset " + d.name(),
                    d.role().label() + ", " + d.summary().samples()
                            + " samples, classes from " + d.classSource().name().toLowerCase(Locale.ROOT)
                            + (accuracy ? String.format(Locale.ROOT, ", accuracy %.4f", d.accuracy()) : ""));
        }
        r.parameters().forEach(b::parameter);
        layers(r, b);
        for (String layer : r.layers()) {
            for (DatasetResult d : r.datasets()) {
                LayerStatistics s = d.layers().get(layer);
                if (s == null || s.frequencies().isEmpty()) {
                    continue;
                }
                List<String> names = namesByDataset.get(d.name());
                histogram(b, layer, Significance.S1, d.name(), s.frequencies().s1Table(), names);
                histogram(b, layer, Significance.S2, d.name(), s.frequencies().s2Table(), names);
                summaries(b, layer, d.name(), s, names);
            }
        }
        List<String> last = r.layers()
                .subList(
                        Math.max(0, r.layers().size() - HEATMAP_LAYERS),
                        r.layers().size());
        for (String layer : last) {
            for (DatasetResult d : r.datasets()) {
                LayerStatistics s = d.layers().get(layer);
                if (s != null && !s.frequencies().isEmpty()) {
                    FrequencyTable t = s.frequencies().s1Table();
                    int units = t.units();
                    if (units > ReportData.MAX_HEATMAP_CELLS || t.classes().isEmpty()) {
                        continue;
                    }
                    int rows = (int) Math.min(t.classes().size(), ReportData.MAX_HEATMAP_CELLS / units);
                    double[][] f = new double[rows][];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = t.classes().get(i).frequencies();
                    }
                    int[] ids = Arrays.copyOf(t.classIds(), rows);
                    b.frequencyMatrix(new FrequencyMatrix(
                            layer, Significance.S1, d.name(), names(ids, namesByDataset.get(d.name())), f));
                }
            }
            klMatrices(b, r, layer, namesByDataset, "S1");
        }
        Set<MetricsRow> drawn = drawnDetectors(r.metrics());
        for (MetricsRow m : r.metrics()) {
            OodEvaluation e = m.evaluation();
            b.detectorMetrics(new DetectorMetrics(
                    m.detector(),
                    m.layer(),
                    m.idDataset(),
                    m.oodDataset(),
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
            if (!drawn.contains(m)) {
                continue;
            }
            b.rocCurve(new RocCurve(
                    m.detector(),
                    m.layer(),
                    m.idDataset(),
                    m.oodDataset(),
                    e.roc().fpr(),
                    e.roc().tpr()));
        }
        List<String> idNames = namesByDataset.get(r.id().name());
        r.confusionMatrix().ifPresent(m -> {
            int[] all = IntStream.range(0, m.numClasses()).toArray();
            b.confusion(new ConfusionTable(m.dataset(), names(all, idNames), m.counts()));
        });
        interactions(b, r, idNames);
        for (String layer : r.id().interactions().keySet()) {
            klMatrices(b, r, layer, namesByDataset, "interaction");
        }
        for (NodeClassifierResult n : r.nodeClassifiers()) {
            if (n.samples() > 0) {
                b.nodeClassifier(new NodeClassifierSummary(
                        n.layer(),
                        r.nodeFitDataset(),
                        r.id().name(),
                        n.samples(),
                        n.layerAccuracy(),
                        n.nodeAccuracies()));
            }
        }
        for (MetricsRow m : r.metrics()) {
            DatasetResult ood = r.datasets().stream()
                    .filter(d -> d.name().equals(m.oodDataset()))
                    .findFirst()
                    .orElse(null);
            if (ood == null || !r.id().name().equals(m.idDataset()) || !drawn.contains(m)) {
                continue;
            }
            b.scoreDistribution(ScoreDistribution.of(
                    m.layer() == null ? m.detector() : m.column(),
                    m.idDataset(),
                    m.oodDataset(),
                    r.id().scores().column(m.column()),
                    ood.scores().column(m.column()),
                    SCORE_BINS,
                    m.evaluation().auroc(),
                    m.evaluation().fpr95Id()));
        }
        SampleGalleries.of(r, sources, id -> name(id, idNames)).forEach(b::gallery);
        if (training != null) {
            training.forEach(b::trainingEpoch);
        }
        return b.build();
    }

    private static void layers(AuditResult r, ReportData.Builder b) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String layer : r.layers()) {
            LayerStatistics s = r.id().layers().get(layer);
            if (s != null) {
                shapes.put(layer, s.frequencies().unitShape());
            }
        }
        Map<String, List<String>> inferred = OutputShapes.infer(r.description());
        Set<String> seen = new HashSet<>();
        for (NodeInfo node : r.description().nodes()) {
            for (String out : node.outputs()) {
                if (!seen.add(out)) {
                    continue;
                }
                int[] unit = shapes.get(out);
                List<String> shape = new ArrayList<>();
                if (unit != null) {
                    shape.add("N");
                    Arrays.stream(unit).forEach(d -> shape.add(Integer.toString(d)));
                } else if (inferred.containsKey(out)) {
                    shape.addAll(inferred.get(out));
                } else {
                    shape.add("?");
                }
                b.layer(new LayerInfo(out + (shapes.containsKey(out) ? " (inspected)" : ""), node.opType(), shape));
            }
        }
    }

    private static void histogram(
            ReportData.Builder b,
            String layer,
            Significance sig,
            String dataset,
            FrequencyTable t,
            List<String> classNames) {
        int[][] neurons = new int[t.classes().size()][];
        for (int i = 0; i < neurons.length; i++) {
            neurons[i] = t.classes().get(i).histogram(t.bins());
        }
        b.histogram(new FrequencyHistogram(layer, sig, dataset, names(t.classIds(), classNames), neurons));
    }

    private static void summaries(
            ReportData.Builder b, String layer, String dataset, LayerStatistics s, List<String> classNames) {
        FrequencyTable s1 = s.frequencies().s1Table();
        FrequencyTable s2 = s.frequencies().s2Table();
        for (ClassCounts c1 : s1.classes()) {
            ClassPatterns p = s.patterns().map(ps -> ps.forClass(c1.classId())).orElse(null);
            b.layerSummary(new LayerSummary(
                    layer,
                    dataset,
                    name(c1.classId(), classNames),
                    c1.classSize(),
                    c1.activeFraction(),
                    s2.forClass(c1.classId()).activeFraction(),
                    p == null ? 0 : p.distinctPatterns(),
                    p == null ? 0 : p.entropy(),
                    p == null ? 1 : p.perplexity()));
        }
    }

    private static void klMatrices(
            ReportData.Builder b,
            AuditResult r,
            String layer,
            Map<String, List<String>> namesByDataset,
            String quantity) {
        Map<String, List<KlRow>> byPair = new LinkedHashMap<>();
        for (KlRow row : r.kl()) {
            if (row.layer().equals(layer) && row.quantity().equals(quantity)) {
                byPair.computeIfAbsent(row.datasetP() + "\u0000" + row.datasetQ(), k -> new ArrayList<>())
                        .add(row);
            }
        }
        for (List<KlRow> rows : byPair.values()) {
            int[] p = rows.stream()
                    .mapToInt(KlRow::classP)
                    .distinct()
                    .sorted()
                    .limit(MAX_KL_CLASSES)
                    .toArray();
            int[] q = rows.stream()
                    .mapToInt(KlRow::classQ)
                    .distinct()
                    .sorted()
                    .limit(MAX_KL_CLASSES)
                    .toArray();
            double[][] kl = new double[p.length][q.length];
            for (KlRow row : rows) {
                int i = Arrays.binarySearch(p, row.classP());
                int j = Arrays.binarySearch(q, row.classQ());
                if (i >= 0 && j >= 0) {
                    kl[i][j] = row.kl();
                }
            }
            KlRow first = rows.get(0);
            KlMatrix matrix = new KlMatrix(
                    layer,
                    quantity,
                    first.datasetP(),
                    first.datasetQ(),
                    names(p, namesByDataset.get(first.datasetP())),
                    names(q, namesByDataset.get(first.datasetQ())),
                    kl);
            if (quantity.equals("interaction")) {
                b.interactionKl(matrix);
            } else {
                b.klMatrix(matrix);
            }
        }
    }

    /**
     * The detectors drawn as ROC small multiples and score distributions: per (ID, OOD) pair the
     * {@value #MAX_DRAWN_DETECTORS} with the best AUROC (ties: the first in the metrics' order). Choice: a ResNet-50
     * audit has 164 score columns (per-layer detectors on many layers); 164 charts of each kind are neither legible
     * nor light, and the detector table lists every one.
     */
    private static Set<MetricsRow> drawnDetectors(List<MetricsRow> metrics) {
        Map<String, List<MetricsRow>> pairs = new LinkedHashMap<>();
        for (MetricsRow m : metrics) {
            pairs.computeIfAbsent(m.idDataset() + "\u0000" + m.oodDataset(), k -> new ArrayList<>())
                    .add(m);
        }
        Set<MetricsRow> drawn = Collections.newSetFromMap(new IdentityHashMap<>());
        for (List<MetricsRow> pair : pairs.values()) {
            List<MetricsRow> sorted = new ArrayList<>(pair);
            // NaN (an undefined AUROC) last; List.sort is stable, so ties keep the metrics' order
            sorted.sort(Comparator.comparingDouble(
                    (MetricsRow m) -> Double.isNaN(m.evaluation().auroc())
                            ? Double.POSITIVE_INFINITY
                            : -m.evaluation().auroc()));
            drawn.addAll(sorted.subList(0, Math.min(MAX_DRAWN_DETECTORS, sorted.size())));
        }
        return drawn;
    }

    /**
     * SPEC §3 of the ID set per dense layer: per class the share of significant (sample, interaction) pairs, and the
     * {@value #TOP_INTERACTIONS} interactions whose frequency G[c, i, j] differs most between classes (largest
     * max_c G - min_c G; ties to the lower flattened index). Choice: the spread between classes picks the
     * interactions that tell classes apart; the most frequent ones are often frequent for every class.
     */
    private static void interactions(ReportData.Builder b, AuditResult r, List<String> classNames) {
        for (Map.Entry<String, InteractionFrequencies> e : r.id().interactions().entrySet()) {
            InteractionFrequencies f = e.getValue();
            List<ClassCounts> classes = f.table().classes();
            if (classes.isEmpty()) {
                continue;
            }
            int units = f.table().units();
            double[] spread = new double[units];
            for (int u = 0; u < units; u++) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (ClassCounts c : classes) {
                    double g = c.frequency(u);
                    min = Math.min(min, g);
                    max = Math.max(max, g);
                }
                spread[u] = max - min;
            }
            int[] top = IntStream.range(0, units)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer u) -> -spread[u])
                            .thenComparingInt(u -> u))
                    .limit(TOP_INTERACTIONS)
                    .mapToInt(Integer::intValue)
                    .toArray();
            List<String> labels = new ArrayList<>();
            for (int u : top) {
                labels.add(u / f.inFeatures() + " \u2190 " + u % f.inFeatures());
            }
            double[] fractions = new double[classes.size()];
            double[][] frequencies = new double[classes.size()][top.length];
            int[] ids = new int[classes.size()];
            for (int c = 0; c < classes.size(); c++) {
                ClassCounts counts = classes.get(c);
                ids[c] = counts.classId();
                fractions[c] = counts.activeFraction();
                for (int k = 0; k < top.length; k++) {
                    frequencies[c][k] = counts.frequency(top[k]);
                }
            }
            b.interaction(new InteractionSummary(
                    e.getKey(),
                    r.id().name(),
                    f.outFeatures(),
                    f.inFeatures(),
                    names(ids, classNames),
                    fractions,
                    labels,
                    frequencies));
        }
    }

    /**
     * The model's class names apply to the ID set and to datasets whose classes are predictions; a labelled OOD set
     * has classes from its own label space (e.g. digits), shown as their ids.
     */
    private static List<String> classNamesOf(DatasetResult d, List<String> classNames) {
        boolean modelClasses = d.role() != DatasetRole.OOD || d.classSource() == ClassSource.PREDICTED;
        return modelClasses ? classNames : null;
    }

    private static List<String> names(int[] ids, List<String> classNames) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(name(id, classNames));
        }
        return out;
    }

    private static String name(int id, List<String> classNames) {
        return classNames != null && id < classNames.size() ? classNames.get(id) : Integer.toString(id);
    }
}
