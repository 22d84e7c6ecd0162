package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.io.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The paths of the {@code spark-submit} entry points ({@link SparkInspectMain}, {@link SparkAuditMain}). A data path is
 * read with
 * {@code spark.read().format(format).load(path)}, repartitioned when asked; a path Spark cannot read (missing, not of
 * that format) is one {@link OnnxInspectException.Kind#IO} line naming the option and the path, which the entry points
 * print and exit with status 4. A report path is checked before any Spark job ({@link #reportFile}).
 */
final class SubmitPaths {
    private SubmitPaths() {}

    /**
     * The rows at {@code path}.
     *
     * @param option     the command-line option that gave the path ({@code --data}, {@code --fit}, ...), for the message
     * @param partitions repartition into this many partitions; 0 keeps Spark's
     * @throws OnnxInspectException ({@code IO}) when Spark cannot read the path
     */
    static Dataset<Row> dataset(SparkSession spark, String format, String path, String option, int partitions) {
        requireExists(spark, path, option);
        Dataset<Row> data;
        try {
            data = spark.read().format(format).load(path);
        } catch (Exception e) { // Spark's AnalysisException (PATH_NOT_FOUND, a wrong format) and the like
            throw new OnnxInspectException(
                    OnnxInspectException.Kind.IO,
                    "cannot read " + option + " " + path + " as " + format + ": " + firstLine(e)
                            + "; give a path Spark can read (and --format for other than parquet)",
                    e);
        }
        return partitions > 0 ? data.repartition(partitions) : data;
    }

    /**
     * Checks the report's path before the run (as the command line checks its outputs): a regular file or nothing,
     * in a directory that exists.
     *
     * @throws OnnxInspectException ({@code IO}) when its directory does not exist; ({@code INVALID_INPUT}) when it
     *                              names a directory or another non-regular file
     */
    static Path reportFile(String file) {
        Path absolute = OutputPaths.file(Path.of(file));
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new OnnxInspectException(
                    OnnxInspectException.Kind.IO,
                    "cannot write the report " + absolute + ": the directory " + directory
                            + " does not exist; create it or give another --report FILE");
        }
        return absolute;
    }

    /**
     * Refuses a path that matches no file (a glob matching nothing included) before Spark reads it, so that the
     * refusal is this one line and not Spark's logged stack trace of the missing metadata directory. Choice: a path
     * whose file system Hadoop cannot open here (an unknown scheme, a table name of a non-file source) is left to
     * Spark's own reader and its message.
     */
    private static void requireExists(SparkSession spark, String path, String option) {
        FileStatus[] matches;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            matches = fs.globStatus(p);
        } catch (IOException | RuntimeException e) { // no file system for the scheme, a malformed path
            return;
        }
        if (matches == null || matches.length == 0) {
            throw new OnnxInspectException(
                    OnnxInspectException.Kind.IO,
                    "cannot read " + option + " " + path + ": no such file or directory; give a path Spark can read");
        }
    }

    /** The first line of an exception's message (Spark's messages run over several lines). */
    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse("");
    }
}
