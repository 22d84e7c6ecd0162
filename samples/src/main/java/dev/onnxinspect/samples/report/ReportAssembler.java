package dev.onnxinspect.samples.report;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.samples.demo.TrainingStep;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns an {@link AuditResult} into the HTML report: per-layer frequency histograms (S1, S2) for every dataset,
 * class x neuron heatmaps for the last two layers, the S1 KL matrices (within each dataset and ID vs OOD both
 * ways), per-layer sparsity and perplexity, the detector table with ROC curves, training curves and the model's
 * layer list.
 */
public final class ReportAssembler {
    /** Heatmaps are drawn for this many of the last inspected layers. */
    static final int HEATMAP_LAYERS = 2;

    private ReportAssembler() {}

    /**
     * Writes the report.
     *
     * @param classNames the class names (index = class id), or null for the ids
     * @param training   the training run that produced the model, or null
     */
    public static Path write(AuditResult r, List<String> classNames, TrainingStep.Result training, Path file)
            throws IOException {
        HtmlReport.write(assemble(r, classNames, training), file);
        return file;
    }

    static ReportData assemble(AuditResult r, List<String> classNames, TrainingStep.Result training) {
        Map<String, List<String>> namesByDataset = new LinkedHashMap<>();
        for (DatasetResult d : r.datasets()) {
            namesByDataset.put(d.name(), classNamesOf(d, classNames));
        }
        ReportData.Builder b =
                ReportData.builder("onnx-inspect audit of " + r.model().getFileName(), r.id().classSource());
        b.parameter("model", r.model().getFileName().toString());
        b.parameter("model SHA-256", r.modelSha256());
        b.parameter("classes (K)", r.numClasses());
        b.parameter("inspected layers", String.join(", ", r.layers()));
        b.parameter("penultimate features", r.featureLayer() == null ? "none" : r.featureLayer());
        for (DatasetResult d : r.inspected()) {
            boolean accuracy = d.role() != DatasetRole.OOD && !Double.isNaN(d.accuracy());
            b.parameter(
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
                    double[][] f = new double[t.classes().size()][];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = t.classes().get(i).frequencies();
                    }
                    b.frequencyMatrix(new FrequencyMatrix(
                            layer, Significance.S1, d.name(), names(t.classIds(), namesByDataset.get(d.name())), f));
                }
            }
            klMatrices(b, r, layer, namesByDataset);
        }
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
            b.rocCurve(new RocCurve(
                    m.detector(),
                    m.layer(),
                    m.idDataset(),
                    m.oodDataset(),
                    e.roc().fpr(),
                    e.roc().tpr()));
        }
        if (training != null) {
            for (EpochRecord e : training.run().history()) {
                b.trainingEpoch(new TrainingEpoch(training.runId(), e.epoch(), e.trainAccuracy(), e.testAccuracy()));
            }
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
            ReportData.Builder b, AuditResult r, String layer, Map<String, List<String>> namesByDataset) {
        Map<String, List<KlRow>> byPair = new LinkedHashMap<>();
        for (KlRow row : r.kl()) {
            if (row.layer().equals(layer) && row.quantity().equals("S1")) {
                byPair.computeIfAbsent(row.datasetP() + "\u0000" + row.datasetQ(), k -> new ArrayList<>())
                        .add(row);
            }
        }
        for (List<KlRow> rows : byPair.values()) {
            int[] p = rows.stream().mapToInt(KlRow::classP).distinct().sorted().toArray();
            int[] q = rows.stream().mapToInt(KlRow::classQ).distinct().sorted().toArray();
            double[][] kl = new double[p.length][q.length];
            for (KlRow row : rows) {
                kl[Arrays.binarySearch(p, row.classP())][Arrays.binarySearch(q, row.classQ())] = row.kl();
            }
            KlRow first = rows.get(0);
            b.klMatrix(new KlMatrix(
                    layer,
                    "S1",
                    first.datasetP(),
                    first.datasetQ(),
                    names(p, namesByDataset.get(first.datasetP())),
                    names(q, namesByDataset.get(first.datasetQ())),
                    kl));
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
