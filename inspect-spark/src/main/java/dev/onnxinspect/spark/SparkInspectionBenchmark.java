package dev.onnxinspect.spark;

import com.sun.management.OperatingSystemMXBean;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Throughput of the distributed inspection in {@code local[1]} and {@code local[2]} against the single-machine
 * library on the same data and the same work, in one run (not a test: it asserts nothing and its figures depend on
 * the machine and its load, which it prints).
 *
 * <p>Work: a Fashion-MNIST MLP with fixed pseudo-random weights (784 -> 256 -> ReLU -> 128 -> ReLU -> 10), the
 * statistics of SPEC §1-2, §7 on its four hidden tensors and the SPEC §3 interactions of its dense layers reading
 * them, over the first N test images (default 10,000) as Spark rows ({@code array<float>} pixels, int label) in
 * memory (cached before timing). The single-machine baseline runs one {@link Inspection} with the same accumulators,
 * ONNX Runtime with one intra-op thread (as each Spark task's session) and, apart, with ONNX Runtime's default
 * threads. Each configuration is timed once, after a warm-up run on 1,000 images (Spark: and one on all rows).
 *
 * <p>{@code java ... SparkInspectionBenchmark [N] [partitions]} (default 10000 8).
 */
public final class SparkInspectionBenchmark {
    private static final List<String> LAYERS = List.of("fc1", "h1", "fc2", "h2");
    private static final int BATCH = 64;

    private SparkInspectionBenchmark() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("spark-bench");
        Path model = mlp(dir.resolve("mlp.onnx"));
        InMemoryDataset data = FashionMnist.test().subset(0, n);
        InMemoryDataset warm = data.subset(0, Math.min(1000, n));

        single(model, warm, 1);
        Rate singleOne = single(model, data, 1);
        single(model, warm, 0);
        Rate singleDefault = single(model, data, 0);
        Rate local1 = spark("local[1]", model, data, warm, partitions);
        Rate local2 = spark("local[2]", model, data, warm, partitions);

        System.out.printf(
                Locale.ROOT,
                "samples %d, partitions %d, batch %d, cores %d, load average %.2f%n",
                n,
                partitions,
                BATCH,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        singleOne.print("single machine, 1 ORT thread");
        singleDefault.print("single machine, ORT default threads");
        local1.print("Spark local[1]");
        local2.print("Spark local[2]");
        System.out.printf(
                Locale.ROOT,
                "Spark overhead, single 1-thread / local[1]: %.2f in samples/s, %.2f in CPU per sample;"
                        + " local[2] / local[1]: %.2f in samples/s%n",
                singleOne.perSecond() / local1.perSecond(),
                local1.cpuMicros() / singleOne.cpuMicros(),
                local2.perSecond() / local1.perSecond());
    }

    /** A measured run: samples per second (wall clock) and the process's CPU microseconds per sample. */
    private record Rate(double perSecond, double cpuMicros) {
        static Rate of(long samples, long startNanos, long startCpuNanos) {
            return new Rate(
                    samples / ((System.nanoTime() - startNanos) / 1e9), (cpuNanos() - startCpuNanos) / 1e3 / samples);
        }

        void print(String what) {
            System.out.printf(
                    Locale.ROOT, "%-36s %8.0f samples/s, %8.1f us CPU per sample%n", what + ":", perSecond, cpuMicros);
        }
    }

    /** The CPU time of the whole process (every thread, ONNX Runtime's and Spark's included). */
    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** One single-machine inspection with the accumulators a Spark task uses. */
    private static Rate single(Path model, InMemoryDataset data, int intraOpThreads) throws IOException {
        OnnxModel onnx = OnnxModel.load(model);
        List<TensorSelector> selectors = new ArrayList<>();
        LAYERS.forEach(l -> selectors.add(TensorSelector.name(l)));
        selectors.add(TensorSelector.name("logits"));
        byte[] bytes = onnx.instrument(selectors).model().toBytes();
        SessionConfig config = intraOpThreads == 0 ? SessionConfig.defaults() : SparkModel.defaultSessionConfig();
        try (InferenceSession session = InferenceSession.open(bytes, config)) {
            StatsOptions stats = StatsOptions.builder(10, ClassBasis.LABEL).build();
            InteractionOptions io =
                    InteractionOptions.builder(10, ClassBasis.LABEL).build();
            Map<String, LayerStatisticsAccumulator> acc = new LinkedHashMap<>();
            List<InteractionAccumulator> interactions = List.of(
                    new InteractionAccumulator(onnx.denseLayer("fc2"), io),
                    new InteractionAccumulator(onnx.denseLayer("logits"), io));
            InspectionHook hook = (BatchView view) -> {
                for (String l : LAYERS) {
                    LayerActivations a = view.layer(l);
                    acc.computeIfAbsent(l, name -> new LayerStatisticsAccumulator(stats, name, a.unitShape()))
                            .accept(view.classes(), a);
                }
                interactions.get(0).accept(view.classes(), view.layer("h1"));
                interactions.get(1).accept(view.classes(), view.layer("h2"));
            };
            long start = System.nanoTime();
            long cpu = cpuNanos();
            Inspection.builder(session, data)
                    .logitsOutput("logits")
                    .layers(LAYERS)
                    .batchSize(BATCH)
                    .build()
                    .run(hook);
            acc.values().forEach(LayerStatisticsAccumulator::result);
            return Rate.of(data.size(), start, cpu);
        }
    }

    /** One SparkInspection of the cached rows in a new session of {@code master}. */
    private static Rate spark(String master, Path model, InMemoryDataset data, InMemoryDataset warm, int partitions)
            throws IOException {
        SparkModel.closeCachedSessions();
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("inspect-spark-benchmark")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            SparkInspection inspection = SparkInspection.builder(
                            model,
                            RowInputs.builder().input("pixels").labels("label").build())
                    .layers(LAYERS)
                    .batchSize(BATCH)
                    .build();
            inspection.run(rows(spark, warm, partitions));
            Dataset<Row> rows = rows(spark, data, partitions).cache();
            rows.count();
            inspection.run(rows); // a second warm-up on the cached rows themselves: Spark's own code paths JIT-compiled
            long start = System.nanoTime();
            long cpu = cpuNanos();
            inspection.run(rows);
            Rate rate = Rate.of(data.size(), start, cpu);
            rows.unpersist();
            return rate;
        } finally {
            spark.stop();
        }
    }

    private static Dataset<Row> rows(SparkSession spark, InMemoryDataset data, int partitions) {
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            rows.add(RowFactory.create(data.sample(i), data.label(i)));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, partitions), schema);
    }

    private static Path mlp(Path file) throws IOException {
        Random random = new Random(7);
        GraphBuilder g = GraphBuilder.create("bench-mlp");
        String x = g.input("x", TensorShape.batched("N", 784));
        g.addInitializer("W1", gaussian(random, 784 * 256, 0.05f), 784, 256);
        g.addInitializer("b1", gaussian(random, 256, 0.1f), 256);
        g.addInitializer("W2", gaussian(random, 256 * 128, 0.08f), 256, 128);
        g.addInitializer("b2", gaussian(random, 128, 0.1f), 128);
        g.addInitializer("W3", gaussian(random, 128 * 10, 0.1f), 128, 10);
        g.addInitializer("b3", new float[10], 10);
        String h1 = g.relu("h1", g.gemm("fc1", x, "W1", "b1", false));
        String h2 = g.relu("h2", g.gemm("fc2", h1, "W2", "b2", false));
        g.output(g.gemm("logits", h2, "W3", "b3", false));
        g.build().save(file);
        return file;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) random.nextGaussian() * scale;
        }
        return w;
    }
}
