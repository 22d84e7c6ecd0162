package dev.onnxinspect.samples.cli;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.nio.file.Path;

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
}
