package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionException;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passes of a distributed inspection beyond one ID set, each against the single-machine {@link Audit} on the same
 * data: the SPEC §8 node classifiers (fit set, ID evaluation), the SPEC §4 KL between the ID set and an OOD set, the
 * memory rule's views, and partitions without a finite sample under {@link NonFinitePolicy#SKIP}.
 */
class SparkInspectionPassesTest {
    private static final List<String> LAYERS = List.of("fc1", "h");

    private static SparkSession spark;
    private static Path model;
    private static InMemoryDataset id;
    private static InMemoryDataset fit;
    private static InMemoryDataset digits;
    private static AuditResult single;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        spark = Sessions.local("local[2]");
        model = TestData.mlp(dir.resolve("mlp.onnx"));
        InMemoryDataset test = FashionMnist.test();
        id = test.subset(0, 300).named("fashion");
        fit = test.subset(300, 600).named("train");
        digits = MnistDigits.load().subset(0, 150).named("digits");
        single = Audit.builder(model)
                .fit(fit)
                .id(id)
                .ood(digits)
                .layers(LAYERS)
                .batchSize(64)
                .run();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void onePartitionEachEqualsTheSingleMachineAudit() throws IOException {
        assertSameAudit(inspect(id, digits, fit, d -> d.coalesce(1), KdeMode.FAST), single);
    }

    @Test
    void manyPartitionsEqualTheSingleMachineAudit() throws IOException {
        SparkInspectionResult r = inspect(id, digits, fit, d -> d.repartition(7), KdeMode.FAST);
        assertSameAudit(r, single);
        assertThat(r.parameters()).containsEntry("fit_set", "train (300 samples)");
        assertThat(r.parameters()).containsEntry("node_fit_samples", "300");
        assertThat(r.parameters()).containsEntry("node_eval_samples", "300");
    }

    @Test
    void emptyAndSingleRowPartitionsEqualTheSingleMachineAudit() throws IOException {
        InMemoryDataset fewId = id.subset(0, 12).named("fashion");
        InMemoryDataset fewFit = fit.subset(0, 15).named("train");
        InMemoryDataset fewDigits = digits.subset(0, 9).named("digits");
        AuditResult reference = Audit.builder(model)
                .fit(fewFit)
                .id(fewId)
                .ood(fewDigits)
                .layers(LAYERS)
                .run();
        // each set in 40 slices of consecutive rows: empty partitions, and the others single rows
        SparkDatasets sets = SparkDatasets.of("fashion", TestData.rows(spark, fewId, 40))
                .withOod("digits", TestData.rows(spark, fewDigits, 40))
                .withFit("train", TestData.rows(spark, fewFit, 40));
        assertThat(TestData.rows(spark, fewFit, 40)
                        .javaRDD()
                        .glom()
                        .map(List::size)
                        .collect())
                .contains(0)
                .contains(1)
                .doesNotContain(2);
        assertSameAudit(builder(model).build().run(sets), reference);
    }

    /**
     * {@link KdeMode#EXACT}, which the audit does not use, against the single-machine library itself: the fit
     * accumulators fed by one {@link Inspection} over the fit set, the EXACT evaluation by one over the ID set.
     */
    @Test
    void exactKdeEqualsTheSingleMachineLibrary() throws IOException {
        SparkInspectionResult r = inspect(id, digits, fit, d -> d.repartition(5), KdeMode.EXACT);
        OnnxModel onnx = OnnxModel.load(model);
        List<TensorSelector> selectors = new ArrayList<>();
        for (String t : List.of("fc1", "h", "logits")) {
            selectors.add(TensorSelector.name(t));
        }
        byte[] bytes = onnx.instrument(selectors).model().toBytes();
        Map<String, NodeClassifierFitAccumulator> fits = new LinkedHashMap<>();
        Map<String, NodeClassifierEvaluationAccumulator> evaluations = new LinkedHashMap<>();
        StatsOptions options = StatsOptions.builder(10, ClassBasis.LABEL).build();
        try (InferenceSession session = InferenceSession.open(bytes, SessionConfig.defaults())) {
            pass(session, fit).run(view -> {
                for (String layer : LAYERS) {
                    LayerActivations a = view.layer(layer);
                    fits.computeIfAbsent(layer, l -> new NodeClassifierFitAccumulator(options, l, a.unitShape()))
                            .accept(view.classes(), a);
                }
            });
            fits.forEach((layer, f) -> evaluations.put(layer, f.result().evaluation(KdeMode.EXACT)));
            pass(session, id)
                    .run(view -> evaluations.forEach((layer, e) -> e.accept(view.classes(), view.layer(layer))));
        }
        List<NodeClassifierResult> expected = evaluations.values().stream()
                .map(NodeClassifierEvaluationAccumulator::result)
                .toList();
        assertThat(r.nodeClassifiers()).hasSize(2);
        for (int i = 0; i < expected.size(); i++) {
            NodeClassifierResult got = r.nodeClassifiers().get(i);
            assertThat(got.mode()).isEqualTo(KdeMode.EXACT);
            assertThat(got.layer()).isEqualTo(expected.get(i).layer());
            assertThat(got.samples()).isEqualTo(300);
            assertThat(got.layerCorrect()).isEqualTo(expected.get(i).layerCorrect());
            assertThat(got.nodeCorrect()).containsExactly(expected.get(i).nodeCorrect());
        }
    }

