package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's tables, read back and checked against direct computations on the other tables: the metrics table is
 * {@link OodMetrics} of the scores table, the KL table is SPEC §4 of the frequency rows (both directions), the
 * histograms are the exact SPEC §2 binning of the frequency rows, skipped detectors are recorded with their reason,
 * and every dataset's classes come from the source its metadata names. One audit of a tiny model: input [N, 4] ->
 * Gemm (5 units) -> Relu "hidden/relu" -> Gemm -> "logits" (K = 3); a fit set of 30 labelled samples (too few for KNN,
 * which needs k = 50), a labelled ID set, a labelled OOD set (labels from another label space) and an unlabelled one.
 */
class AuditTablesTest {
    private static final int K = 3;
    private static final double ALPHA = 1e-6;
    private static final int BINS = 7;
    private static final String LAYER = "hidden/relu";

    @TempDir
    static Path dir;

    private static AuditResult result;
    private static Map<String, Path> files;

    private final BufferAllocator allocator = new RootAllocator();

    @BeforeAll
    static void audit() throws IOException {
        Path model = dir.resolve("tiny.onnx");
        GraphBuilder g = GraphBuilder.create("tiny");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(4)));
        float[] w1 = new float[5 * 4];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) Math.sin(i * 0.7 + 0.3);
        }
        float[] w2 = new float[K * 5];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) Math.cos(i * 1.3);
        }
        String h = g.gemm(
                "hidden/linear",
                x,
                g.addInitializer("w1", w1, 5, 4),
                g.addInitializer("b1", new float[] {0.1f, -0.2f, 0.05f, 0f, -0.1f}, 5),
                true);
        String r = g.relu(LAYER, h);
        g.gemm("logits", r, g.addInitializer("w2", w2, K, 5), g.addInitializer("b2", new float[K], K), true);
        g.output("logits");
        g.build().save(model);
        result = Audit.builder(model)
                .fit(data("fit", 30, 1, K, true))
                .id(data("id", 40, 2, K, true))
                .ood(data("ood-labelled", 30, 3, 2, true))
                .ood(data("ood-unlabelled", 25, 4, K, false))
                .alpha(ALPHA)
                .bins(BINS)
                .nodeClassifiers(0, 0)
                .run();
        files = AuditTables.write(result, dir.resolve("tables"));
    }

    /** n samples of 4 values in [-1, 2), labels cycling over {@code labels} classes (or none). */
    private static InMemoryDataset data(String name, int n, long seed, int labels, boolean labelled) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 3 - 1);
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % labels;
        }
        return InMemoryDataset.of(name, values, labelled ? y : null, 4);
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private ArrowTables.Table table(String name) throws IOException {
        return ArrowTables.read(files.get(name), allocator);
    }

    @Test
    void metricsAreOodMetricsOfTheScoresTable() throws IOException {
        ArrowTables.Table scores = table(ScoresWriter.TABLE);
        ArrowTables.Table metrics = table(OodMetricsWriter.TABLE);
        assertThat(metrics.rows()).isNotEmpty();
        for (Map<String, Object> m : metrics.rows()) {
            String column =
                    m.get("layer") == null ? (String) m.get("detector") : m.get("detector") + "@" + m.get("layer");
            double[] id = column(scores, (String) m.get("id_dataset"), column);
            double[] ood = column(scores, (String) m.get("ood_dataset"), column);
            OodEvaluation e = OodMetrics.evaluate(id, ood);
            assertThat(m.get("auroc")).as(column).isEqualTo(e.auroc());
            assertThat(m.get("aupr_in")).as(column).isEqualTo(e.auprIn());
            assertThat(m.get("aupr_out")).as(column).isEqualTo(e.auprOut());
            assertThat(m.get("aupr_in_trapz")).as(column).isEqualTo(e.auprInTrapz());
            assertThat(m.get("aupr_out_trapz")).as(column).isEqualTo(e.auprOutTrapz());
            assertThat(m.get("fpr95_id")).as(column).isEqualTo(e.fpr95Id());
            assertThat(m.get("fpr95_ood")).as(column).isEqualTo(e.fpr95Ood());
            assertThat(m.get("detection_error")).as(column).isEqualTo(e.detectionError());
            assertThat(m.get("n_id")).isEqualTo((long) id.length);
            assertThat(m.get("n_ood")).isEqualTo((long) ood.length);
        }
        // every score column of the scores table is evaluated on both OOD sets
        int scoreColumns = scores.columnNames().size() - 4;
        assertThat(metrics.rows()).hasSize(2 * scoreColumns);
        assertThat(metrics.column("id_dataset")).containsOnly("id");
        assertThat(metrics.column("ood_dataset")).containsOnly("ood-labelled", "ood-unlabelled");
    }

    private static double[] column(ArrowTables.Table scores, String dataset, String column) {
        return scores.rows().stream()
                .filter(r -> r.get("dataset").equals(dataset))
                .mapToDouble(r -> (Double) r.get(column))
                .toArray();
    }

    @Test
    void scoresHoldTheEvaluatedSetsInSourceOrder() throws IOException {
        ArrowTables.Table scores = table(ScoresWriter.TABLE);
        Map<String, Integer> samples = new LinkedHashMap<>();
        for (Map<String, Object> r : scores.rows()) {
            String d = (String) r.get("dataset");
            int index = samples.merge(d, 1, Integer::sum) - 1;
            assertThat(r.get("sample_index")).isEqualTo((long) index);
        }
        // the fit set has statistics but no scores
        assertThat(samples)
                .containsExactly(Map.entry("id", 40), Map.entry("ood-labelled", 30), Map.entry("ood-unlabelled", 25));
    }

    /**
     * The confusion matrix table is the count of (label, predicted) pairs of the ID set's rows of the scores table,
     * counted here from those rows alone; its cells sum to the ID set's 40 samples and its diagonal over that is the
     * accuracy the audit reports.
     */
    @Test
    void confusionMatrixCountsTheIdSetsLabelsAgainstItsPredictions() throws IOException {
        Map<List<Integer>, Long> expected = new TreeMap<>((a, b) ->
                a.get(0).equals(b.get(0)) ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0)));
        for (Map<String, Object> r : table(ScoresWriter.TABLE).rows()) {
            if (r.get("dataset").equals("id")) {
                expected.merge(
                        List.of(((Number) r.get("label")).intValue(), ((Number) r.get("predicted")).intValue()),
                        1L,
                        Long::sum);
            }
        }
        Map<List<Integer>, Long> actual = new HashMap<>();
        long diagonal = 0;
        for (Map<String, Object> r : table(ConfusionMatrixWriter.TABLE).rows()) {
            assertThat(r.get("dataset")).isEqualTo("id");
            int t = (Integer) r.get("true_class");
            int p = (Integer) r.get("predicted_class");
            long count = (Long) r.get("count");
            assertThat(actual.put(List.of(t, p), count))
                    .as("cell (%d, %d) once", t, p)
                    .isNull();
            diagonal += t == p ? count : 0;
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        double accuracy = diagonal / 40.0;
        assertThat(accuracy).isCloseTo(result.id().accuracy(), within(1e-12));
        assertThat(result.confusionMatrix()).hasValueSatisfying(m -> {
            assertThat(m.total()).isEqualTo(40);
            assertThat(m.accuracy()).isCloseTo(accuracy, within(1e-12));
            for (int t = 0; t < K; t++) {
                long row = 0;
                for (int p = 0; p < K; p++) {
                    row += expected.getOrDefault(List.of(t, p), 0L);
                }
                assertThat(m.classSize(t)).isEqualTo(row);
            }
        });
    }

    @Test
    void klHoldsBothDirectionsAndIsSpec4OfTheFrequencyRows() throws IOException {
        ArrowTables.Table kl = table(ClassKlWriter.TABLE);
        Map<String, Map<Integer, double[]>> profiles = s1Profiles(table(ActivationFrequencyWriter.TABLE));
        int checked = 0;
        for (String ood : List.of("ood-labelled", "ood-unlabelled")) {
            for (String[] pair : List.of(new String[] {"id", ood}, new String[] {ood, "id"})) {
                List<Map<String, Object>> rows = kl.rows().stream()
                        .filter(r -> r.get("layer").equals(LAYER)
                                && r.get("quantity").equals("S1")
                                && r.get("dataset_p").equals(pair[0])
                                && r.get("dataset_q").equals(pair[1]))
                        .toList();
                // one row per (class of P, class of Q) present in the two sets
                assertThat(rows)
                        .as(pair[0] + " || " + pair[1])
                        .hasSize(profiles.get(pair[0]).size()
                                * profiles.get(pair[1]).size());
                for (Map<String, Object> r : rows) {
                    double[] p = profiles.get(pair[0]).get((Integer) r.get("class_p"));
                    double[] q = profiles.get(pair[1]).get((Integer) r.get("class_q"));
                    assertThat((Double) r.get("kl")).isCloseTo(kl(p, q), within(1e-12));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(0);
        // within the fit set too
        assertThat(kl.rows())
                .anyMatch(r ->
                        r.get("dataset_p").equals("fit") && r.get("dataset_q").equals("fit"));
    }

    /**
     * SPEC §4: P_c(u) = (F[c, u] + alpha) / sum_v (F[c, v] + alpha), F = count / class size, per dataset and class.
     */
    private static Map<String, Map<Integer, double[]>> s1Profiles(ArrowTables.Table frequencies) {
        Map<String, Map<Integer, List<double[]>>> counts = new HashMap<>();
        for (Map<String, Object> r : frequencies.rows()) {
            if (r.get("layer").equals(LAYER) && r.get("significance").equals("S1")) {
                counts.computeIfAbsent((String) r.get("dataset"), d -> new TreeMap<>())
                        .computeIfAbsent((Integer) r.get("class"), c -> new ArrayList<>())
                        .add(new double[] {(Integer) r.get("neuron"), (Long) r.get("count"), (Long) r.get("class_size")
                        });
            }
        }
        Map<String, Map<Integer, double[]>> profiles = new HashMap<>();
        counts.forEach((dataset, byClass) -> byClass.forEach((c, units) -> {
            double[] p = new double[units.size()];
            double sum = 0;
            for (double[] u : units) {
                p[(int) u[0]] = u[1] / u[2] + ALPHA;
                sum += p[(int) u[0]];
            }
            for (int j = 0; j < p.length; j++) {
                p[j] /= sum;
            }
            profiles.computeIfAbsent(dataset, d -> new TreeMap<>()).put(c, p);
        }));
        return profiles;
    }

    private static double kl(double[] p, double[] q) {
        double sum = 0;
        for (int u = 0; u < p.length; u++) {
            sum += p[u] * Math.log(p[u] / q[u]);
        }
        return sum;
    }

    @Test
    void histogramsAreTheExactBinningOfTheFrequencyRows() throws IOException {
        Map<String, long[]> expected = new HashMap<>();
        for (Map<String, Object> r : table(ActivationFrequencyWriter.TABLE).rows()) {
            long count = (Long) r.get("count");
            long size = (Long) r.get("class_size");
            // SPEC §2: b = min(floor(count * B / N_c), B - 1), in integers
            int bin = (int) Math.min(count * BINS / size, BINS - 1);
            expected.computeIfAbsent(key(r), k -> new long[BINS])[bin]++;
        }
        Map<String, long[]> written = new HashMap<>();
        for (Map<String, Object> r : table(FrequencyHistogramWriter.TABLE).rows()) {
            int bin = (Integer) r.get("bin");
            written.computeIfAbsent(key(r), k -> new long[BINS])[bin] = (Long) r.get("neurons");
            assertThat((Double) r.get("lower")).isEqualTo((double) bin / BINS);
        }
        assertThat(written.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, bins) -> assertThat(written.get(k)).as(k).containsExactly(bins));
        // every dataset, the fit set included, has histograms of both significances
        assertThat(written.keySet()).anyMatch(k -> k.contains("|fit|") && k.contains("|S2|"));
    }

    private static String key(Map<String, Object> r) {
        return r.get("layer") + "|" + r.get("significance") + "|" + r.get("dataset") + "|" + r.get("class");
    }

    @Test
    void skippedDetectorsAreRecordedWithTheirReason() throws IOException {
        assertThat(result.skippedDetectors())
                .singleElement()
                .asString()
                .contains("Knn")
                .contains("50");
        assertThat(result.scoreColumns()).noneMatch(c -> c.detector().equals("knn"));
        ArrowTables.Table scores = table(ScoresWriter.TABLE);
        assertThat(scores.columnNames()).doesNotContain("knn").contains("mahalanobis", "vim", "nap_hamming@" + LAYER);
        // SPEC §5b (bank/gradient detectors): NNGuide's k is at most the bank, so a small fit set keeps them all
        assertThat(scores.columnNames()).contains("nnguide", "relation", "nac_ue");
        assertThat(table(OodMetricsWriter.TABLE).rows())
                .extracting(r -> r.get("detector"))
                .contains("nnguide", "relation", "nac_ue");
        assertThat(scores.metadata().get("param.detectors_skipped"))
                .contains("Knn")
                .contains("50");
    }

    @Test
    void classesComeFromLabelsWhereADatasetHasThemElseFromPredictions() throws IOException {
        ArrowTables.Table scores = table(ScoresWriter.TABLE);
        ArrowTables.Table frequencies = table(ActivationFrequencyWriter.TABLE);
        assertThat(frequencies.metadata().get("param.class_source_by_dataset"))
                .isEqualTo("{\"id\":\"label\","
                        + "\"ood-labelled\":\"label\",\"ood-unlabelled\":\"predicted\",\"fit\":\"label\"}");
        assertThat(frequencies.metadata().get("param.role_by_dataset"))
                .isEqualTo("{\"id\":\"id\"," + "\"ood-labelled\":\"ood\",\"ood-unlabelled\":\"ood\",\"fit\":\"fit\"}");
        // class sizes of the statistics = labels of labelled sets, predictions of the unlabelled one
        assertThat(classSizes(frequencies, "ood-labelled")).isEqualTo(counts(scores, "ood-labelled", "label"));
        assertThat(classSizes(frequencies, "ood-unlabelled")).isEqualTo(counts(scores, "ood-unlabelled", "predicted"));
        assertThat(classSizes(frequencies, "id")).isEqualTo(counts(scores, "id", "label"));
        // the labelled OOD set's labels are 0 and 1 (another label space), the unlabelled set's labels are null
        assertThat(counts(scores, "ood-labelled", "label")).containsOnlyKeys(0, 1);
        assertThat(scores.rows())
                .filteredOn(r -> r.get("dataset").equals("ood-unlabelled"))
                .allMatch(r -> r.get("label") == null);
        // the fit set: its 30 labels, 10 per class
        assertThat(classSizes(frequencies, "fit"))
                .containsExactly(Map.entry(0, 10L), Map.entry(1, 10L), Map.entry(2, 10L));
        assertThat(result.fit()).hasValueSatisfying(f -> {
            assertThat(f.role()).isEqualTo(DatasetRole.FIT);
            assertThat(f.scores().size()).isEqualTo(30);
        });
    }

    private static Map<Integer, Long> classSizes(ArrowTables.Table frequencies, String dataset) {
        Map<Integer, Long> sizes = new TreeMap<>();
        for (Map<String, Object> r : frequencies.rows()) {
            if (r.get("dataset").equals(dataset)
                    && r.get("layer").equals(LAYER)
                    && r.get("significance").equals("S1")
                    && (Integer) r.get("neuron") == 0) {
                sizes.put((Integer) r.get("class"), (Long) r.get("class_size"));
            }
        }
        return sizes;
    }

    private static Map<Integer, Long> counts(ArrowTables.Table scores, String dataset, String column) {
        Map<Integer, Long> counts = new TreeMap<>();
        for (Map<String, Object> r : scores.rows()) {
            if (r.get("dataset").equals(dataset)) {
                counts.merge((Integer) r.get(column), 1L, Long::sum);
            }
        }
        return counts;
    }

    @Test
    void manifestListsEveryTableWritten() {
        assertThat(files)
                .containsKeys(
                        ScoresWriter.TABLE,
                        OodMetricsWriter.TABLE,
                        RocCurveWriter.TABLE,
                        ActivationFrequencyWriter.TABLE,
                        FrequencyHistogramWriter.TABLE,
                        ClassKlWriter.TABLE,
                        LayerSummaryWriter.TABLE,
                        InteractionFrequencyWriter.TABLE,
                        ConfusionMatrixWriter.TABLE,
                        "manifest");
        assertThat(files).doesNotContainKeys(NodeClassifierWriter.TABLE, TrainingHistoryWriter.TABLE);
    }
}
