package dev.onnxinspect.spark;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A tiny three-class MLP and seeded data for the distributed audit's tests. Every weight is a multiple of 1/4 and
 * every input a multiple of 1/8 (small integers over powers of two), so ONNX Runtime's float32 activations are exact
 * whatever the batch or summation order: the single-machine audit and every Spark partitioning see bit-identical
 * activations, and any difference in a score comes from the distributed fit alone.
 */
final class AuditFixtures {
    static final int DIM = 4;
    static final int HIDDEN = 16;
    static final int CLASSES = 3;
    static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.LongType, false)
            .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.IntegerType, false);

    private AuditFixtures() {}

    /** x [N, 4] -> Gemm -> Relu "h" [N, 16] -> Gemm -> "logits" [N, 3]; outputs h and logits. */
    static Path model(Path file) throws IOException {
        Random r = new Random(7);
        GraphBuilder g = GraphBuilder.create("spark-audit-mlp");
        String x = g.input("x", TensorShape.batched("N", DIM));
        g.addInitializer("W1", quarters(r, DIM * HIDDEN), DIM, HIDDEN);
        g.addInitializer("b1", quarters(r, HIDDEN), HIDDEN);
        g.addInitializer("W2", quarters(r, HIDDEN * CLASSES), HIDDEN, CLASSES);
        g.addInitializer("b2", quarters(r, CLASSES), CLASSES);
        String h = g.relu("h", g.gemm("fc1", x, "W1", "b1", false));
        g.output(h);
        g.output(g.gemm("logits", h, "W2", "b2", false));
        g.build().save(file);
        return file;
    }

    private static float[] quarters(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(9) - 4) / 4f;
        }
        return v;
    }

    /**
     * {@code n} samples: class c = i mod 3 around the centre (2c - 2, 2 - 2c, c, -c) (times {@code scale}, plus
     * {@code shift}), noise uniform in [-2, 2] in steps of 1/8; ids from {@code firstId}.
     */
    static Data data(String name, int n, long seed, float scale, float shift, long firstId) {
        Random r = new Random(seed);
        float[] x = new float[n * DIM];
        int[] labels = new int[n];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES;
            float[] centre = {2 * c - 2, 2 - 2 * c, c, -c};
            Float[] boxed = new Float[DIM];
            for (int j = 0; j < DIM; j++) {
                float v = centre[j] * scale + shift + (r.nextInt(33) - 16) / 8f;
                x[i * DIM + j] = v;
                boxed[j] = v;
            }
            labels[i] = c;
            rows.add(RowFactory.create(firstId + i, boxed, c));
        }
        return new Data(InMemoryDataset.of(name, x, labels, DIM), rows);
    }

    /** The same samples for the single-machine audit and as Spark rows. */
    record Data(InMemoryDataset dataset, List<Row> rows) {}

    /**
     * The rows as a Dataset whose partitions hold exactly {@code sizes[p]} rows each (in order; zeros make empty
     * partitions); the sizes must add up to the row count.
     */
    static Dataset<Row> partitioned(SparkSession spark, List<Row> rows, int... sizes) {
        List<List<Row>> chunks = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            chunks.add(new ArrayList<>(rows.subList(at, at + size)));
            at += size;
        }
        if (at != rows.size()) {
            throw new IllegalArgumentException("partition sizes add up to " + at + ", not " + rows.size());
        }
        // n chunks in n slices: slice p holds chunk p alone
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(chunks, chunks.size()).flatMap(List::iterator), SCHEMA);
    }

    static SparkSession spark(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("inspect-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }
}
