package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.InspectionException;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.LayerStatistics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

/** The distributed inspection in {@code local[2]}: hand-derived counts, equality with the single-machine audit. */
class SparkInspectionTest {
    private static final int SAMPLES = 400;
    private static final List<String> LAYERS = List.of("fc1", "h");

    private static SparkSession spark;
    private static Path model;
    private static InMemoryDataset fashion;
    private static AuditResult single;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        spark = Sessions.local("local[2]");
        model = TestData.mlp(dir.resolve("mlp.onnx"));
        fashion = TestData.fashion(SAMPLES);
        // the single-machine library on the same data: the `inspect` command's audit without fit set
        single = Audit.builder(model).id(fashion).layers(LAYERS).batchSize(64).run();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Four rows of the tiny model (x -> h = relu(x0, x1, -x0, -x1)), in three partitions:
     * (1, 2) label 0: h = (1, 2, 0, 0), active {0, 1}; (2, -1) label 0: h = (2, 0, 0, 1), active {0, 3};
     * (-1, 3) label 1: h = (0, 3, 1, 0), active {1, 2}; (0, 0) label 1: h = 0, active {}.
     * S1 counts: class 0 = (2, 1, 0, 1), class 1 = (0, 1, 1, 0). S2 (eps 1000): each last positive value is followed
     * by 0, so S2 = S1. Patterns: two distinct per class, H = ln 2, P = 2.
     * Interactions of "logits" (W2 rows (1, 0, -1, 0) and (0, 1, 0, -1), units i * 4 + j, significant when
     * C_ij * 4 > sum_k |C_ik|): (1, 2) gives C_0 = (1, 0, 0, 0) and C_1 = (0, 2, 0, 0): units 0 and 5; (2, -1) gives
     * C_0 = (2, 0, 0, 0): unit 0, and C_1 = (0, 0, 0, -1): none; (-1, 3) gives C_0 = (0, 0, -1, 0): none, and
     * C_1 = (0, 3, 0, 0): unit 5; (0, 0): all zero, none. Class 0: unit 0 twice, unit 5 once; class 1: unit 5 once.
     */
    @Test
    void tinyModelCountsDerivedOnPaper() throws IOException {
        Path tiny = TestData.tiny(dir.resolve("tiny.onnx"));
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.FloatType), false)
                .add("y", DataTypes.LongType, false);
        List<Row> rows = List.of(
                RowFactory.create(List.of(1f, 2f), 0L),
                RowFactory.create(List.of(-1f, 3f), 1L),
                RowFactory.create(List.of(2f, -1f), 0L),
                RowFactory.create(List.of(0f, 0f), 1L));
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(3);

        SparkInspectionResult r = SparkInspection.builder(
                        tiny, RowInputs.builder().input("x").labels("y").build())
                .layers(List.of("h"))
                .name("tiny")
                .build()
                .run(data);

        LayerStatistics h = r.dataset().layers().get("h");
        for (FrequencyTable t :
                List.of(h.frequencies().s1Table(), h.frequencies().s2Table())) {
            assertThat(t.forClass(0).counts()).containsExactly(2, 1, 0, 1);
            assertThat(t.forClass(1).counts()).containsExactly(0, 1, 1, 0);
            assertThat(t.forClass(0).classSize()).isEqualTo(2);
        }
        ClassPatterns p0 = h.patterns().orElseThrow().forClass(0);
        assertThat(p0.distinctPatterns()).isEqualTo(2);
        assertThat(p0.entropy()).isEqualTo(Math.log(2));
        assertThat(h.patterns().orElseThrow().forClass(1).distinctPatterns()).isEqualTo(2);
        FrequencyTable interactions = r.dataset().interactions().get("logits").table();
        int[] class0 = new int[8];
        class0[0] = 2;
        class0[5] = 1;
        int[] class1 = new int[8];
        class1[5] = 1;
        assertThat(interactions.forClass(0).counts()).containsExactly(class0);
        assertThat(interactions.forClass(1).counts()).containsExactly(class1);
        assertThat(r.dataset().summary().samples()).isEqualTo(4);
        assertThat(r.dataset().summary().classCounts()).containsExactly(2, 2);
        // SPEC §4 by hand for S1 of "h": P_c(u) = (F + a) / sum (F + a), F_0 = (1, 1/2, 0, 1/2), F_1 = (0, 1/2, 1/2, 0)
        double a = 1e-6;
        double[] p = normalised(1 + a, 0.5 + a, a, 0.5 + a);
        double[] q = normalised(a, 0.5 + a, 0.5 + a, a);
        double kl01 = 0;
        for (int u = 0; u < 4; u++) {
            kl01 += p[u] * Math.log(p[u] / q[u]);
        }
        KlRow row = r.kl().stream()
                .filter(k -> k.layer().equals("h") && k.quantity().equals("S1") && k.classP() == 0 && k.classQ() == 1)
                .findFirst()
                .orElseThrow();
        assertThat(row.kl()).isCloseTo(kl01, within(1e-12));
    }

    /** The rows of {@link #tinyModelCountsDerivedOnPaper} as binary (float32, little-endian) and double columns. */
    @Test
    void binaryAndDoubleColumnsFeedTheModelAsFloatArraysDo() throws IOException {
        Path tiny = TestData.tiny(dir.resolve("tiny-columns.onnx"));
        float[][] x = {{1, 2}, {-1, 3}, {2, -1}, {0, 0}};
        int[] y = {0, 1, 0, 1};
        StructType schema = new StructType()
                .add("bytes", DataTypes.BinaryType, false)
                .add("doubles", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("y", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.putFloat(x[i][0]).putFloat(x[i][1]);
            rows.add(RowFactory.create(b.array(), new double[] {x[i][0], x[i][1]}, y[i]));
        }
        Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(2);
        for (String column : List.of("bytes", "doubles")) {
            SparkInspectionResult r = SparkInspection.builder(
                            tiny,
                            RowInputs.builder().input("x", column).labels("y").build())
                    .layers(List.of("h"))
                    .build()
                    .run(data);
            FrequencyTable s1 = r.dataset().layers().get("h").frequencies().s1Table();
            assertThat(s1.forClass(0).counts()).as(column).containsExactly(2, 1, 0, 1);
            assertThat(s1.forClass(1).counts()).as(column).containsExactly(0, 1, 1, 0);
        }
        // 8 bytes hold 2 float32 values; 12 bytes would hold 3
        Dataset<Row> longer = data.selectExpr("concat(bytes, substring(bytes, 1, 4)) as bytes", "y");
        assertThatThrownBy(() -> SparkInspection.builder(
                                tiny,
                                RowInputs.builder().input("bytes").labels("y").build())
                        .build()
                        .run(longer))
                .hasMessageContaining("of column 'bytes' has 3 values, but input x takes 2 per sample");
    }

    private static double[] normalised(double... v) {
        double sum = Arrays.stream(v).sum();
        return Arrays.stream(v).map(x -> x / sum).toArray();
    }

    @Test
    void onePartitionEqualsTheSingleMachineRun() throws IOException {
        assertSameAsSingleMachine(inspect(TestData.rows(spark, fashion).coalesce(1)));
    }

    @Test
    void manyPartitionsEqualTheSingleMachineRun() throws IOException {
        SparkInspectionResult r = inspect(TestData.rows(spark, fashion).repartition(7));
        assertSameAsSingleMachine(r);
        assertThat(r.parameters()).containsEntry("spark.partitions", "7");
    }

    @Test
    void emptyAndSingleRowPartitionsEqualTheSingleMachineRun() throws IOException {
        InMemoryDataset few = fashion.subset(0, 12).named("fashion");
        AuditResult reference = Audit.builder(model).id(few).layers(LAYERS).run();
        // 12 rows in 40 partitions: at least 28 are empty, and the others hold single rows
        Dataset<Row> sparse = TestData.rows(spark, few, 40);
        assertThat(sparse.javaRDD().glom().map(List::size).collect())
                .contains(0)
                .contains(1)
                .doesNotContain(2);
        assertSame(inspect(sparse), reference);
        // a filter that leaves some partitions empty: the same rows as a filter on the single machine
        Dataset<Row> filtered = TestData.rows(spark, fashion).repartition(5).filter("label < 3");
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < fashion.size(); i++) {
            if (fashion.label(i) < 3) {
                kept.add(i);
            }
        }
        float[] pixels = new float[kept.size() * 784];
        int[] labels = new int[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            System.arraycopy(fashion.sample(kept.get(k)), 0, pixels, k * 784, 784);
            labels[k] = fashion.label(kept.get(k));
        }
        AuditResult filteredReference = Audit.builder(model)
                .id(InMemoryDataset.of("fashion", pixels, labels, 784))
                .layers(LAYERS)
                .run();
        assertSame(inspect(filtered), filteredReference);
    }

    @Test
    void writesTheAuditTables() throws IOException {
        Path out = dir.resolve("tables");
        Map<String, Path> files = SparkInspection.writeTables(inspect(TestData.rows(spark, fashion)), out);
        assertThat(files)
                .containsKeys(
                        "activation_frequency",
                        "frequency_histogram",
                        "layer_summary",
                        "class_kl",
                        "interaction_frequency",
                        "manifest")
                .doesNotContainKey("scores");
        for (Path f : files.values()) {
            assertThat(Files.size(f)).isPositive();
        }
    }

    @Test
    void oneSessionPerJvmAcrossTasksAndJobs() throws IOException {
        SparkModel.closeCachedSessions();
        int before = SparkModel.sessionsOpened();
        Dataset<Row> data = TestData.rows(spark, fashion.subset(0, 40)).repartition(8);
        inspect(data);
        inspect(data);
        // local mode: the driver and the executor are one JVM; 16 tasks and 2 jobs opened one session
        assertThat(SparkModel.sessionsOpened() - before).isEqualTo(1);
    }

    @Test
    void badColumnsAreRefusedNamingTheColumn() {
        Dataset<Row> data = TestData.rows(spark, fashion.subset(0, 10));
        assertThatThrownBy(() -> inspect(
                        data, RowInputs.builder().input("image").labels("label").build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("column 'image'")
                .hasMessageContaining("[pixels, label]");
        assertThatThrownBy(() -> inspect(
                        data.withColumn("text", data.col("label").cast("string")),
                        RowInputs.builder().input("text").build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("column 'text' has type string");
        assertThatThrownBy(() -> inspect(
                        data.withColumn("y", data.col("label").cast("double")),
                        RowInputs.builder().input("pixels").labels("y").build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("label column 'y' has type double");
        Dataset<Row> shortRows = data.selectExpr("slice(pixels, 1, 3) as pixels", "label");
        // found by a task: the inspection's error, as the single-machine inspection reports a bad batch
        assertThatThrownBy(() -> inspect(
                        shortRows,
                        RowInputs.builder().input("pixels").labels("label").build()))
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("of column 'pixels' has 3 values")
                .hasMessageMatching("(?s).*row 0 of partition \\d of column.*")
                .hasMessageContaining("takes 784 per sample");
        assertThatThrownBy(() -> inspect(
                        data,
                        RowInputs.builder()
                                .input("image", "pixels")
                                .labels("label")
                                .build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input image, which the model does not have; its inputs are [x]");
    }

    @Test
    void anEmptyDatasetIsRefused() {
        Dataset<Row> none = TestData.rows(spark, fashion.subset(0, 10)).filter("label < 0");
        assertThatThrownBy(() -> inspect(none))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no samples");
    }

    static SparkInspectionResult inspect(Dataset<Row> data) throws IOException {
        return inspect(data, RowInputs.builder().input("pixels").labels("label").build());
    }

    private static SparkInspectionResult inspect(Dataset<Row> data, RowInputs inputs) throws IOException {
        return SparkInspection.builder(model, inputs)
                .name("fashion")
                .layers(LAYERS)
                .batchSize(32)
                .build()
                .run(data);
    }

    private static void assertSameAsSingleMachine(SparkInspectionResult r) {
        assertSame(r, single);
    }

    /**
     * Counts bit for bit (every frequency, class size, histogram and distinct-pattern count); entropies and KL within
     * 1e-12 relative (their sums may run in another order after a merge).
     */
    static void assertSame(SparkInspectionResult r, AuditResult reference) {
        assertThat(r.dataset().summary().samples())
                .isEqualTo(reference.id().summary().samples());
        assertThat(r.dataset().summary().classCounts())
                .containsExactly(reference.id().summary().classCounts());
        int k = reference.numClasses();
        assertThat(r.dataset().confusionMatrix(k)).isEqualTo(reference.id().confusionMatrix(k));
        assertThat(r.toAuditResult().confusionMatrix()).isEqualTo(reference.confusionMatrix());
        assertThat(r.dataset().layers())
                .containsOnlyKeys(reference.id().layers().keySet());
        Comparator<Double> close = (a, b) -> Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)) ? 0 : a.compareTo(b);
        assertThat(r.dataset().layers())
                .usingRecursiveComparison()
                .withComparatorForType(close, Double.class)
                .isEqualTo(reference.id().layers());
        for (String layer : reference.id().layers().keySet()) {
            for (ClassCounts c :
                    reference.id().layers().get(layer).frequencies().s1Table().classes()) {
                assertThat(r.dataset()
                                .layers()
                                .get(layer)
                                .frequencies()
                                .s1Table()
                                .forClass(c.classId())
                                .counts())
                        .containsExactly(c.counts());
            }
        }
        assertThat(r.dataset().interactions()).isNotEmpty();
        assertThat(r.dataset().interactions())
                .usingRecursiveComparison()
                .isEqualTo(reference.id().interactions());
        assertThat(r.kl()).hasSameSizeAs(reference.kl());
        assertThat(r.kl())
                .usingRecursiveComparison()
                .withComparatorForType(close, Double.class)
                .isEqualTo(reference.kl());
    }
}
