package dev.onnxinspect.guard;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Tiny classifiers with numbers that can be checked on paper, and matching data.
 *
 * <p>{@link #identity}: x [N, 2] -> Gemm(W1, 0) -> "fc1" -> Relu -> "h" (8 units) -> Gemm(W2, 0) -> "logits". W1
 * copies x four times (h = relu(x0, x1, x0, x1, ...)); W2 reads the first two units scaled (z = scale * (h0, h1)).
 * For x >= 0: h = (x0, x1, x0, x1, ...) and z = scale * x exactly in float32 (products by 1 or a power of two,
 * sums with 0). Eight units because ASH (p = 0.9) keeps n - round(0.9 n) >= 1 entries only from n = 6 on.
 */
final class GuardModels {
    private GuardModels() {}

    static Path identity(Path dir, String file, float scale) throws IOException {
        return identity(dir, file, scale, false);
    }

    /** As {@link #identity(Path, String, float)}; with {@code softmax} the graph output is "probs" = softmax(z). */
    static Path identity(Path dir, String file, float scale, boolean softmax) throws IOException {
        GraphBuilder g = GraphBuilder.create("identity-mlp");
        String x = g.input("x", TensorShape.batched("N", 2));
        float[] w1 = new float[2 * 8];
        for (int j = 0; j < 8; j++) {
            w1[(j % 2) * 8 + j] = 1; // W1 is [in, out]: unit j reads x_{j mod 2}
        }
        float[] w2 = new float[8 * 2];
        w2[0] = scale; // z0 = scale * h0
        w2[3] = scale; // z1 = scale * h1
        g.addInitializer("fc1/W", w1, 2, 8);
        g.addInitializer("fc1/b", new float[8], 8);
        g.addInitializer("fc2/W", w2, 8, 2);
        g.addInitializer("fc2/b", new float[] {0, 0}, 2);
        String h = g.relu("h", g.gemm("fc1", x, "fc1/W", "fc1/b", false));
        String logits = g.gemm("logits", h, "fc2/W", "fc2/b", false);
        g.output(softmax ? g.softmax("probs", logits, 1) : logits);
        Path path = dir.resolve(file);
        g.build().save(path);
        return path;
    }

    /** x [N, 2] -> Gemm -> "logits": the dense layer reads the input, there are no hidden features. */
    static Path noHiddenLayer(Path dir) throws IOException {
        GraphBuilder g = GraphBuilder.create("linear");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("W", new float[] {1, 0, 0, 1}, 2, 2);
        g.addInitializer("b", new float[] {0, 0}, 2);
        g.output(g.gemm("logits", x, "W", "b", false));
        Path path = dir.resolve("linear.onnx");
        g.build().save(path);
        return path;
    }

    /**
     * 2 * 10 * 10 = 200 labelled positive points: class 0 at (2 + a, 1 + b), class 1 at (1 + a, 2 + b) for a, b on
     * the grid {0, 0.1, ..., 0.9} (jittered by 0.01 * b so no two features are collinear by accident). Every point
     * is classified correctly by the identity model (the larger coordinate is its class).
     */
    static InMemoryDataset fitSet() {
        int n = 200;
        float[] data = new float[2 * n];
        int[] labels = new int[n];
        int i = 0;
        for (int c = 0; c < 2; c++) {
            for (int a = 0; a < 10; a++) {
                for (int b = 0; b < 10; b++) {
                    float u = 0.1f * a + 0.013f * b;
                    float v = 0.1f * b + 0.007f * a;
                    data[2 * i] = (c == 0 ? 2 : 1) + u;
                    data[2 * i + 1] = (c == 0 ? 1 : 2) + v;
                    labels[i++] = c;
                }
            }
        }
        return InMemoryDataset.of("grid-fit", data, labels, 2);
    }

    /** 20 unlabelled points x_i = (i, 0), i = 1..20. */
    static InMemoryDataset rampCalibration() {
        float[] data = new float[40];
        for (int i = 1; i <= 20; i++) {
            data[2 * (i - 1)] = i;
        }
        return InMemoryDataset.of("ramp-calibration", data, null, 2);
    }
}
