package dev.onnxinspect.samples.examples;

import dev.onnxinspect.trainers.experiments.TextClassifierSample;
import dev.onnxinspect.trainers.train.TokenData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * The text classifier of {@link TextClassifierSample} with its data as Parquet files, the form a user brings: a
 * {@code tokens} column of int64 lists (each sequence without its padding, so the lists vary in length) and, for
 * labelled data, an int32 {@code label} column. Written by DuckDB's own {@code COPY ... (FORMAT parquet)}.
 *
 * <p>Run as a program: {@code TextDataFiles [directory (onnx-inspect-out/text)] [seed (1)]} trains the model and
 * writes {@code text-classifier.onnx}, {@code train.parquet} (2,000 rows), {@code test.parquet} (500) and
 * {@code ood.parquet} (500 unlabelled sequences of out-of-distribution tokens); {@code scripts/sample-text-audit.sh}
 * then describes and audits the model from the command line.
 */
public final class TextDataFiles {
    private static final int ROWS_PER_INSERT = 500;

    private TextDataFiles() {}

    /**
     * Writes the sequences (the positions with mask 1) and their labels, if any, as a Parquet file.
     *
     * @throws IOException when DuckDB cannot write the file
     */
    public static Path writeParquet(TokenData data, Path file) throws IOException {
        Files.deleteIfExists(file);
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (tokens BIGINT[]" + (data.labelled() ? ", label INTEGER" : "") + ")");
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < data.size(); i++) {
                sql.append(sql.length() == 0 ? "INSERT INTO t VALUES " : ", ").append("([");
                long[] ids = data.ids(i);
                long[] mask = data.mask(i);
                boolean first = true;
                for (int t = 0; t < ids.length; t++) {
                    if (mask[t] == 1) {
                        sql.append(first ? "" : ", ").append(ids[t]);
                        first = false;
                    }
                }
                sql.append(']')
                        .append(data.labelled() ? ", " + data.label(i) : "")
                        .append(')');
                if ((i + 1) % ROWS_PER_INSERT == 0 || i == data.size() - 1) {
                    s.execute(sql.toString());
                    sql.setLength(0);
                }
            }
            s.execute("COPY t TO '" + file.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Trains the text classifier into {@code dir} and writes its three data files beside it. */
    public static TextClassifierSample.Result trainAndWrite(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        TextClassifierSample.Result result = TextClassifierSample.trainAndExport(dir, seed);
        writeParquet(result.train(), dir.resolve("train.parquet"));
        writeParquet(result.test(), dir.resolve("test.parquet"));
        writeParquet(result.ood(), dir.resolve("ood.parquet"));
        return result;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "onnx-inspect-out/text");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        TextClassifierSample.Result result = trainAndWrite(dir, seed);
        System.out.printf(
                Locale.ROOT,
                "text classifier: train accuracy %.4f, test accuracy %.4f (DJL); wrote %s and"
                        + " train.parquet (%d rows), test.parquet (%d), ood.parquet (%d) in %s%n",
                result.trainAccuracy(),
                result.testAccuracy(),
                result.model().getFileName(),
                result.train().size(),
                result.test().size(),
                result.ood().size(),
                dir);
    }
}
