package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed audit and inspection in {@code local-cluster[2,1,1024]}: Spark's in-process master and two workers
 * that launch two executor JVMs (1 core, 1 GB each), so the model bytes, the fit partials and the fitted suite cross
 * process boundaries by Java serialization, as on a cluster. The results are compared with the single-machine library
 * as {@link SubmitCheck} compares the spark-submit runs (1e-8, counts exact).
 *
 * <p>The workers build the executors' command with Spark's launcher, which needs a Spark home: here an empty one
 * ({@code RELEASE}, an empty {@code jars/}, the {@code launcher/target/scala-2.13} folder that names the Scala
 * version), made known to the workers through {@code spark.testing} and {@code spark.test.home} as Spark's own tests
 * do; the executors' class path is this JVM's ({@code spark.executor.extraClassPath}).
 */
class SparkLocalClusterTest {
    @TempDir
    static Path dir;

    @Test
    void auditAndInspectionInExecutorJvmsEqualTheSingleMachineLibrary() throws Exception {
        Path home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("launcher/target/scala-2.13"));
        Files.writeString(home.resolve("RELEASE"), "an empty Spark home for local-cluster tests");
        SubmitCheck.prepare(dir.resolve("data"));
        Path data = dir.resolve("data");
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", home.toString());
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession spark = SparkSession.builder()
                .master("local-cluster[2,1,1024]")
                .appName("inspect-spark-local-cluster")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config(
                        "spark.executor.extraJavaOptions",
                        String.join(
                                " ",
                                List.of(
                                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                                        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                                        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED")))
                .config("spark.executorEnv.ORT_DISABLE_TELEMETRY", "1")
                .getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // the tasks run in two executor JVMs, not in this one
            Set<String> jvms = jsc
                    .parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
                    .map(i -> java.lang.management.ManagementFactory.getRuntimeMXBean()
                            .getName())
                    .collect()
                    .stream()
                    .collect(Collectors.toSet());
            assertThat(jvms)
                    .doesNotContain(java.lang.management.ManagementFactory.getRuntimeMXBean()
                            .getName());

            SparkAuditResult audit = SparkAudit.builder(
                            data.resolve("mlp.onnx"),
                            RowInputs.builder().input("x").labels("label").build())
                    .fit(spark.read().parquet(data.resolve("fit.parquet").toString()))
                    .id("id", spark.read().parquet(data.resolve("id.parquet").toString()))
                    .ood("ood", spark.read().parquet(data.resolve("ood.parquet").toString()))
                    .run(spark);
            SparkAudit.writeTables(audit, dir.resolve("audit"));
            for (String set : List.of("id", "ood")) {
                audit.scored()
                        .get(set)
                        .write()
                        .parquet(dir.resolve("scored").resolve(set).toString());
            }
            audit.unpersist();
            SparkInspectionResult inspection = SparkInspection.builder(
                            data.resolve("mlp.onnx"),
                            RowInputs.builder().input("x").labels("label").build())
                    .name("id")
                    .layers(List.of("h"))
                    .build()
                    .run(spark.read().parquet(data.resolve("id.parquet").toString()));
            SparkInspection.writeTables(inspection, dir.resolve("inspect"));
        } finally {
            spark.stop();
            System.clearProperty("spark.testing");
            System.clearProperty("spark.test.home");
        }
        assertThat(SubmitCheck.compareTables(
                        data.resolve("reference-audit"), dir.resolve("audit"), SparkAuditMainTest.AUDIT_TABLES))
                .isEmpty();
        assertThat(SubmitCheck.compareTables(data.resolve("reference-inspect"), dir.resolve("inspect"), List.of()))
                .isEmpty();
        assertThat(SubmitCheck.compareScored(data, dir.resolve("scored"))).isEmpty();
    }
}
