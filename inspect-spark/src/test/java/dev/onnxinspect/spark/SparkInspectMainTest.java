package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point on a Parquet file, in local[2]; usage and data errors as exit statuses. */
class SparkInspectMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int submit(String... args) throws IOException {
        return SparkInspectMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void inspectsAParquetFileAndWritesTheTables() throws IOException {
        Path model = TestData.mlp(dir.resolve("mlp.onnx"));
        Path parquet = dir.resolve("fashion.parquet");
        // the session the entry point finds with getOrCreate (spark-submit makes it from --master); it stops it
        SparkSession spark = Sessions.local("local[2]");
        TestData.rows(spark, TestData.fashion(60), 3).write().parquet(parquet.toString());
        int status = submit(
                "--model", model.toString(),
                "--data", parquet.toString(),
                "--input", "x=pixels",
                "--labels", "label",
                "--layers", "h",
                "--name", "fashion",
                "--out", dir.resolve("out").toString());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("inspected 60 samples of fashion");
        assertThat(dir.resolve("out/manifest.json")).exists();
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(f -> f.startsWith("activation_frequency"));
        }
    }

    /**
     * A fit set and an OOD set without labels: the node classifiers of "h" fitted on the fit set and evaluated on the
     * ID set (one line per layer), the OOD set read unlabelled; the tables hold the node classifiers.
     */
    @Test
    void fitAndOodSetsGiveTheNodeClassifiersAndTheCrossKl() throws IOException {
        Path model = TestData.mlp(dir.resolve("mlp.onnx"));
        SparkSession spark = Sessions.local("local[2]");
        InMemoryDataset test = FashionMnist.test();
        String id = dir.resolve("id.parquet").toString();
        String fit = dir.resolve("fit.parquet").toString();
        String ood = dir.resolve("ood.parquet").toString();
        TestData.rows(spark, test.subset(0, 60).named("id"), 2).write().parquet(id);
        TestData.rows(spark, test.subset(60, 140).named("fit"), 3).write().parquet(fit);
        TestData.rows(spark, test.subset(140, 180).named("ood"), 2)
                .drop("label")
                .write()
                .parquet(ood);
        int status = submit(
                "--model", model.toString(),
                "--data", id,
                "--input", "pixels",
                "--labels", "label",
                "--layers", "h",
                "--name", "fashion",
                "--ood", "other=" + ood,
                "--fit", fit,
                "--fit-name", "train",
                "--kde", "exact",
                "--out", dir.resolve("out").toString());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("inspected 60 samples of fashion")
                .containsPattern("SPEC 8 nodes as classifiers of h \\(fitted on train\\): layer accuracy [0-9.]+ on 60"
                        + " samples");
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(f -> f.startsWith("node_classifier"));
        }
    }

    @Test
    void usageErrorsNameTheOption() throws IOException {
        assertThat(submit("--model", "m.onnx", "--data", "d.parquet")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing --input, --out");
        assertThat(submit("--model", "m.onnx", "--batch-size", "many")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--batch-size takes a whole number, got many");
        assertThat(submit("--ood", "digits.parquet")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ood takes NAME=PATH, e.g. digits=digits.parquet");
        assertThat(submit("--kde", "slow")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--kde takes fast or exact, got slow");
    }

    /**
     * A data path Spark cannot read: one line naming the option and the path, exit status 4 (as the audit's entry
     * point), for a missing ID set, a missing OOD set and a fit folder that is not Parquet; nothing is written.
     */
    @Test
    void aMissingDataPathIsOneLineAndStatus4() throws IOException {
        Path model = TestData.mlp(dir.resolve("mlp.onnx"));
        Path missing = dir.resolve("absent.parquet");
        Sessions.local("local[1]");
        int status = submit(
                "--model", model.toString(),
                "--data", missing.toString(),
                "--input", "pixels",
                "--out", dir.resolve("out").toString());
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(status).as(message).isEqualTo(4);
        assertThat(message)
                .isEqualTo("error: cannot read --data " + missing
                        + ": no such file or directory; give a path Spark can read");
        assertThat(dir.resolve("out")).doesNotExist();

        err.reset();
        SparkSession spark = Sessions.local("local[1]");
        Path id = dir.resolve("id.parquet");
        TestData.rows(spark, TestData.fashion(8), 1).write().parquet(id.toString());
        Path ood = dir.resolve("no-ood");
        status = submit(
                "--model", model.toString(),
                "--data", id.toString(),
                "--input", "pixels",
                "--ood", "digits=" + ood,
                "--out", dir.resolve("out").toString());
        message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(status).as(message).isEqualTo(4);
        assertThat(message)
                .isEqualTo("error: cannot read --ood digits " + ood
                        + ": no such file or directory; give a path Spark can read");
        assertThat(dir.resolve("out")).doesNotExist();

        // a fit path that exists but that Spark cannot read as Parquet (an empty folder): Spark's first line
        err.reset();
        Path empty = Files.createDirectories(dir.resolve("empty-fit"));
        Sessions.local("local[1]");
        status = submit(
                "--model", model.toString(),
                "--data", id.toString(),
                "--input", "pixels",
                "--labels", "label",
                "--fit", empty.toString(),
                "--out", dir.resolve("out").toString());
        message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(status).as(message).isEqualTo(4);
        assertThat(message)
                .startsWith("error: cannot read --fit " + empty + " as parquet: ")
                .endsWith("; give a path Spark can read (and --format for other than parquet)")
                .doesNotContain("\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
