package dev.onnxinspect.samples.cli;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.nio.file.Path;
import java.util.Map;

/** Tiny models for the command-line and README tests. */
public final class CliTestModels {
    private CliTestModels() {}

    /**
     * input [N, inputs] -> Gemm (6 units) -> Relu "hidden/relu" -> Gemm -> "logits" [N, 10]; only the logits are a
     * graph output. Weights are small deterministic values; the numbers do not matter here, the plumbing does.
     */
    public static Path tiny(Path dir, int inputs) throws Exception {
        GraphBuilder g = GraphBuilder.create("tiny");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(inputs)));
        float[] w1 = new float[6 * inputs];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) Math.sin(i * 0.37) * 0.05f;
        }
        float[] w2 = new float[10 * 6];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) Math.cos(i * 0.91) * 0.5f;
        }
        String h = g.gemm(
                "hidden/linear",
                x,
                g.addInitializer("w1", w1, 6, inputs),
                g.addInitializer("b1", new float[6], 6),
                true);
        String r = g.relu("hidden/relu", h);
        g.gemm("logits", r, g.addInitializer("w2", w2, 10, 6), g.addInitializer("b2", new float[10], 10), true);
        g.output("logits");
        Path file = dir.resolve("tiny-" + inputs + ".onnx");
        g.build().save(file);
        return file;
    }

    /**
     * {@link #tiny} behind a Flatten, for images: input [N, 1, 28, 28] -> Flatten -> Gemm (6) -> Relu "hidden/relu"
     * -> Gemm "logits" [N, 10].
     */
    public static Path tinyImage(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("tiny-image");
        String x = g.flatten(
                "flat", g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(1), Dim.of(28), Dim.of(28))), 1);
        float[] w1 = new float[6 * 784];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) Math.sin(i * 0.37) * 0.05f;
        }
        float[] w2 = new float[10 * 6];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) Math.cos(i * 0.91) * 0.5f;
        }
        String h = g.gemm(
                "hidden/linear", x, g.addInitializer("w1", w1, 6, 784), g.addInitializer("b1", new float[6], 6), true);
        String r = g.relu("hidden/relu", h);
        g.gemm("logits", r, g.addInitializer("w2", w2, 10, 6), g.addInitializer("b2", new float[10], 10), true);
        g.output("logits");
        Path file = dir.resolve("tiny-image.onnx");
        g.build().save(file);
        return file;
    }

    /**
     * A 3-channel image classifier: pixel_values [N, 3, H, W] (H, W free, or {@code size} x {@code size} when
     * size > 0) -> 1x1 Conv "conv1" with W = identity, b = -0.5 -> Relu "conv1/relu" -> GlobalAveragePool "gap" ->
     * 1x1 Conv "head" (z0 = g_R - g_B, z1 = g_B - g_R, no bias) -> Flatten "logits" [N, 2]. With the default
     * preprocessing (x = v / 255), conv1/relu is relu(x_c - 0.5): unit (c, y, x) is active (S1) iff the pixel's
     * channel value v > 127.5.
     */
    public static Path image(Path dir, int size) throws Exception {
        GraphBuilder g = GraphBuilder.create("rgb");
        Dim h = size > 0 ? Dim.of(size) : Dim.symbolic("height");
        Dim w = size > 0 ? Dim.of(size) : Dim.symbolic("width");
        String x = g.input("pixel_values", TensorShape.of(Dim.symbolic("N"), Dim.of(3), h, w));
        float[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        g.addInitializer("conv1/W", identity, 3, 3, 1, 1);
        g.addInitializer("conv1/b", new float[] {-0.5f, -0.5f, -0.5f}, 3);
        ConvOptions one = ConvOptions.builder(1, 1).build();
        String r = g.relu("conv1/relu", g.conv("conv1", x, "conv1/W", "conv1/b", one));
        String gap = g.globalAveragePool("gap", r);
        g.addInitializer("head/W", new float[] {1, 0, -1, -1, 0, 1}, 2, 3, 1, 1);
        g.addInitializer("head/b", new float[2], 2);
        g.output(g.flatten("logits", g.conv("head", gap, "head/W", "head/b", one), 1));
        Path file = dir.resolve("rgb-" + (size > 0 ? size : "free") + ".onnx");
        g.build().save(file);
        return file;
    }

    /**
     * A binary classifier with one logit: x [N, 2] -> Gemm (W = I, b = 0) "hidden" -> Relu "hidden/relu" -> Gemm
     * (w = (1, -1), b = 0) "logit" [N, 1] -> Sigmoid "prob" (the only output). So z = relu(x0) - relu(x1), and as
     * K = 2 (SPEC §5) the logits are (0, z).
     */
    public static Path binary(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("binary");
        String x = g.input("x", TensorShape.of(Dim.symbolic("N"), Dim.of(2)));
        String h = g.relu(
                "hidden/relu",
                g.gemm(
                        "hidden",
                        x,
                        g.addInitializer("W1", new float[] {1, 0, 0, 1}, 2, 2),
                        g.addInitializer("b1", new float[2], 2),
                        true));
        String z = g.gemm(
                "logit",
                h,
                g.addInitializer("w2", new float[] {1, -1}, 1, 2),
                g.addInitializer("b2", new float[1], 1),
                true);
        g.output(g.sigmoid("prob", z));
        Path file = dir.resolve("binary.onnx");
        g.build().save(file);
        return file;
    }

    /**
     * A head of MatMul + Add: x [N, 3] -> MatMul W1 -> Add b1 (0) -> Relu "hidden" = relu(x0, x1, x2, x0 - x1) ->
     * MatMul W2 -> Add b2 -> "logits" [N, 2] with z0 = h0 + h3 + 1, z1 = h1 + h2 - 1 (W2 rows by hidden unit:
     * (1, 0), (0, 1), (0, 1), (1, 0); b2 = (1, -1)).
     */
    public static Path matMulHead(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("matmul-head");
        String x = g.input("x", TensorShape.of(Dim.symbolic("N"), Dim.of(3)));
        g.addInitializer("W1", new float[] {1, 0, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0}, 3, 4);
        g.addInitializer("b1", new float[4], 4);
        String h = g.relu("hidden", g.add("hidden/pre", g.matMul("hidden/mm", x, "W1"), "b1"));
        g.addInitializer("W2", new float[] {1, 0, 0, 1, 0, 1, 1, 0}, 4, 2);
        g.addInitializer("b2", new float[] {1, -1}, 2);
        g.output(g.add("logits", g.matMul("logits/mm", h, "W2"), "b2"));
        Path file = dir.resolve("matmul-head.onnx");
        g.build().save(file);
        return file;
    }

    /**
     * Two int64 inputs with a free length: input_ids [N, T], attention_mask [N, T] -> s = sum_t ids_t * mask_t and
     * len = sum_t mask_t (as float) -> h = relu(s, len, s, len, ...) "hidden" (8 units) -> Gemm "logits" [N, 2] =
     * (h0, h1) = (s, len), exact in float32 for small integers: MaxLogit = -max(s, len), class 0 iff s >= len.
     */
    public static Path tokens(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("tokens");
        TensorShape shape = TensorShape.of(Dim.symbolic("batch"), Dim.symbolic("sequence"));
        String ids = g.cast("ids_f", g.input("input_ids", ElementType.INT64, shape), ElementType.FLOAT);
        String mask = g.cast("mask_f", g.input("attention_mask", ElementType.INT64, shape), ElementType.FLOAT);
        String s = g.reduceSum("s", g.mul("masked", ids, mask), true, 1);
        String len = g.reduceSum("len", mask, true, 1);
        float[] a = new float[8];
        float[] b = new float[8];
        for (int j = 0; j < 8; j++) {
            a[j] = j % 2 == 0 ? 1 : 0; // even units copy s
            b[j] = j % 2 == 1 ? 1 : 0; // odd units copy len
        }
        String h = g.relu(
                "hidden",
                g.add(
                        "pre",
                        g.matMul("from_s", s, g.addInitializer("A", a, 1, 8)),
                        g.matMul("from_len", len, g.addInitializer("B", b, 1, 8))));
        float[] w = new float[8 * 2];
        w[0] = 1; // z0 = h0 = s
        w[3] = 1; // z1 = h1 = len
        g.output(g.gemm("logits", h, g.addInitializer("W", w, 8, 2), g.addInitializer("bias", new float[2], 2), false));
        Path file = dir.resolve("tokens.onnx");
        g.build().save(file);
        return file;
    }

    /**
     * Data for {@link #tokens} as an .npz of ids [n, 4], mask [n, 4] (int64) and labels y: sample i has length
     * 1 + i % 4 and ids (i % 3) + t % 2, labelled as the model predicts it (0 iff s >= len: i % 3 = 1, 2; for
     * i % 3 = 0 the ids alternate 0, 1 and s < len).
     */
    public static Path tokensData(Path file, int n) throws Exception {
        long[] ids = new long[n * 4];
        long[] mask = new long[n * 4];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            long s = 0;
            int length = 1 + i % 4;
            for (int t = 0; t < length; t++) {
                ids[i * 4 + t] = (i % 3) + (long) (t % 2);
                mask[i * 4 + t] = 1;
                s += ids[i * 4 + t];
            }
            y[i] = s >= length ? 0 : 1;
        }
        return TestFiles.npz(
                file,
                Map.of("ids", TestFiles.npy(ids, n, 4), "mask", TestFiles.npy(mask, n, 4), "y", TestFiles.npy(y, n)));
    }

    /**
     * A classifier that gives NaN or infinite activations for chosen inputs (issue 13), as inspect-core's
     * NonFiniteModels: x [N, 3] -> "g" = x / x2 -> Relu(g W1 + b1) "h" (8 units: +x0, +x1, -x0, -x1, then the same
     * minus 1) -> "logits" = (h0 - h2 + 0.25, h1 - h3 - 0.25), and a side output "side" = x1 / x1. A clean sample
     * (x2 = 1, x1 != 0) has z = (x0 + 0.25, x1 - 0.25); x2 = 0 makes g, h and the logits non-finite; x1 = 0 makes only
     * "side" NaN.
     */
    public static Path nonFinite(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("non-finite");
        String x = g.input("x", TensorShape.of(Dim.symbolic("N"), Dim.of(3)));
        g.addInitializer("Ws", new float[] {0, 0, 1}, 3, 1);
        g.addInitializer("Wt", new float[] {0, 1, 0}, 3, 1);
        float[] w1 = new float[24];
        for (int j = 0; j < 8; j++) {
            int r = j % 4;
            w1[(r % 2) * 8 + j] = r < 2 ? 1 : -1;
        }
        g.addInitializer("W1", w1, 3, 8);
        g.addInitializer("b1", new float[] {0, 0, 0, 0, -1, -1, -1, -1}, 8);
        float[] w2 = new float[16];
        w2[0] = 1;
        w2[2 * 2] = -1;
        w2[1 * 2 + 1] = 1;
        w2[3 * 2 + 1] = -1;
        g.addInitializer("W2", w2, 8, 2);
        g.addInitializer("b2", new float[] {0.25f, -0.25f}, 2);
        String gx = g.div("g", x, g.matMul("s", x, "Ws"));
        String h = g.relu("h", g.add("fc1", g.matMul("fc1/mm", gx, "W1"), "b1"));
        String t = g.matMul("t", x, "Wt");
        g.output(g.add("logits", g.matMul("logits/mm", h, "W2"), "b2"));
        g.output(h);
        g.output(g.div("side", t, t));
        Path file = dir.resolve("non-finite.onnx");
        g.build().save(file);
        return file;
    }
}
