package dev.onnxinspect.samples.service;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tiny classifier and a guard fitted on synthetic data, so that service tests run in seconds.
 *
 * <p>Model: x [N, 4] -> Gemm(W1) -> Relu -> "h" (8 units: h = (relu(x), relu(-x))) -> Gemm(W2) -> "logits" with
 * z_c = h_c - h_{c+4} = x_c for c = 0, 1, 2 (relu(a) - relu(-a) = a). Inputs are multiples of 1/64 of modest size,
 * so every float32 operation is exact and every batch size gives the same scores bit for bit.
 */
final class ServiceFixtures {
    static final int INPUT = 4;

    private ServiceFixtures() {}

    static Path model(Path dir) throws IOException {
        GraphBuilder g = GraphBuilder.create("service-test");
        String x = g.input("x", TensorShape.batched("N", INPUT));
        float[] w1 = new float[INPUT * 8]; // [in, out]
        for (int j = 0; j < INPUT; j++) {
            w1[j * 8 + j] = 1;
            w1[j * 8 + j + 4] = -1;
        }
        float[] w2 = new float[8 * 3]; // [in, out]
        for (int c = 0; c < 3; c++) {
            w2[c * 3 + c] = 1;
            w2[(c + 4) * 3 + c] = -1;
        }
        g.addInitializer("W1", w1, INPUT, 8);
        g.addInitializer("b1", new float[8], 8);
        g.addInitializer("W2", w2, 8, 3);
        g.addInitializer("b2", new float[3], 3);
        String h = g.relu("h", g.gemm("fc1", x, "W1", "b1", false));
        g.output(g.gemm("logits", h, "W2", "b2", false));
        Path path = dir.resolve("service-test.onnx");
        g.build().save(path);
        return path;
    }

    /** n labelled samples: class c = i % 3 at 2 e_c plus noise, rounded to multiples of 1/64. */
    static InMemoryDataset data(String name, int n, long seed) {
        Random random = new Random(seed);
        float[] data = new float[n * INPUT];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < INPUT; j++) {
                data[i * INPUT + j] = grid((j == labels[i] ? 2 : 0) + 0.3 * random.nextGaussian());
            }
        }
        return InMemoryDataset.of(name, data, labels, INPUT);
    }

    /** A random input, ID-like or far away, on the 1/64 grid. */
    static float[] input(Random random) {
        float[] x = new float[INPUT];
        double spread = random.nextBoolean() ? 0.5 : 4;
        int c = random.nextInt(3);
        for (int j = 0; j < INPUT; j++) {
            x[j] = grid((j == c ? 2 : 0) + spread * random.nextGaussian());
        }
        return x;
    }

    static float grid(double v) {
        return Math.round(v * 64) / 64f;
    }

    static OodGuard guard(Path model) throws IOException {
        return OodGuard.fit(
                model,
                data("synthetic-fit", 300, 1),
                GuardOptions.builder()
                        .calibration(data("synthetic-calibration", 200, 2).named("synthetic-calibration"))
                        .build());
    }
}
