package dev.onnxinspect.spark;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
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

/** Models built in code and data as Spark rows, for the tests. */
final class TestData {
    static final StructType SCHEMA = new StructType()
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.IntegerType, false);

    private TestData() {}

    /**
     * x [N, 2] -> Gemm W1 [2, 4], b1 = 0 -> "fc1" = (x0, x1, -x0, -x1) -> Relu "h" -> Gemm W2 [4, 2] -> "logits" =
     * (h0 - h2, h1 - h3) = (x0, x1). Every value is an exact small integer, so the counts can be derived on paper.
     */
    static Path tiny(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("tiny");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("W1", new float[] {1, 0, -1, 0, 0, 1, 0, -1}, 2, 4);
        g.addInitializer("b1", new float[4], 4);
        g.addInitializer("W2", new float[] {1, 0, 0, 1, -1, 0, 0, -1}, 4, 2);
        g.addInitializer("b2", new float[2], 2);
        String h = g.relu("h", g.gemm("fc1", x, "W1", "b1", false));
        g.output(g.gemm("logits", h, "W2", "b2", false));
        g.build().save(file);
        return file;
    }

    /**
     * A Fashion-MNIST MLP with fixed pseudo-random weights: x [N, 784] -> Gemm -> "fc1" (16) -> Relu "h" -> Gemm ->
     * "logits" (10). Untrained: the statistics need activations, not accuracy.
     */
    static Path mlp(Path file) throws IOException {
        Random random = new Random(16);
        GraphBuilder g = GraphBuilder.create("mlp");
        String x = g.input("x", TensorShape.batched("N", 784));
        g.addInitializer("W1", gaussian(random, 784 * 16, 0.05f), 784, 16);
        g.addInitializer("b1", gaussian(random, 16, 0.1f), 16);
        g.addInitializer("W2", gaussian(random, 16 * 10, 0.3f), 16, 10);
        g.addInitializer("b2", new float[10], 10);
        String h = g.relu("h", g.gemm("fc1", x, "W1", "b1", false));
        g.output(g.gemm("logits", h, "W2", "b2", false));
        g.build().save(file);
        return file;
    }

    /**
     * A small Fashion-MNIST CNN with fixed pseudo-random weights: x [N, 1, 28, 28] -> Conv 4 x 3 x 3 -> Relu "r"
     * [4, 26, 26] -> GlobalAveragePool -> Flatten -> Gemm -> "logits" (10). Its map "r" has 2,704 units, so a small
     * memory budget makes the audit's memory rule view it by channel means.
     */
    static Path cnn(Path file) throws IOException {
        Random random = new Random(8);
        GraphBuilder g = GraphBuilder.create("cnn");
        String x = g.input("x", TensorShape.batched("N", 1, 28, 28));
        g.addInitializer("Wc", gaussian(random, 4 * 9, 0.3f), 4, 1, 3, 3);
        g.addInitializer("bc", gaussian(random, 4, 0.1f), 4);
        String r = g.relu(
                "r", g.conv("conv", x, "Wc", "bc", ConvOptions.builder(3, 3).build()));
        String pooled = g.flatten("pooled", g.globalAveragePool("gap", r), 1);
        g.addInitializer("W2", gaussian(random, 4 * 10, 0.5f), 4, 10);
        g.addInitializer("b2", new float[10], 10);
        g.output(g.gemm("logits", pooled, "W2", "b2", false));
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

    /** The first n Fashion-MNIST test images, named {@code fashion}. */
    static InMemoryDataset fashion(int n) {
        return FashionMnist.test().subset(0, n).named("fashion");
    }

    /** A dataset's samples as rows (pixels: array<float>, label: int), in Spark's default partitions. */
    static Dataset<Row> rows(SparkSession spark, InMemoryDataset data) {
        return spark.createDataFrame(list(data), SCHEMA);
    }

    /**
     * The rows in {@code partitions} slices of consecutive rows (Spark's parallelize: slice i holds rows
     * [i n / p, (i + 1) n / p)), so that more partitions than rows gives empty and single-row partitions.
     */
    static Dataset<Row> rows(SparkSession spark, InMemoryDataset data, int partitions) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(list(data), partitions), SCHEMA);
    }

    private static List<Row> list(InMemoryDataset data) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            rows.add(RowFactory.create(data.sample(i), data.label(i)));
        }
        return rows;
    }
}
