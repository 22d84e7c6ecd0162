package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.metrics.OodEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed audit against the single-machine {@link Audit} on the same model and data: the same detectors, every
 * score within 1e-8 (relative, at least absolute), the same SPEC §6 metrics, the exact fit sample count, for several
 * partitionings (empty and single-row partitions included), in local[1], local[2] and with a task retried; columns
 * read by {@link RowInputs}' rules (array<double> and bigint labels converted), errors naming the set.
 */
class SparkAuditTest {
    private static final int FIT = 240;
    private static final int ID = 150;
    private static final int OOD = 120;
    /** Attempts of the failing partition that threw (the test JVM runs every task in local mode). */
    private static final AtomicInteger THROWN = new AtomicInteger();
    /** The model's only input from column x; the labels from column label (read on the fit and the ID set). */
    private static final RowInputs INPUTS =
            RowInputs.builder().input("x").labels("label").build();

    @TempDir
    static Path dir;

    private static Path model;
    private static AuditFixtures.Data fit;
    private static AuditFixtures.Data id;
    private static AuditFixtures.Data ood;
    private static AuditResult reference;

    @BeforeAll
    static void singleMachineAudit() throws Exception {
        model = AuditFixtures.model(dir.resolve("mlp.onnx"));
        fit = AuditFixtures.data("fit", FIT, 1, 1, 0, 0);
        id = AuditFixtures.data("id", ID, 2, 1, 0, 10_000);
        ood = AuditFixtures.data("ood", OOD, 3, -1.5f, 0.5f, 20_000);
        reference = Audit.builder(model)
                .fit(fit.dataset())
                .id(id.dataset())
                .ood(ood.dataset())
                .interactions(false)
                .fitStatistics(false)
                .nodeClassifiers(0, 0)
                .run();
    }

