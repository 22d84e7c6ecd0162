package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.data.DatasetException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The {@code spark-submit} entry point of a distributed audit ({@link SparkAudit}): fits the SPEC §5/§5b detectors on
 * a labelled fit Dataset, scores an ID Dataset and any number of OOD Datasets, and writes
 * <ul>
 *   <li>the scored rows as Parquet, one folder per evaluated set ({@code --scored DIR}, default {@code OUT/scored}:
 *       {@code scored/NAME/part-*.parquet}), each the set's rows (all its columns, or those of {@code --keep}) with
 *       {@code predicted} and one float64 column per detector, so that they can be joined with anything; written by
 *       the executors, so on a cluster give a path every executor writes (hdfs://, s3a://, a shared file system);</li>
 *   <li>the SPEC §12 tables of the single-machine {@code audit} into {@code --out DIR} (written by the driver):
 *       {@code scores}, {@code ood_metrics} and {@code roc_curve} (SPEC §6), {@code confusion_matrix} (when the
 *       ID set has labels) and the manifest ({@link SparkAudit#writeTables}; the layer tables without rows: the
 *       layer statistics are {@link SparkInspectMain}'s).</li>
 * </ul>
 *
 * <pre>
 * spark-submit --class dev.onnxinspect.spark.SparkAuditMain --jars ... inspect-spark.jar \
 *     --model model.onnx --fit train.parquet --id fashion=test.parquet --ood digits=digits.parquet \
 *     --input pixels --labels label --keep id --out audit
 * </pre>
 *
 * Options: {@code --model FILE} (read on the driver); {@code --fit PATH} (labelled), {@code --id [NAME=]PATH},
 * {@code --ood [NAME=]PATH} (repeatable): any path Spark reads, named by NAME or else by the path's last element
 * without its extension (Choice: a NAME is letters, digits, {@code _ . -}; a path that itself starts with
 * {@code key=value} needs a NAME); {@code --format parquet} (any {@code spark.read().format}, for every set);
 * {@code --input [INPUT=]COLUMN} (repeatable), {@code --shape INPUT=D1,D2,...}, {@code --labels COLUMN} (required:
 * read on the fit set, and on every evaluated set that has that column) as {@link SparkInspectMain} takes them;
 * {@code --layers A,B}, {@code --logits TENSOR}, {@code --features TENSOR}, {@code --head NODE}, {@code --tau X},
 * {@code --alpha X}, {@code --batch-size N}, {@code --partitions N} (repartition every set first),
 * {@code --keep A,B} (the input columns kept in the scored rows), {@code --scored DIR}, {@code --out DIR}
 * (required), {@code --report FILE} (the HTML report of {@code onnx-inspect audit}'s detector sections, on the
 * driver, its path checked before any job: {@link SparkAudit#writeReport}) with {@code --class-names A,B,...} for its
 * labels. Exit status: 0; 2 for a usage error; 3 for data, a model or an option value that does not fit; 4 when
 * a file or path cannot be read or written; 1 otherwise (one line on stderr says what and what to do).
 */
public final class SparkAuditMain {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private SparkAuditMain() {}

    public static void main(String[] args) {
        SubmitCommand.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException | DatasetException e) {
            return SubmitCommand.usageError(err, e.getMessage(), Options.USAGE);
        }
        return SubmitCommand.run("onnx-inspect audit", err, spark -> {
            Path report = o.report == null ? null : SubmitPaths.reportFile(o.report);
            SparkAudit.Builder audit = SparkAudit.builder(Path.of(o.model), o.inputs())
                    .fit(o.fit.name(), read(spark, o, o.fit, "--fit"))
                    .id(o.id.name(), read(spark, o, o.id, "--id"))
                    .batchSize(o.batchSize)
                    .tau(o.tau)
                    .alpha(o.alpha)
                    .tensors(o.logits, o.features, o.head);
            for (Named ood : o.ood) {
                audit.ood(ood.name(), read(spark, o, ood, "--ood"));
            }
            if (!o.layers.isEmpty()) {
                audit.layers(o.layers);
            }
            SparkAuditResult result = audit.run(spark);
            String scoredDir = o.scored != null
                    ? o.scored
                    : Path.of(o.out).toAbsolutePath().resolve("scored").toString();
            for (Map.Entry<String, Dataset<Row>> e : result.scored().entrySet()) {
                write(scored(e.getValue(), o.keep, result.columns()), scoredDir + "/" + e.getKey());
            }
            Map<String, Path> files = new LinkedHashMap<>(SparkAudit.writeTables(result, Path.of(o.out)));
            if (report != null) {
                files.put("report", SparkAudit.writeReport(result, o.classNames, report));
            }
            out.printf(
                    "audited %s (%d detectors fitted on %d samples of %s): ID %s%s, OOD %s%n",
                    o.model,
                    result.columns().size(),
                    result.fitSamples(),
                    o.fit.name(),
                    o.id.name(),
                    result.idAccuracy().isPresent()
                            ? String.format(
                                    " (accuracy %.4f)", result.idAccuracy().getAsDouble())
                            : "",
                    o.ood.stream().map(Named::name).toList());
            for (Named ood : o.ood) {
                result.metrics().stream()
                        .filter(m -> m.oodDataset().equals(ood.name()))
                        .max(Comparator.comparingDouble(m -> m.evaluation().auroc()))
                        .ifPresent(best -> out.printf(
                                "best AUROC vs %s: %s %.4f%n",
                                ood.name(), best.column(), best.evaluation().auroc()));
            }
            out.printf(
                    "scored rows (Parquet) in %s/{%s}; tables in %s: %s%n",
                    scoredDir, String.join(",", result.scored().keySet()), o.out, files.keySet());
            result.unpersist();
            return 0;
        });
    }

    /** One set read with Spark; a path Spark cannot read is one line naming the option. */
    private static Dataset<Row> read(SparkSession spark, Options o, Named set, String option) {
        return SubmitPaths.dataset(spark, o.format, set.path(), option, o.partitions);
    }

    /** The scored rows as written: the kept input columns (all by default), the prediction and the scores. */
    private static Dataset<Row> scored(Dataset<Row> scored, List<String> keep, List<ScoreColumn> columns) {
        if (keep.isEmpty()) {
            return scored;
        }
        List<String> present = Arrays.asList(scored.columns());
        List<Column> select = new ArrayList<>();
        for (String k : keep) {
            if (!present.contains(k)) {
                throw new DatasetException("--keep names column '" + k + "', which the data does not have; its"
                        + " columns are " + present.subList(0, present.size() - columns.size() - 1));
            }
            select.add(quoted(k));
        }
        select.add(quoted(SparkAudit.PREDICTED));
        columns.forEach(c -> select.add(quoted(c.tableColumn())));
        return scored.select(select.toArray(new Column[0]));
    }

    private static Column quoted(String column) {
        return functions.col("`" + column.replace("`", "``") + "`");
    }

    private static void write(Dataset<Row> rows, String path) {
        try {
            rows.write().mode(SaveMode.ErrorIfExists).parquet(path);
        } catch (Exception e) { // Spark's AnalysisException (PATH_ALREADY_EXISTS), SparkException: thrown undeclared
            throw new OnnxInspectException(
                    OnnxInspectException.Kind.IO,
                    "cannot write the scored rows to " + path + ": " + SubmitPaths.firstLine(e)
                            + "; remove it or give another --scored",
                    e);
        }
    }

    /** A set to read: its name in the audit and its path. */
    record Named(String name, String path) {
        /** {@code NAME=PATH}, or a path named by its last element without the extension. */
        static Named parse(String option, String value) {
            int eq = value.indexOf('=');
            if (eq > 0 && NAME.matcher(value.substring(0, eq)).matches()) {
                String path = value.substring(eq + 1);
                if (path.isEmpty()) {
                    throw new IllegalArgumentException(option + " " + value + " names no path; give NAME=PATH");
                }
                return new Named(value.substring(0, eq), path);
            }
            String trimmed = value.replaceAll("/+$", "");
            String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
            int dot = last.indexOf('.');
            String name = dot > 0 ? last.substring(0, dot) : last;
            if (name.isEmpty()) {
                throw new IllegalArgumentException(option + " " + value + " gives no name; give NAME=PATH");
            }
            return new Named(name, value);
        }
    }

    /** The parsed command line. */
    static final class Options {
        static final String USAGE = "SparkAuditMain --model FILE --fit PATH --id [NAME=]PATH [--ood [NAME=]PATH ...]"
                + " [--format parquet] --input [INPUT=]COLUMN ... [--shape INPUT=D1,D2,...] --labels COLUMN"
                + " [--layers A,B] [--logits TENSOR] [--features TENSOR] [--head NODE] [--tau X] [--alpha X]"
                + " [--batch-size N] [--partitions N] [--keep A,B] [--scored DIR] --out DIR [--report FILE]"
                + " [--class-names A,B,...]";

        String model;
        Named fit;
        Named id;
        final List<Named> ood = new ArrayList<>();
        String format = "parquet";
        final Map<String, String> inputColumns = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();
        String labels;
        List<String> layers = List.of();
        String logits;
        String features;
        String head;
        double tau;
        double alpha = 1e-6;
        int batchSize;
        int partitions;
        List<String> keep = List.of();
        String scored;
        String out;
        String report;
        List<String> classNames;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + a + "; every value follows its option");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--model" -> o.model = v;
                    case "--fit" -> o.fit = Named.parse(a, v);
                    case "--id" -> o.id = Named.parse(a, v);
                    case "--ood" -> o.ood.add(Named.parse(a, v));
                    case "--format" -> o.format = v;
                    case "--input" -> {
                        int eq = v.indexOf('=');
                        String input = eq < 0 ? "" : v.substring(0, eq);
                        if (o.inputColumns.containsKey(input)) {
                            throw new IllegalArgumentException("--input " + v + ": input "
                                    + (input.isEmpty() ? "(the model's only input)" : input) + " is mapped twice");
                        }
                        o.inputColumns.put(input, v.substring(eq + 1));
                    }
                    case "--shape" -> {
                        int eq = v.indexOf('=');
                        if (eq < 0) {
                            throw new IllegalArgumentException("--shape takes INPUT=D1,D2,..., got " + v);
                        }
                        o.shapes.put(v.substring(0, eq), SubmitCommand.dims("--shape", v.substring(eq + 1)));
                    }
                    case "--labels" -> o.labels = v;
                    case "--layers" -> o.layers = list(a, v);
                    case "--logits" -> o.logits = v;
                    case "--features" -> o.features = v;
                    case "--head" -> o.head = v;
                    case "--tau" -> o.tau = SubmitCommand.real(a, v);
                    case "--alpha" -> o.alpha = SubmitCommand.real(a, v);
                    case "--batch-size" -> o.batchSize = SubmitCommand.count(a, v, 0);
                    case "--partitions" -> o.partitions = SubmitCommand.count(a, v, 0);
                    case "--keep" -> o.keep = list(a, v);
                    case "--scored" -> o.scored = v;
                    case "--out" -> o.out = v;
                    case "--report" -> o.report = v;
                    case "--class-names" -> o.classNames = list(a, v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            new SubmitCommand.Required()
                    .option("--model", o.model != null)
                    .option("--fit", o.fit != null)
                    .option("--id", o.id != null)
                    .option("--input", !o.inputColumns.isEmpty())
                    .option("--labels (the fit set's label column)", o.labels != null)
                    .option("--out", o.out != null)
                    .check();
            List<String> names = new ArrayList<>(List.of(o.id.name()));
            for (Named n : o.ood) {
                if (names.contains(n.name())) {
                    throw new IllegalArgumentException(
                            "two evaluated sets are named " + n.name() + "; name them apart with --ood NAME=PATH");
                }
                names.add(n.name());
            }
            o.inputs(); // an inconsistent mapping is a usage error
            return o;
        }

        RowInputs inputs() {
            RowInputs.Builder b = RowInputs.builder();
            inputColumns.forEach((input, column) -> {
                String name = input.isEmpty() ? null : input;
                long[] shape = shapes.get(input);
                if (shape != null) {
                    b.input(name, column, shape);
                } else if (name == null) {
                    b.input(column);
                } else {
                    b.input(name, column);
                }
            });
            shapes.keySet().stream()
                    .filter(s -> !inputColumns.containsKey(s))
                    .findFirst()
                    .ifPresent(s -> {
                        throw new IllegalArgumentException(
                                "--shape " + s + "=... names an input that no --input " + s + "=COLUMN maps");
                    });
            return b.labels(labels).build();
        }

        private static List<String> list(String option, String v) {
            List<String> items = Arrays.asList(v.split(",", -1));
            if (items.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException(option + " takes names separated by commas, got '" + v + "'");
            }
            return items;
        }
    }
}
