package dev.onnxinspect.spark;

import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.PathSimilarityWriter;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.io.Sha256;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code spark-submit} entry point of SPEC §9 over a training run's checkpoints ({@link SparkCheckpoints}: one
 * task per checkpoint): reads the checkpoints {@code checkpoint-<t>.onnx} of a directory and a probe set with Spark,
 * and writes into {@code --out DIR} (on the driver) the {@code path_similarity} table and the manifest, as the
 * single-machine dynamics analysis writes them (the samples' {@code DynamicsTables}: the same rows, streamed in step
 * order, and the same schema metadata: the last checkpoint's file and SHA-256, the layers, tau, the probe's name and
 * size, the pair seed and the pair limit).
 *
 * <pre>
 * spark-submit --class dev.onnxinspect.spark.SparkCheckpointsMain --jars ... inspect-spark.jar \
 *     --checkpoints run-1 --probe probe.parquet --input pixels --out dynamics
 * </pre>
 *
 * Options: {@code --checkpoints DIR} (read by the driver, which lists it, and by the executors, one file each: on a
 * cluster a shared file system), {@code --probe PATH} (any path {@code spark.read()} reads; {@code --format} other
 * than parquet) with {@code --input COLUMN} (a numeric array column, or a number column for one value per sample),
 * {@code --order COLUMN} (the probe's sample order; default the order Spark reads the rows in, which for a folder of
 * several files is Spark's own), {@code --shape D1,D2,...} (the sample shape; default the row length),
 * {@code --name NAME} (the probe's name in the tables; default the path's last element without its extension),
 * {@code --layers A,B} (default every output of the first checkpoint but {@code logits}), {@code --tau X},
 * {@code --max-pairs N}, {@code --seed N} (SPEC §9, defaults {@link PathOptions#defaults()}), {@code --batch-size N},
 * {@code --out DIR} (required). Exit status: 0; 2 for a usage error; 3 for data, checkpoints or an option value that
 * does not fit; 4 when a path cannot be read or written; 1 otherwise (one line on stderr).
 *
 * <p>Choice: the probe set is collected on the driver (it is broadcast to every task anyway: probe samples x sample
 * size x 4 bytes). Choice: no SPEC §10 weight norms and no {@code training_history}: arrow-export has no weight norm
 * table (the single-machine analysis writes a CSV with the samples' checkpoint weight reader), and the trainer's
 * history is not in the checkpoints; {@link SparkCheckpoints.Builder#weights} computes the norms from the library.
 */
public final class SparkCheckpointsMain {
    private SparkCheckpointsMain() {}

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
        return SubmitCommand.run("onnx-inspect checkpoints", err, spark -> {
            List<CheckpointFile> checkpoints = SparkCheckpoints.fromDirectory(Path.of(o.checkpoints));
            InMemoryDataset probe = probe(spark, o);
            PathOptions.Builder paths = PathOptions.builder();
            if (o.tau != null) {
                paths.tau(o.tau);
            }
            if (o.maxPairs != null) {
                paths.maxSampledPairs(o.maxPairs);
            }
            if (o.seed != null) {
                paths.seed(o.seed);
            }
            PathOptions options = paths.build();
            SparkDynamicsResult result;
            try (BufferAllocator allocator = new RootAllocator()) {
                result = write(spark, checkpoints, probe, options, o, allocator);
            }
            out.printf(
                    "followed %d probe samples of %s through %d checkpoints (steps %d..%d), layers %s; tables in %s:"
                            + " %s%n",
                    probe.size(),
                    probe.name(),
                    checkpoints.size(),
                    checkpoints.get(0).step(),
                    checkpoints.get(checkpoints.size() - 1).step(),
                    result.layers(),
                    o.out,
                    List.of(PathSimilarityWriter.TABLE, "manifest"));
            for (PathSimilarityResult p : result.paths()) {
                p.summaries().stream()
                        .filter(step -> step.kind() == PathKind.SELF)
                        .reduce((a, b) -> b)
                        .ifPresent(step -> out.printf(
                                "%s: mean self similarity %.4f at step %d%n", p.layer(), step.mean(), step.step()));
            }
            return 0;
        });
    }

    /** Runs the job with the path_similarity rows streamed into the table, and commits the directory. */
    private static SparkDynamicsResult write(
            SparkSession spark,
            List<CheckpointFile> checkpoints,
            InMemoryDataset probe,
            PathOptions options,
            Options o,
            BufferAllocator allocator)
            throws IOException {
        Path last = Path.of(checkpoints.get(checkpoints.size() - 1).path());
        // the layers before the job, for the table's schema (the job would choose them by the same rule)
        List<String> layers = SparkCheckpoints.chooseLayers(checkpoints.get(0), o.layers);
        // the samples' DynamicsTables metadata: the last checkpoint (the trained model), the layers, SPEC §9's options
        TableMetadata metadata = TableMetadata.builder(
                        last.getFileName().toString(), Sha256.of(last), ClassSource.LABEL)
                .layerNames(layers)
                .tau(options.tau())
                .parameter("probe_dataset", probe.name())
                .parameter("probe_samples", Long.toString(probe.size()))
                .parameter("pair_seed", Long.toString(options.seed()))
                .parameter("max_sampled_pairs", Integer.toString(options.maxSampledPairs()))
                .build();
        SparkDynamicsResult result;
        try (ArrowResultDirectory dir = ArrowResultDirectory.create(
                Path.of(o.out), metadata, ArrowWriteOptions.defaults(), allocator, Map.of("probe", probe.name()))) {
            PathSimilarityWriter table = dir.pathSimilarity(layers);
            SparkCheckpoints.Builder job = SparkCheckpoints.builder(checkpoints, probe)
                    .layers(layers)
                    .pathOptions(options)
                    .sink(new TableSink(table));
            if (o.batchSize > 0) {
                job.batchSize(o.batchSize);
            }
            result = job.run(spark);
            dir.commit();
        }
        return result;
    }

    /** The probe set collected on the driver, in {@code --order} (or Spark's row order), as float32 samples. */
    static InMemoryDataset probe(SparkSession spark, Options o) {
        Dataset<Row> rows = SubmitPaths.dataset(spark, o.format, o.probe, "--probe", 0);
        List<String> columns = Arrays.asList(rows.columns());
        for (String c : o.order == null ? List.of(o.input) : List.of(o.input, o.order)) {
            if (!columns.contains(c)) {
                throw new DatasetException(
                        "the probe set " + o.probe + " has no column '" + c + "'; its columns are " + columns);
            }
        }
        if (o.order != null) {
            rows = rows.orderBy(quoted(o.order));
        }
        boolean array = rows.schema().apply(o.input).dataType() instanceof org.apache.spark.sql.types.ArrayType;
        Dataset<Row> values = rows.select(
                array
                        ? quoted(o.input).cast(DataTypes.createArrayType(DataTypes.FloatType))
                        : functions.array(quoted(o.input).cast(DataTypes.FloatType)));
        List<Row> collected;
        try {
            collected = values.collectAsList();
        } catch (RuntimeException e) { // a column Spark cannot cast to float
            throw new DatasetException(
                    "cannot read column '" + o.input + "' of the probe set " + o.probe + " as float32 samples: "
                            + SubmitPaths.firstLine(e) + "; give a numeric array column",
                    e);
        }
        if (collected.isEmpty()) {
            throw new DatasetException("the probe set " + o.probe + " has no rows; give at least one sample");
        }
        int size = -1;
        float[] samples = null;
        for (int i = 0; i < collected.size(); i++) {
            List<Float> sample =
                    collected.get(i).isNullAt(0) ? null : collected.get(i).getList(0);
            if (sample == null || sample.contains(null)) {
                throw new DatasetException("row " + i + " of the probe set " + o.probe + " has a null in column '"
                        + o.input + "'; every probe sample needs its values");
            }
            if (size < 0) {
                size = sample.size();
                samples = new float[collected.size() * size];
            } else if (sample.size() != size) {
                throw new DatasetException("row " + i + " of the probe set " + o.probe + " has " + sample.size()
                        + " values in column '" + o.input + "', row 0 has " + size + "; probe samples share one shape");
            }
            for (int j = 0; j < size; j++) {
                samples[i * size + j] = sample.get(j);
            }
        }
        int[] shape = o.shape != null ? o.shape : new int[] {size};
        if (Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) != size) {
            throw new DatasetException(
                    "--shape " + Arrays.toString(shape) + " does not hold the probe's " + size + " values per sample");
        }
        return InMemoryDataset.of(o.name, samples, null, shape);
    }

    private static org.apache.spark.sql.Column quoted(String column) {
        return functions.col("`" + column.replace("`", "``") + "`");
    }

    /** Streams the job's path_similarity rows into the table (the driver feeds it in step order). */
    private record TableSink(PathSimilarityWriter writer) implements PathSimilaritySink {
        @Override
        public void accept(String layer, int step, PathKind kind, int sampleI, int sampleJ, double similarity) {
            if (kind == PathKind.SELF) {
                writer.writeSelf(layer, step, sampleI, similarity);
            } else {
                writer.writeCross(layer, step, kind.tableName(), sampleI, sampleJ, similarity);
            }
        }
    }

    /** The parsed command line. */
    static final class Options {
        static final String USAGE = "SparkCheckpointsMain --checkpoints DIR --probe PATH [--format parquet]"
                + " --input COLUMN [--order COLUMN] [--shape D1,D2,...] [--name NAME] [--layers A,B] [--tau X]"
                + " [--max-pairs N] [--seed N] [--batch-size N] --out DIR";

        String checkpoints;
        String probe;
        String format = "parquet";
        String input;
        String order;
        int[] shape;
        String name;
        List<String> layers = List.of();
        Float tau;
        Integer maxPairs;
        Long seed;
        int batchSize;
        String out;

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
                    case "--checkpoints" -> o.checkpoints = v;
                    case "--probe" -> o.probe = v;
                    case "--format" -> o.format = v;
                    case "--input" -> o.input = v;
                    case "--order" -> o.order = v;
                    case "--shape" ->
                        o.shape = Arrays.stream(v.split(",", -1))
                                .mapToInt(d -> SubmitCommand.count(a, d, 1))
                                .toArray();
                    case "--name" -> o.name = v;
                    case "--layers" -> o.layers = Arrays.asList(v.split(",", -1));
                    case "--tau" -> o.tau = SubmitCommand.real32(a, v);
                    case "--max-pairs" -> o.maxPairs = SubmitCommand.count(a, v, 1);
                    case "--seed" -> o.seed = (long) SubmitCommand.count(a, v, 0);
                    case "--batch-size" -> o.batchSize = SubmitCommand.count(a, v, 1);
                    case "--out" -> o.out = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            new SubmitCommand.Required()
                    .option("--checkpoints", o.checkpoints != null)
                    .option("--probe", o.probe != null)
                    .option("--input", o.input != null)
                    .option("--out", o.out != null)
                    .check();
            if (o.layers.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("--layers takes names separated by commas, got " + o.layers);
            }
            if (o.name == null) {
                String trimmed = o.probe.replaceAll("/+$", "");
                String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
                int dot = last.indexOf('.');
                o.name = dot > 0 ? last.substring(0, dot) : last;
            }
            return o;
        }
    }
}
