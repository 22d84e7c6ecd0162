package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §5b NAC-UE over several dense ReLU layers in an audit ({@code Audit.Builder#nacDepth}), and its refusals. */
class AuditNacTest {
    @TempDir
    Path dir;

    /**
     * x [N, 2] -> Gemm "fc1" (4 units: x0, x1, -x0, -x1) -> Relu "a" -> Gemm "fc2" (2 units: a0 - a2 + 0.5 a1,
     * a1 - a3) -> Relu "h" -> Gemm "logits" (z0 = h0, z1 = h1 + 0.25).
     */
    private Path mlp() throws IOException {
        GraphBuilder g = GraphBuilder.create("two-hidden");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("W1", new float[] {1, 0, 0, 1, -1, 0, 0, -1}, 4, 2);
        g.addInitializer("b1", new float[4], 4);
        g.addInitializer("W2", new float[] {1, 0.5f, -1, 0, 0, 1, 0, -1}, 2, 4);
        g.addInitializer("b2", new float[2], 2);
        g.addInitializer("W3", new float[] {1, 0, 0, 1}, 2, 2);
        g.addInitializer("b3", new float[] {0, 0.25f}, 2);
        String a = g.relu("a", g.gemm("fc1", x, "W1", "b1", true));
        String h = g.relu("h", g.gemm("fc2", a, "W2", "b2", true));
        g.output(g.gemm("logits", h, "W3", "b3", true));
        Path file = dir.resolve("mlp.onnx");
        g.build().save(file);
        return file;
    }

    private static final float[][] XS = {{1, 0}, {0, 1}, {-0.5f, 0.25f}, {0.75f, -1}, {2, 2}, {-1, -1.5f}};

    private static InMemoryDataset samples(String name) {
        return HeadModels.samples2(name, XS, new int[] {0, 1, 1, 0, 0, 1});
    }

    @Test
    void nacDepthOneReadsTheLayerBehindTheFeaturesAndAveragesBothLayers() throws IOException {
        // fit on the evaluated samples themselves: N = 6, O = ceil(0.3) = 1, and every unit's interval of every
        // sample holds that sample's own state (count >= 1), so each layer scores -(n * 1) / (1 * n) = -1 exactly,
        // and the mean over h and a is -1 for every ID sample.
        AuditResult r = Audit.builder(mlp())
                .fit(samples("fit"))
                .id(samples("id"))
                .nacDepth(1)
                .nodeClassifiers(0, 0)
                .run();
        assertThat(r.parameters())
                .containsEntry("nac_ue", "layers [h, a], M = 50, alpha_nac = 100.0, O = 1 of 6 fit samples");
        assertThat(r.id().scores().column("nac_ue")).containsOnly(-1.0);
        // depth 2 would need x to be a dense ReLU layer: it is the graph input
        assertThatThrownBy(() -> Audit.builder(mlp())
                        .fit(samples("fit"))
                        .id(samples("id"))
                        .nacDepth(2)
                        .run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("x is computed by no node (a graph input)")
                .hasMessageContaining("choose a NAC-UE depth below 2");
        assertThatThrownBy(() ->
                        Audit.builder(mlp()).id(samples("id")).nacDepth(-1).options())
                .hasMessageContaining("must be >= 0");
    }

    @Test
    void aConvolutionBehindTheFeaturesIsRefusedAsUnsupported() throws IOException {
        // x [N, 2] -> Reshape [N, 1, 1, 2] -> Conv 1x1 (2 channels) "c" -> Relu "r" -> Flatten "f" -> Gemm "logits"
        GraphBuilder g = GraphBuilder.create("conv");
        String x = g.input("x", TensorShape.batched("N", 2));
        g.addInitializer("Wc", new float[] {1, -1}, 2, 1, 1, 1);
        g.addInitializer("bc", new float[2], 2);
        g.addInitializer("Wh", new float[] {1, 0, 0, 0, 0, 0, 0, 1}, 2, 4);
        g.addInitializer("bh", new float[2], 2);
        String map = g.reshape("map", x, 0, 1, 1, 2);
        String r = g.relu(
                "r", g.conv("c", map, "Wc", "bc", ConvOptions.builder(1, 1).build()));
        g.output(g.gemm("logits", g.flatten("f", r, 1), "Wh", "bh", true));
        Path model = dir.resolve("conv.onnx");
        g.build().save(model);
        assertThatThrownBy(() -> Audit.builder(model)
                        .fit(samples("fit"))
                        .id(samples("id"))
                        .featureLayer("r")
                        .nacDepth(1)
                        .run())
                .isInstanceOf(OnnxInspectException.class)
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("nac_ue supports dense ReLU layers only: r is the ReLU of the Conv output c")
                .hasMessageNotContaining("\n");
    }
}
