package dev.onnxinspect.audit;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny classifier that gives NaN or infinite activations for chosen inputs, and data sets with such samples mixed
 * in, for the non-finite policy (issue 13). Every weight and clean input is a small dyadic fraction, so ONNX Runtime's
 * float32 results are exact whatever the batch.
 *
 * <p>x [N, 3] -> s = x W_s (W_s [3, 1] = (0, 0, 1): s = x2) -> "g" = x / s -> fc1 = g W1 + b1 (W1 [3, 8]: unit j reads
 * +x0, +x1, -x0, -x1 for j mod 4 = 0..3, row 2 zero; b1 = (0, 0, 0, 0, -1, -1, -1, -1)) -> Relu "h" -> "logits" =
 * h W2 + b2 (z0 = h0 - h2, z1 = h1 - h3, b2 = (0.25, -0.25)). A side output "side" = t / t with t = x W_t = x1.
 * Outputs: logits, h, side. For a clean sample (x2 = 1, x1 != 0): g = (x0, x1, 1), z = (x0 + 0.25, x1 - 0.25), side
 * = 1. With x2 = 0, g = x / 0 holds infinities and 0 / 0 = NaN, so g, h and the logits are non-finite (NaN * 0 in
 * fc1); with x1 = 0 only "side" is NaN (0 / 0) and the logits stay finite.
 */
public final class NonFiniteModels {
    private NonFiniteModels() {}

    public static Path model(Path file) throws IOException {
        GraphBuilder g = GraphBuilder.create("non-finite");
        String x = g.input("x", TensorShape.batched("N", 3));
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
        String logits = g.add("logits", g.matMul("logits/mm", h, "W2"), "b2");
        String t = g.matMul("t", x, "Wt");
        g.output(logits);
        g.output(h);
        g.output(g.div("side", t, t));
        g.build().save(file);
        return file;
    }

    /** The class of a clean sample: argmax of (x0 + 0.25, x1 - 0.25), ties to class 0. */
    public static int label(float x0, float x1) {
        return x1 - 0.25 > x0 + 0.25 ? 1 : 0;
    }

    /**
     * n clean samples on a grid of dyadic points (x0, x1 in multiples of 0.25 within [-2, 2], x1 never 0), x2 = 1;
     * every {@code poisonEvery}-th position (1-based: positions poisonEvery, 2 poisonEvery, ...) is preceded by a
     * poisoned copy when {@code poisoned}: alternately with x2 = 0 (all outputs non-finite) and with x1 = 0 (only
     * "side" NaN). The clean set is the poisoned one with the poisoned samples removed.
     *
     * @param offset shifts the grid, so that sets differ
     */
    public static InMemoryDataset set(
            String name, int n, int offset, int poisonEvery, boolean poisoned, boolean labelled) {
        List<float[]> rows = new ArrayList<>();
        int poisons = 0;
        for (int i = 0; i < n; i++) {
            int a = (i * 7 + offset) % 17;
            int b = (i * 5 + 3 * offset) % 16;
            float x0 = (a - 8) * 0.25f;
            float x1 = (b < 8 ? b - 8 : b - 7) * 0.25f; // -2 .. -0.25, 0.25 .. 2: never 0
            if (poisoned && poisonEvery > 0 && (i + 1) % poisonEvery == 0) {
                rows.add(poisons % 2 == 0 ? new float[] {x0, x1, 0} : new float[] {x0, 0, 1});
                poisons++;
            }
            rows.add(new float[] {x0, x1, 1});
        }
        float[] values = new float[rows.size() * 3];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * 3, 3);
            // a poisoned sample's label is that of its clean point (any label in [0, K) would do)
            labels[i] = label(rows.get(i)[0], rows.get(i)[1]);
        }
        return InMemoryDataset.of(name, values, labelled ? labels : null, 3);
    }

    /** How many poisoned samples {@link #set} adds. */
    public static int poisons(int n, int poisonEvery) {
        return n / poisonEvery;
    }
}
