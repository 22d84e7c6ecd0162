package dev.onnxinspect.audit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.ToIntFunction;

/**
 * Tiny classifiers whose heads are not a plain final Gemm, with numbers that can be checked on paper. Every weight,
 * input and bias is a small dyadic fraction, so ONNX Runtime's float32 results are exact.
 */
public final class HeadModels {
    private HeadModels() {}

    /**
     * x [N, 2] -> MatMul W1 [2, 8] + Add b1 -> "fc1" -> Relu "h" (8 units) -> MatMul W2 [8, 2] + Add b2 -> "logits" ->
     * Softmax -> "probs", the only output. Units 0..3 are (x0, x1, -x0, -x1) with bias 0, units 4..7 the same minus 4
     * (so for |x| < 4 they are negative before the Relu and 0 after it). W2 reads z0 = h0 - h2 = x0 and z1 = h1 - h3
     * = x1; b2 = (0.25, -0.25): z = (x0 + 0.25, x1 - 0.25). sum_j |h_j| = |x0| + |x1|, while the pre-activation "fc1"
     * has sum |fc1_j| = |x0| + |x1| + 16 for |x| < 4.
     */
    public static Path matMulAdd(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("matmul-add-head");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("W1", w1(), 2, 8);
        g.addInitializer("b1", new float[] {0, 0, 0, 0, -4, -4, -4, -4}, 8);
        g.addInitializer("W2", w2(1), 8, 2);
        g.addInitializer("b2", new float[] {0.25f, -0.25f}, 2);
        String h = g.relu("h", g.add("fc1", g.matMul("fc1/mm", x, "W1"), "b1"));
        String logits = g.add("logits", g.matMul("logits/mm", h, "W2"), "b2");
        g.output(g.softmax("probs", logits, 1));
        g.build().save(file);
        return file;
    }

