package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's spark-submit entry point on Parquet files in local[2]: its tables equal the single-machine library's
 * (SubmitCheck's comparison, 1e-8) and its scored Parquet rows the single-machine scores by sample_id; usage, data and
 * path errors as exit statuses with one line.
 */
class SparkAuditMainTest {
    /** The tables the distributed audit fills (the layer tables are the distributed inspection's). */
    static final List<String> AUDIT_TABLES = List.of("scores", "ood_metrics", "roc_curve", "confusion_matrix");

    @TempDir
    static Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int submit(String... args) {
        return SparkAuditMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void auditsParquetFilesAsTheSingleMachineAudit() throws IOException {
        SubmitCheck.prepare(dir);
        Sessions.local("local[2]"); // the session the entry point finds (spark-submit makes it from --master)
        int status = submit(
                "--model",
                dir.resolve("mlp.onnx").toString(),
                "--fit",
                dir.resolve("fit.parquet").toString(),
                "--id",
                dir.resolve("id.parquet").toString(),
                "--ood",
                "ood=" + dir.resolve("ood.parquet"),
                "--input",
                "x",
                "--labels",
                "label",
                "--keep",
                "sample_id",
                "--out",
                dir.resolve("audit").toString());
        assertThat(status).as(err()).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("fitted on " + SubmitCheck.FIT + " samples of fit")
                .contains("best AUROC vs ood");
        assertThat(dir.resolve("audit/scores.arrow")).exists();
        assertThat(dir.resolve("audit/ood_metrics.arrow")).exists();
        assertThat(dir.resolve("audit/confusion_matrix.arrow")).exists();
        assertThat(SubmitCheck.compareTables(dir.resolve("reference-audit"), dir.resolve("audit"), AUDIT_TABLES))
                .isEmpty();
        assertThat(SubmitCheck.compareScored(dir, dir.resolve("audit/scored"))).isEmpty();

        // the scored folders exist now: a second run refuses to overwrite them, as an I/O error
        Sessions.local("local[1]");
        assertThat(submit(
                        "--model", dir.resolve("mlp.onnx").toString(),
                        "--fit", dir.resolve("fit.parquet").toString(),
                        "--id", dir.resolve("id.parquet").toString(),
                        "--input", "x",
                        "--labels", "label",
                        "--out", dir.resolve("audit").toString()))
                .isEqualTo(4);
        assertThat(err()).startsWith("error: cannot write the scored rows to ").contains("remove it or give another");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void badDataIsOneLineAndExitStatus3Or4() throws IOException {
        SubmitCheck.prepare(dir.resolve("bad"));
        Sessions.local("local[1]");
        assertThat(submit(
                        "--model", dir.resolve("bad/mlp.onnx").toString(),
                        "--fit", dir.resolve("bad/fit.parquet").toString(),
                        "--id", dir.resolve("bad/id.parquet").toString(),
                        "--input", "pixels",
                        "--labels", "label",
                        "--out", dir.resolve("bad/out").toString()))
                .isEqualTo(3);
        assertThat(err()).startsWith("error: the fit set: column 'pixels' (input x) is not in the data");
        assertThat(err().lines().count()).isEqualTo(1);
        err.reset();
        Sessions.local("local[1]");
        assertThat(submit(
                        "--model", dir.resolve("bad/mlp.onnx").toString(),
                        "--fit", dir.resolve("bad/nowhere.parquet").toString(),
                        "--id", dir.resolve("bad/id.parquet").toString(),
                        "--input", "x",
                        "--labels", "label",
                        "--out", dir.resolve("bad/out").toString()))
                .isEqualTo(4);
        assertThat(err().strip())
                .isEqualTo("error: cannot read --fit " + dir.resolve("bad/nowhere.parquet")
                        + ": no such file or directory; give a path Spark can read");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void usageErrorsNameTheOption() {
        assertThat(submit("--model", "m.onnx", "--fit", "f.parquet")).isEqualTo(2);
        assertThat(err()).contains("missing --id, --input, --labels (the fit set's label column), --out");
        err.reset();
        assertThat(submit("--model", "m.onnx", "--tau", "-1")).isEqualTo(2);
        assertThat(err()).contains("--tau takes a finite number >= 0, got -1");
        err.reset();
        assertThat(submit(
                        "--model",
                        "m",
                        "--fit",
                        "f",
                        "--id",
                        "a/digits.parquet",
                        "--ood",
                        "digits=b",
                        "--input",
                        "x",
                        "--labels",
                        "y",
                        "--out",
                        "o"))
                .isEqualTo(2);
        assertThat(err()).contains("two evaluated sets are named digits; name them apart with --ood NAME=PATH");
        err.reset();
        assertThat(submit("--model", "m", "stray")).isEqualTo(2);
        assertThat(err()).contains("unexpected argument stray");
    }

    @Test
    void setsAreNamedByNameOrByTheirPath() {
        assertThat(SparkAuditMain.Named.parse("--ood", "digits=s3a://bucket/x/part=1"))
                .isEqualTo(new SparkAuditMain.Named("digits", "s3a://bucket/x/part=1"));
        assertThat(SparkAuditMain.Named.parse("--ood", "s3a://bucket/mnist.parquet/"))
                .isEqualTo(new SparkAuditMain.Named("mnist", "s3a://bucket/mnist.parquet/"));
        assertThat(SparkAuditMain.Named.parse("--ood", "/data/date=2024/x.parquet"))
                .isEqualTo(new SparkAuditMain.Named("x", "/data/date=2024/x.parquet"));
    }
}