    private static Inspection pass(InferenceSession session, InMemoryDataset data) {
        return Inspection.builder(session, data)
                .logitsOutput("logits")
                .layers(LAYERS)
                .batchSize(50)
                .classSource(ClassSource.LABEL)
                .build();
    }

    @Test
    void theTablesHoldTheNodeClassifiersAndTheFitSet() throws IOException {
        Map<String, Path> files = SparkInspection.writeTables(
                inspect(id, digits, fit, d -> d.repartition(3), KdeMode.FAST), dir.resolve("tables"));
        assertThat(files).containsKeys("node_classifier", "class_kl", "activation_frequency");
    }

    @Test
    void aFitSetWithoutLabelsIsRefused() {
        Dataset<Row> unlabelled = TestData.rows(spark, fit).drop("label");
        SparkDatasets sets = SparkDatasets.of("fashion", TestData.rows(spark, id))
                .withFit("train", unlabelled.withColumn("label", unlabelled.col("pixels")));
        assertThatThrownBy(() -> builder(model).build().run(sets))
                .hasMessageContaining("label column 'label' has type array<float>");
        RowInputs noLabels = RowInputs.builder().input("pixels").build();
        assertThatThrownBy(() -> SparkInspection.builder(model, noLabels)
                        .layers(LAYERS)
                        .build()
                        .run(SparkDatasets.of("fashion", TestData.rows(spark, id))
                                .withFit("train", TestData.rows(spark, fit))))
                .hasMessageContaining("the fit set train has no labels");
    }

    /**
     * The memory rule on the driver: the CNN's map "r" [4, 26, 26] has flattened S1/S2 counters of 2 x 10 x 2,704
     * ints (216 KB) and more, beyond a budget of 128 KiB for its one layer, so the audit views it by channel means;
     * the Spark run must choose the same view and give the same records.
     */
    @Test
    void theMemoryRuleViewsALargeMapByChannelAsTheAuditDoes() throws IOException {
        Path cnn = TestData.cnn(dir.resolve("cnn.onnx"));
        InMemoryDataset images = id.subset(0, 100).named("fashion");
        long budget = 128 << 10;
        AuditResult reference = Audit.builder(cnn)
                .id(images)
                .layers(List.of("r"))
                .memoryBudgetBytes(budget)
                .run();
        SparkInspectionResult r = SparkInspection.builder(
                        cnn, RowInputs.builder().input("pixels").labels("label").build())
                .name("fashion")
                .layers(List.of("r"))
                .memoryBudgetBytes(budget)
                .build()
                .run(TestData.rows(spark, images).repartition(3));
        assertThat(reference.id().layers().get("r").frequencies().view()).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(r.dataset().layers().get("r").frequencies().view()).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(r.parameters().get("neuron_view.r"))
                .startsWith("CHANNEL_MEAN")
                .isEqualTo(reference.parameters().get("neuron_view.r"));
        assertSameAudit(r, reference);
    }

    /**
     * The tiny model of {@link SparkInspectionTest} on six rows in three partitions of two: partition 1 holds the two
     * rows with NaN inputs (their logits are NaN), so it has no finite sample. With SKIP the run counts them and
     * equals the single-machine audit of the same six rows.
     */
    @Test
    void aPartitionWithoutAFiniteSampleIsCountedUnderSkip() throws IOException {
        Path tiny = TestData.tiny(dir.resolve("tiny.onnx"));
        float nan = Float.NaN;
        float[] x = {1, 2, 2, -1, nan, nan, nan, 1, -1, 3, 0, 0};
        int[] y = {0, 0, 1, 0, 1, 1};
        AuditResult reference = Audit.builder(tiny)
                .id(InMemoryDataset.of("tiny", x, y, 2))
                .layers(List.of("h"))
                .nonFinite(NonFinitePolicy.SKIP)
                .run();
        SparkInspection inspection = SparkInspection.builder(
                        tiny, RowInputs.builder().input("x").labels("y").build())
                .name("tiny")
                .layers(List.of("h"))
                .nonFinite(NonFinitePolicy.SKIP)
                .build();
        Dataset<Row> rows = tinyRows(x, y, 3);
        assertThat(rows.javaRDD().glom().collect().get(1).toString()).contains("NaN");
        SparkInspectionResult r = inspection.run(rows);
        assertThat(r.dataset().summary().samples()).isEqualTo(4);
        assertThat(r.dataset().skippedNonFinite()).isEqualTo(2);
        assertThat(r.parameters())
                .containsEntry("skipped_non_finite.tiny", "2")
                .containsEntry("skipped_non_finite.tiny", reference.parameters().get("skipped_non_finite.tiny"));
        SparkInspectionTest.assertSame(r, reference);
        // every sample non-finite: refused as on a single machine
        Dataset<Row> allNan = tinyRows(new float[] {nan, nan, nan, 1}, new int[] {0, 1}, 2);
        assertThatThrownBy(() -> inspection.run(allNan))
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("all 2 samples of tiny have NaN or infinite activations");
    }