    /**
     * The model of {@link #matMulAdd} with both layers as {@code Gemm} with {@code transB = 0}; the head has alpha = 2,
     * beta = 0.5, B = W2 / 2 and C = 2 b2, so alpha B = W2 and beta C = b2: the same logits, bit for bit.
     */
    public static Path gemmAlphaBeta(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("gemm-alpha-beta-head");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("W1", w1(), 2, 8);
        g.addInitializer("b1", new float[] {0, 0, 0, 0, -4, -4, -4, -4}, 8);
        g.addInitializer("B", w2(0.5f), 8, 2);
        g.addInitializer("C", new float[] {0.5f, -0.5f}, 2);
        String h = g.relu("h", g.gemm("fc1", x, "W1", "b1", false));
        g.output(g.gemm("logits", h, "B", "C", false));
        ModelProto proto = g.build().proto();
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (node.getName().equals("logits")) {
                graph.setNode(
                        i,
                        node.toBuilder()
                                .addAttribute(floatAttribute("alpha", 2f))
                                .addAttribute(floatAttribute("beta", 0.5f)));
            }
        }
        OnnxModel.fromProto(proto.toBuilder().setGraph(graph).build()).save(file);
        return file;
    }

    private static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    /** [2, 8] (in x out): unit j reads +x0, +x1, -x0, -x1 for j mod 4 = 0, 1, 2, 3. */
    private static float[] w1() {
        float[] w = new float[16];
        for (int j = 0; j < 8; j++) {
            int r = j % 4;
            w[(r % 2) * 8 + j] = r < 2 ? 1 : -1;
        }
        return w;
    }

    /** [8, 2] (in x out), times {@code scale}: z0 = h0 - h2, z1 = h1 - h3. */
    private static float[] w2(float scale) {
        float[] w = new float[16];
        w[0 * 2] = scale;
        w[2 * 2] = -scale;
        w[1 * 2 + 1] = scale;
        w[3 * 2 + 1] = -scale;
        return w;
    }

    /** The logits z of {@link #matMulAdd}: (x0 + 0.25, x1 - 0.25). */
    public static double[] matMulAddLogits(float x0, float x1) {
        return new double[] {x0 + 0.25, x1 - 0.25};
    }

    /**
     * x [N, 8, 2, 2] -> Relu "r" -> GlobalAveragePool "pooled" [N, 8, 1, 1] -> Conv 1x1 "head" (kernel [2, 8, 1, 1]:
     * row 0 = (1, -1, 0, ...), row 1 = (0.5, 1, 0, ...); bias (0.25, -0.25)) -> {@code reshape} ("flatten",
     * "reshape" to [0, -1], or "squeeze" of axes 2, 3) -> "logits" [N, 2], the only output. With p the channel means
     * of relu(x): z = (p0 - p1 + 0.25, 0.5 p0 + p1 - 0.25).
     */
    public static Path convHead(Path file, String reshape) throws IOException {
        GraphBuilder g = GraphBuilder.create("conv-head");
        String x = g.input("x", TensorShape.batched("N", 8, 2, 2));
        float[] kernel = new float[16];
        kernel[0] = 1;
        kernel[1] = -1;
        kernel[8] = 0.5f;
        kernel[9] = 1;
        g.addInitializer("head/W", kernel, 2, 8, 1, 1);
        g.addInitializer("head/b", new float[] {0.25f, -0.25f}, 2);
        String pooled = g.globalAveragePool("pooled", g.relu("r", x));
        String conv = g.conv(
                "head", pooled, "head/W", "head/b", ConvOptions.builder(1, 1).build());
        String logits = switch (reshape) {
            case "flatten" -> g.flatten("logits", conv, 1);
            case "reshape" -> g.reshape("logits", conv, 0, -1);
            default -> g.squeeze("logits", conv, 2, 3);
        };
        g.output(logits);
        g.build().save(file);
        return file;
    }

    /**
     * x [N, 2, 4] -> Relu "r" -> Flatten "flat" [N, 8] -> Gemm "logits" (W [2, 8], transB = 1: z0 = flat0 - flat1,
     * z1 = flat4 + 0.5 flat7; b = (0.5, 0)).
     */
    public static Path flattenHead(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("flatten-head");
        String x = g.input("x", TensorShape.batched("N", 2, 4));
        float[] w = new float[16];
        w[0] = 1;
        w[1] = -1;
        w[8 + 4] = 1;
        w[8 + 7] = 0.5f;
        g.addInitializer("W", w, 2, 8);
        g.addInitializer("b", new float[] {0.5f, 0}, 2);
        String flat = g.flatten("flat", g.relu("r", x), 1);
        g.output(g.gemm("logits", flat, "W", "b", true));
        g.build().save(file);
        return file;
    }

    /**
     * A binary classifier with one logit, as PyTorch exports one: x [N, 2] -> Gemm "fc1" (8 units, unit j = x_{j mod
     * 2}) -> Relu "h" -> Gemm "z" [N, 1] (w = (1, -1, 0, ...), b = 0) -> Squeeze axis 1 -> "z1" [N] -> Sigmoid ->
     * "prob", the only output. For x >= 0: h = (x0, x1, x0, x1, ...) and z = x0 - x1.
     */
    public static Path binary(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("binary");
        String x = g.input("x", TensorShape.batched("N", 2));
        float[] w1 = new float[16];
        for (int j = 0; j < 8; j++) {
            w1[j * 2 + j % 2] = 1; // [out, in] with transB
        }
        g.addInitializer("fc1/W", w1, 8, 2);
        g.addInitializer("fc1/b", new float[8], 8);
        float[] w = new float[8];
        w[0] = 1;
        w[1] = -1;
        g.addInitializer("z/W", w, 1, 8);
        g.addInitializer("z/b", new float[] {0}, 1);
        String h = g.relu("h", g.gemm("fc1", x, "fc1/W", "fc1/b", true));
        String z1 = g.squeeze("z1", g.gemm("z", h, "z/W", "z/b", true), 1);
        g.output(g.sigmoid("prob", z1));
        g.build().save(file);
        return file;
    }

    /**
     * No dense layer: x [N, 3] -> Relu "r" -> Mul 2 -> "logits" [N, 3]: z = 2 relu(x). With {@code exposeRelu} "r" is
     * a second graph output.
     */
    public static Path noHead(Path file, boolean exposeRelu) throws IOException {
        GraphBuilder g = GraphBuilder.create("no-head");
        String x = g.input("x", TensorShape.batched("N", 3));
        g.addInitializer("two", new float[] {2}, 1);
        String r = g.relu("r", x);
        g.output(g.mul("logits", r, "two"), TensorShape.batched("N", 3));
        if (exposeRelu) {
            g.output(r, TensorShape.batched("N", 3));
        }
        g.build().save(file);
        return file;
    }

    /**
     * n samples of two values on a grid with step 1/8, from {@code low} (a seeded walk over the grid cells, so that
     * no two samples coincide while n <= cells^2); labelled by {@code label} when it is given.
     */
    public static InMemoryDataset grid2(String name, int n, float low, int cells, ToIntFunction<float[]> label) {
        float[] data = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int cell = (int) ((i * 37L) % ((long) cells * cells));
            data[2 * i] = low + (cell % cells) / 8f;
            data[2 * i + 1] = low + Math.floorDiv(cell, cells) / 8f; // the row index of the cell, then / 8
            labels[i] = label == null ? 0 : label.applyAsInt(new float[] {data[2 * i], data[2 * i + 1]});
        }
        return InMemoryDataset.of(name, data, label == null ? null : labels, 2);
    }

    /** The given samples of two values, with labels (or none). */
    public static InMemoryDataset samples2(String name, float[][] xs, int[] labels) {
        float[] data = new float[2 * xs.length];
        for (int i = 0; i < xs.length; i++) {
            data[2 * i] = xs[i][0];
            data[2 * i + 1] = xs[i][1];
        }
        return InMemoryDataset.of(name, data, labels, 2);
    }
}
