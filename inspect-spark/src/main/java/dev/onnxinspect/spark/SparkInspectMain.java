package dev.onnxinspect.spark;

import dev.onnxinspect.stats.KdeMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point of a distributed inspection: reads a Dataset with {@code spark.read()}, runs
 * {@link SparkInspection} and writes the SPEC §12 tables (the README's "Spark" section gives the commands).
 *
 * <pre>
 * spark-submit --class dev.onnxinspect.spark.SparkInspectMain --jars ... inspect-spark.jar \
 *     --model model.onnx --data images.parquet --input pixels --labels label --out result
 * </pre>
 *
 * Options: {@code --model FILE} (read on the driver), {@code --data PATH} (any path Spark reads: a file, a folder,
 * {@code s3a://...}), {@code --format parquet} (any {@code spark.read().format}), {@code --input COLUMN} for the
 * model's only input or {@code --input INPUT=COLUMN} (repeatable), {@code --shape INPUT=3,32,32} for an input of
 * free shape, {@code --labels COLUMN}, {@code --layers a,b}, {@code --logits TENSOR}, {@code --batch-size N},
 * {@code --partitions N} (repartition first), {@code --name NAME}, {@code --no-interactions},
 * {@code --ood NAME=PATH} (repeatable: an OOD set in the same format and columns; KL between the ID set and it),
 * {@code --fit PATH} and {@code --fit-name NAME} (a labelled fit set: the SPEC §8 node classifiers, evaluated on the
 * ID set), {@code --no-node-classifiers}, {@code --kde fast|exact}, {@code --memory-budget-mib N} (the memory rule's
 * budget B), {@code --mask-input INPUT} (the attention mask input of a sequence model, fed by its {@code --input}
 * column: its layers {@code [T, d]} through their masked means; {@link SparkInspection.Builder#maskInput}), {@code --out DIR} (on the driver; required), {@code --report FILE} (the HTML report of
 * {@code onnx-inspect audit}, on the driver; {@link SparkInspection#writeReport}) with {@code --class-names a,b,...}
 * for its labels. Exit status: 0, 2 for a usage error, 3 for data or a model that does not fit, 4 for a path that
 * cannot be read ({@code --data}, {@code --ood}, {@code --fit}: {@link SubmitPaths}, as {@link SparkAuditMain}) or a
 * file that cannot be written (one line on stderr says what and what to do); an output path is checked before the
 * Spark job runs.
 */
public final class SparkInspectMain {
    private SparkInspectMain() {}

    public static void main(String[] args) {
        SubmitCommand.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            return SubmitCommand.usageError(err, e.getMessage(), Options.USAGE);
        }
        return SubmitCommand.run("onnx-inspect " + o.name, err, spark -> {
            Path report = o.report == null ? null : SubmitPaths.reportFile(o.report);
            SparkDatasets sets = SparkDatasets.of(o.name, read(spark, o, o.data, "--data"));
            for (Map.Entry<String, String> ood : o.ood.entrySet()) {
                Dataset<Row> rows = read(spark, o, ood.getValue(), "--ood " + ood.getKey());
                // an OOD set without the label column is read unlabelled (its classes the predictions)
                boolean labelled =
                        o.labels != null && Arrays.asList(rows.columns()).contains(o.labels);
                sets = sets.withOod(ood.getKey(), rows, o.inputs(labelled));
            }
            if (o.fit != null) {
                sets = sets.withFit(o.fitName, read(spark, o, o.fit, "--fit"));
            }
            SparkInspection.Builder builder = SparkInspection.builder(Path.of(o.model), o.inputs(true))
                    .name(o.name)
                    .layers(o.layers)
                    .logitsOutput(o.logits)
                    .batchSize(o.batchSize)
                    .interactions(o.interactions)
                    .nodeClassifiers(o.nodeClassifiers)
                    .kdeMode(o.kde);
            if (o.maskInput != null) {
                builder.maskInput(o.maskInput);
            }
            if (o.memoryBudgetMib > 0) {
                builder.memoryBudgetBytes((long) o.memoryBudgetMib << 20);
            }
            SparkInspectionResult result = builder.build().run(sets);
            Map<String, Path> files = new LinkedHashMap<>(SparkInspection.writeTables(result, Path.of(o.out)));
            if (report != null) {
                files.put("report", SparkInspection.writeReport(result, o.classNames, report));
            }
            out.printf(
                    "inspected %d samples of %s (%s partitions), %d layers; tables in %s: %s%n",
                    result.dataset().summary().samples(),
                    o.name,
                    result.parameters().get("spark.partitions"),
                    result.layers().size(),
                    o.out,
                    files.keySet());
            result.nodeClassifiers().stream()
                    .filter(n -> n.samples() > 0)
                    .forEach(n -> out.printf(
                            "SPEC 8 nodes as classifiers of %s (fitted on %s): layer accuracy %.4f on %d samples%n",
                            n.layer(), result.nodeFitDataset(), n.layerAccuracy(), n.samples()));
            return 0;
        });
    }

    /** One set read with Spark; a path Spark cannot read is one line naming the option (exit status 4). */
    private static Dataset<Row> read(SparkSession spark, Options o, String path, String option) {
        return SubmitPaths.dataset(spark, o.format, path, option, o.partitions);
    }

    /** The parsed command line. */
    static final class Options {
        static final String USAGE =
                "SparkInspectMain --model FILE --data PATH [--format parquet] --input [INPUT=]COLUMN"
                        + " ... [--shape INPUT=D1,D2,...] [--labels COLUMN] [--layers A,B] [--logits TENSOR] [--batch-size N]"
                        + " [--partitions N] [--name NAME] [--no-interactions] [--ood NAME=PATH ...] [--fit PATH]"
                        + " [--fit-name NAME] [--no-node-classifiers] [--kde fast|exact] [--memory-budget-mib N]"
                        + " [--mask-input INPUT] --out DIR [--report FILE] [--class-names A,B,...]";

        String model;
        String data;
        String format = "parquet";
        final Map<String, String> inputColumns = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();
        String labels;
        List<String> layers = List.of();
        String logits;
        int batchSize;
        int partitions;
        String name = "dataset";
        boolean interactions = true;
        final Map<String, String> ood = new LinkedHashMap<>();
        String fit;
        String fitName = "fit";
        boolean nodeClassifiers = true;
        KdeMode kde = KdeMode.FAST;
        int memoryBudgetMib;
        String maskInput;
        String out;
        String report;
        List<String> classNames;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--no-interactions")) {
                    o.interactions = false;
                    continue;
                }
                if (a.equals("--no-node-classifiers")) {
                    o.nodeClassifiers = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--model" -> o.model = v;
                    case "--data" -> o.data = v;
                    case "--format" -> o.format = v;
                    case "--input" -> {
                        int eq = v.indexOf('=');
                        o.inputColumns.put(eq < 0 ? "" : v.substring(0, eq), v.substring(eq + 1));
                    }
                    case "--shape" -> {
                        int eq = v.indexOf('=');
                        if (eq < 0) {
                            throw new IllegalArgumentException("--shape takes INPUT=D1,D2,..., got " + v);
                        }
                        o.shapes.put(v.substring(0, eq), SubmitCommand.dims("--shape", v.substring(eq + 1)));
                    }
                    case "--labels" -> o.labels = v;
                    case "--layers" -> o.layers = Arrays.asList(v.split(",", -1));
                    case "--logits" -> o.logits = v;
                    case "--batch-size" -> o.batchSize = SubmitCommand.count(a, v, 0);
                    case "--partitions" -> o.partitions = SubmitCommand.count(a, v, 0);
                    case "--name" -> o.name = v;
                    case "--out" -> o.out = v;
                    case "--ood" -> {
                        int eq = v.indexOf('=');
                        if (eq <= 0 || eq == v.length() - 1) {
                            throw new IllegalArgumentException(
                                    "--ood takes NAME=PATH, e.g. digits=digits.parquet, got " + v);
                        }
                        if (o.ood.put(v.substring(0, eq), v.substring(eq + 1)) != null) {
                            throw new IllegalArgumentException(
                                    "two OOD sets are named " + v.substring(0, eq) + "; give each --ood its own NAME");
                        }
                    }
                    case "--fit" -> o.fit = v;
                    case "--fit-name" -> o.fitName = v;
                    case "--kde" ->
                        o.kde = switch (v) {
                            case "fast" -> KdeMode.FAST;
                            case "exact" -> KdeMode.EXACT;
                            default -> throw new IllegalArgumentException("--kde takes fast or exact, got " + v);
                        };
                    case "--memory-budget-mib" -> o.memoryBudgetMib = SubmitCommand.count(a, v, 0);
                    case "--mask-input" -> o.maskInput = v;
                    case "--report" -> o.report = v;
                    case "--class-names" -> o.classNames = Arrays.asList(v.split(",", -1));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            new SubmitCommand.Required()
                    .option("--model", o.model != null)
                    .option("--data", o.data != null)
                    .option("--input", !o.inputColumns.isEmpty())
                    .option("--out", o.out != null)
                    .check();
            return o;
        }

        /** The column mapping, with the label column when {@code labelled} and one was given. */
        RowInputs inputs(boolean labelled) {
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
            if (labels != null && labelled) {
                b.labels(labels);
            }
            return b.build();
        }
    }
}