    @Test
    void equalsTheSingleMachineAuditInLocal2WithEmptyAndSingleRowPartitions() throws Exception {
        SparkSession spark = AuditFixtures.spark("local[2]");
        try {
            SparkAuditResult result = audit(
                    AuditFixtures.partitioned(spark, fit.rows(), 0, 1, 100, 0, 1, 138),
                    AuditFixtures.partitioned(spark, id.rows(), 1, 0, 149),
                    spark.createDataFrame(ood.rows(), AuditFixtures.SCHEMA).repartition(3),
                    spark);
            assertEqualsReference(result);
            assertThat(result.idAccuracy()).isPresent();
            assertThat(result.scored().get("id").rdd().getNumPartitions()).isEqualTo(3);
            result.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void equalsTheSingleMachineAuditInLocal1WithOnePartition() throws Exception {
        SparkSession spark = AuditFixtures.spark("local[1]");
        try {
            SparkAuditResult result = audit(
                    AuditFixtures.partitioned(spark, fit.rows(), FIT),
                    AuditFixtures.partitioned(spark, id.rows(), ID).drop("label"),
                    AuditFixtures.partitioned(spark, ood.rows(), 1, OOD - 1),
                    spark);
            assertEqualsReference(result);
            assertThat(result.idAccuracy())
                    .as("an ID set without labels has no accuracy")
                    .isEmpty();
            result.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void aTaskFailingMidPartitionIsRetriedWithoutDoubleCounting() throws Exception {
        SparkSession spark = AuditFixtures.spark("local[2,3]");
        try {
            THROWN.set(0);
            Dataset<Row> failing = AuditFixtures.partitioned(spark, fit.rows(), 70, 100, 70)
                    .mapPartitions(new FailOnce(), Encoders.row(AuditFixtures.SCHEMA));
            SparkAuditResult result = audit(
                    failing,
                    AuditFixtures.partitioned(spark, id.rows(), 50, 100),
                    AuditFixtures.partitioned(spark, ood.rows(), OOD),
                    spark);
            assertThat(THROWN.get()).isEqualTo(1);
            assertEqualsReference(result);
            result.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void readsTheColumnsByTheInspectionsRules() throws Exception {
        SparkSession spark = AuditFixtures.spark("local[1]");
        try {
            // array<double> (exact: every value a multiple of 1/8) and a bigint label, converted as the CLI converts
            Dataset<Row> doubles = AuditFixtures.partitioned(spark, fit.rows(), 100, FIT - 100)
                    .withColumn("x", functions.col("x").cast("array<double>"))
                    .withColumn("label", functions.col("label").cast("bigint"));
            SparkAuditResult result = SparkAudit.builder(model, INPUTS)
                    .fit(doubles)
                    .id("id", AuditFixtures.partitioned(spark, id.rows(), ID))
                    .ood("ood", AuditFixtures.partitioned(spark, ood.rows(), OOD))
                    .run(spark);
            assertEqualsReference(result);
            result.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void refusesBadColumnsAndRowsNamingTheSet() {
        SparkSession spark = AuditFixtures.spark("local[1]");
        try {
            Dataset<Row> strings = spark.createDataFrame(fit.rows(), AuditFixtures.SCHEMA)
                    .withColumn("x", functions.col("x").cast("string"));
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(strings)
                            .id("id", strings)
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("the fit set: column 'x' has type string, which cannot feed input x");
            Dataset<Row> good = AuditFixtures.partitioned(spark, fit.rows(), FIT);
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(good)
                            .id("id", good.withColumnRenamed("x", "pixels"))
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("the Dataset id: column 'x' (input x) is not in the data");
            assertThatThrownBy(() -> SparkAudit.builder(
                                    model, RowInputs.builder().input("x").build())
                            .fit(good)
                            .id("id", good)
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("the fit set needs labels");
            List<Row> shortRow = new ArrayList<>(fit.rows());
            shortRow.set(5, RowFactory.create(5L, new Float[] {1f, 2f, 3f}, 2));
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(AuditFixtures.partitioned(spark, shortRow, FIT))
                            .id(
                                    "id",
                                    AuditFixtures.partitioned(spark, id.rows(), ID)
                                            .drop("label"))
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("the fit set: row 5 of partition 0 of column 'x' has 3 values, but input x"
                            + " takes 4 per sample");
            List<Row> nullLabel = new ArrayList<>(id.rows());
            nullLabel.set(7, RowFactory.create(7L, new Float[] {1f, 2f, 3f, 4f}, null));
            StructType nullable = new StructType()
                    .add("sample_id", DataTypes.LongType, false)
                    .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                    .add("label", DataTypes.IntegerType, true);
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(good)
                            .id("fashion", spark.createDataFrame(nullLabel, nullable))
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("the Dataset fashion: row 7")
                    .hasMessageContaining("has a null label in column 'label'");
            Dataset<Row> none = AuditFixtures.partitioned(spark, List.of(), 0, 0);
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(none)
                            .id("id", AuditFixtures.partitioned(spark, id.rows(), ID))
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("the fit Dataset has no rows");
            assertThatThrownBy(() -> SparkAudit.builder(model, INPUTS)
                            .fit(AuditFixtures.partitioned(spark, fit.rows(), FIT))
                            .id("empty-id", none)
                            .run(spark))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("the Dataset empty-id has no rows");
        } finally {
            spark.stop();
        }
    }

    private static SparkAuditResult audit(
            Dataset<Row> fitRows, Dataset<Row> idRows, Dataset<Row> oodRows, SparkSession spark) throws Exception {
        return SparkAudit.builder(model, INPUTS)
                .fit(fitRows)
                .id("id", idRows)
                .ood("ood", oodRows)
                .run(spark);
    }

    private static void assertEqualsReference(SparkAuditResult result) {
        assertThat(result.fitSamples()).isEqualTo(FIT);
        assertThat(result.columns()).isEqualTo(reference.scoreColumns());
        assertThat(result.columns()).hasSizeGreaterThan(25);
        assertScores(result.scored().get("id"), reference.id().scores(), result.columns());
        assertScores(result.scored().get("ood"), reference.ood().get(0).scores(), result.columns());
        result.idAccuracy()
                .ifPresent(a -> assertThat(a).isEqualTo(reference.id().accuracy()));
        assertThat(result.metrics()).hasSameSizeAs(reference.metrics());
        for (MetricsRow expected : reference.metrics()) {
            MetricsRow actual = result.metrics(expected.column(), "ood");
            assertThat(actual.detector()).isEqualTo(expected.detector());
            assertThat(actual.layer()).isEqualTo(expected.layer());
            assertMetrics(expected.column(), actual.evaluation(), expected.evaluation());
        }
    }

    /** Rows in sample_id order (the fixtures' ids increase with the sample index). */
    private static void assertScores(Dataset<Row> scored, DatasetScores expected, List<ScoreColumn> columns) {
        List<Row> rows = new ArrayList<>(scored.collectAsList());
        rows.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            assertThat(row.getInt(row.fieldIndex(SparkAudit.PREDICTED))).isEqualTo(expected.prediction(i));
            for (ScoreColumn c : columns) {
                double want = expected.score(c.name(), i);
                double got = row.getDouble(row.fieldIndex(c.tableColumn()));
                if (Double.isInfinite(want)) {
                    assertThat(got).as("%s of sample %d", c.name(), i).isEqualTo(want);
                } else {
                    assertThat(got)
                            .as("%s of sample %d", c.name(), i)
                            .isCloseTo(want, within(1e-8 * Math.max(1, Math.abs(want))));
                }
            }
        }
    }

    private static void assertMetrics(String column, OodEvaluation actual, OodEvaluation expected) {
        assertThat(actual.nId()).as(column).isEqualTo(expected.nId());
        assertThat(actual.nOod()).as(column).isEqualTo(expected.nOod());
        double[] a = {
            actual.auroc(),
            actual.auprIn(),
            actual.auprOut(),
            actual.auprInTrapz(),
            actual.auprOutTrapz(),
            actual.fpr95Id(),
            actual.fpr95Ood(),
            actual.detectionError()
        };
        double[] e = {
            expected.auroc(),
            expected.auprIn(),
            expected.auprOut(),
            expected.auprInTrapz(),
            expected.auprOutTrapz(),
            expected.fpr95Id(),
            expected.fpr95Ood(),
            expected.detectionError()
        };
        for (int m = 0; m < a.length; m++) {
            assertThat(a[m]).as("%s metric %d", column, m).isCloseTo(e[m], within(1e-12));
        }
    }

    /** Passes rows through; partition 1's first attempt throws after its second row (an executor lost mid-way). */
    private static final class FailOnce implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            boolean fail = task.partitionId() == 1 && task.attemptNumber() == 0;
            return new Iterator<>() {
                private int seen;

                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    if (fail && ++seen == 3) {
                        THROWN.incrementAndGet();
                        throw new IllegalStateException("simulated executor loss in partition 1, attempt 0");
                    }
                    return rows.next();
                }
            };
        }
    }
}
