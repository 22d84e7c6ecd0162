package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local[1,4]}: one executor thread (the local[1] run) and up to 4 attempts per task, so that a task failing
 * mid-partition is retried; the result must equal the single-machine run (nothing counted twice).
 */
class SparkRetryTest {
    private static final List<String> LAYERS = List.of("fc1", "h");

    private static SparkSession spark;
    private static Path model;
    private static InMemoryDataset fashion;
    private static AuditResult single;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        spark = Sessions.local("local[1,4]");
        model = TestData.mlp(dir.resolve("mlp.onnx"));
        fashion = TestData.fashion(200);
        single = Audit.builder(model).id(fashion).layers(LAYERS).run();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void localOneThreadEqualsTheSingleMachineRun() throws IOException {
        SparkInspectionTest.assertSame(inspect(TestData.rows(spark, fashion, 3), 0), single);
    }

    @Test
    void aTaskKilledMidPartitionIsRetriedWithoutDoubleCounting() throws IOException {
        // partition 1's first attempt dies after 30 of its rows (beyond the first batches of 16), as an executor that
        // is lost mid-partition; Spark retries it, and the statistics must be those of one pass over every row
        Dataset<Row> rows = TestData.rows(spark, fashion, 4)
                .mapPartitions((MapPartitionsFunction<Row, Row>) FailOnce::new, Encoders.row(TestData.SCHEMA));
        SparkInspectionResult r = SparkInspection.builder(
                        model,
                        RowInputs.builder().input("pixels").labels("label").build())
                .name("fashion")
                .layers(LAYERS)
                .batchSize(16)
                .build()
                .run(rows);
        SparkInspectionTest.assertSame(r, single);
        assertThat(FailOnce.failures()).isPositive();
    }

    /**
     * Every pass of a run with a fit set and an OOD set (fit with its node classifiers, ID with their evaluation,
     * OOD) has its partition 1 killed after 30 rows on the first attempt; the records must be the single-machine
     * audit's (no fit value or evaluation counted twice).
     */
    @Test
    void killedTasksOfTheFitAndEvaluationPassesAreRetriedWithoutDoubleCounting() throws IOException {
        InMemoryDataset fit = FashionMnist.test().subset(200, 400).named("train");
        InMemoryDataset digits = MnistDigits.load().subset(0, 200).named("digits");
        AuditResult reference = Audit.builder(model)
                .fit(fit)
                .id(fashion)
                .ood(digits)
                .layers(LAYERS)
                .run();
        int before = FailOnce.failures();
        SparkDatasets sets = SparkDatasets.of("fashion", failing(fashion))
                .withOod("digits", failing(digits))
                .withFit("train", failing(fit));
        SparkInspectionResult r = SparkInspection.builder(
                        model,
                        RowInputs.builder().input("pixels").labels("label").build())
                .layers(LAYERS)
                .batchSize(16)
                .build()
                .run(sets);
        SparkInspectionPassesTest.assertSameAudit(r, reference);
        // at least one failure per pass (fit, ID, OOD; the fit set's count reads its rows too): partition 1 of each
        // holds 50 rows
        assertThat(FailOnce.failures() - before).isGreaterThanOrEqualTo(3);
    }

    private static Dataset<Row> failing(InMemoryDataset data) {
        return TestData.rows(spark, data, 4)
                .mapPartitions((MapPartitionsFunction<Row, Row>) FailOnce::new, Encoders.row(TestData.SCHEMA));
    }

    private static SparkInspectionResult inspect(Dataset<Row> rows, int batchSize) throws IOException {
        return SparkInspection.builder(
                        model,
                        RowInputs.builder().input("pixels").labels("label").build())
                .name("fashion")
                .layers(LAYERS)
                .batchSize(batchSize)
                .build()
                .run(rows);
    }

    /** The rows of a partition; partition 1 throws after 30 rows on its first attempt. */
    private static final class FailOnce implements Iterator<Row> {
        private static int failures;
        private final Iterator<Row> rows;
        private final boolean fail;
        private int served;

        FailOnce(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            this.rows = rows;
            this.fail = task.partitionId() == 1 && task.attemptNumber() == 0;
        }

        static synchronized int failures() {
            return failures;
        }

        private static synchronized void failed() {
            failures++;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public Row next() {
            if (!rows.hasNext()) {
                throw new NoSuchElementException();
            }
            if (fail && served == 30) {
                failed();
                throw new IllegalStateException("simulated executor loss in partition 1, attempt 0, after 30 rows");
            }
            served++;
            return rows.next();
        }
    }
}