    private static Dataset<Row> tinyRows(float[] x, int[] y, int partitions) {
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.FloatType), false)
                .add("y", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            rows.add(RowFactory.create(new float[] {x[2 * i], x[2 * i + 1]}, y[i]));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, partitions), schema);
    }

    private static SparkInspection.Builder builder(Path file) {
        return SparkInspection.builder(
                        file,
                        RowInputs.builder().input("pixels").labels("label").build())
                .layers(LAYERS)
                .batchSize(32);
    }

    static SparkInspectionResult inspect(
            InMemoryDataset idSet,
            InMemoryDataset oodSet,
            InMemoryDataset fitSet,
            UnaryOperator<Dataset<Row>> partitioning,
            KdeMode mode)
            throws IOException {
        SparkDatasets sets = SparkDatasets.of(idSet.name(), partitioning.apply(TestData.rows(spark, idSet)))
                .withOod(oodSet.name(), partitioning.apply(TestData.rows(spark, oodSet)))
                .withFit(fitSet.name(), partitioning.apply(TestData.rows(spark, fitSet)));
        return builder(model).kdeMode(mode).build().run(sets);
    }

    /**
     * The records of the single-machine audit: per dataset (ID, OOD, fit) every count (the confusion matrix's too)
     * bit for bit, entropies and KL
     * within 1e-12 relative (sums may run in another order after a merge), the node classifiers' counts exactly.
     */
    static void assertSameAudit(SparkInspectionResult r, AuditResult reference) {
        assertThat(r.datasets()).hasSameSizeAs(reference.datasets());
        for (int i = 0; i < r.datasets().size(); i++) {
            assertSameDataset(r.datasets().get(i), reference.datasets().get(i));
        }
        if (reference.fitSet() == null) {
            assertThat(r.fitSet()).isNull();
        } else {
            assertSameDataset(r.fitSet(), reference.fitSet());
        }
        Comparator<Double> close = (a, b) -> Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)) ? 0 : a.compareTo(b);
        assertThat(r.kl()).isNotEmpty().hasSameSizeAs(reference.kl());
        assertThat(r.kl())
                .usingRecursiveComparison()
                .withComparatorForType(close, Double.class)
                .isEqualTo(reference.kl());
        assertThat(r.nodeFitDataset()).isEqualTo(reference.nodeFitDataset());
        if (reference.fitSet() != null) {
            assertThat(reference.nodeClassifiers()).isNotEmpty();
        }
        assertThat(r.nodeClassifiers()).hasSameSizeAs(reference.nodeClassifiers());
        for (int i = 0; i < reference.nodeClassifiers().size(); i++) {
            NodeClassifierResult got = r.nodeClassifiers().get(i);
            NodeClassifierResult want = reference.nodeClassifiers().get(i);
            assertThat(got.layer()).isEqualTo(want.layer());
            assertThat(got.mode()).isEqualTo(want.mode());
            assertThat(got.samples()).isEqualTo(want.samples());
            assertThat(got.invalidSamples()).isEqualTo(want.invalidSamples());
            assertThat(got.layerCorrect()).as(got.layer()).isEqualTo(want.layerCorrect());
            assertThat(got.nodeCorrect()).as(got.layer()).containsExactly(want.nodeCorrect());
            assertThat(got.layerAccuracy()).isEqualTo(want.layerAccuracy());
        }
    }

    private static void assertSameDataset(DatasetResult got, DatasetResult want) {
        Comparator<Double> close = (a, b) -> Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)) ? 0 : a.compareTo(b);
        assertThat(got.name()).isEqualTo(want.name());
        assertThat(got.role()).isEqualTo(want.role());
        assertThat(got.classSource()).isEqualTo(want.classSource());
        assertThat(got.summary().samples()).isEqualTo(want.summary().samples());
        assertThat(got.summary().skippedNonFinite()).isEqualTo(want.summary().skippedNonFinite());
        assertThat(got.summary().classCounts()).containsExactly(want.summary().classCounts());
        // the partitions' (label, prediction) counts against the audit's per-sample predictions
        int k = want.summary().numClasses();
        assertThat(got.confusionMatrix(k)).isEqualTo(want.confusionMatrix(k));
        assertThat(got.accuracy()).isEqualTo(want.accuracy());
        assertThat(got.layers()).isNotEmpty().containsOnlyKeys(want.layers().keySet());
        assertThat(got.layers())
                .usingRecursiveComparison()
                .withComparatorForType(close, Double.class)
                .isEqualTo(want.layers());
        assertThat(got.interactions()).usingRecursiveComparison().isEqualTo(want.interactions());
    }
}
