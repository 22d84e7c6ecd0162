package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.samples.cli.CliTest.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §5b: {@code audit --nac-depth} on a model whose features are the ReLU of a convolution is refused in one line. */
class NacDepthEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aConvolutionBehindTheFeaturesIsRefusedWithExitCode3() throws Exception {
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
        Path xs = TestFiles.write(dir.resolve("x.npy"), TestFiles.npy(new float[] {1, 0, 0, 1, 2, 1, 1, 2}, 4, 2));
        Path ys = TestFiles.write(dir.resolve("y.npy"), TestFiles.npy(new long[] {0, 1, 0, 1}, 4));
        String set = "x=" + xs + ",labels=" + ys + ",name=id";
        Outcome o = CliTest.run(
                "audit",
                model.toString(),
                "--fit",
                set,
                "--id",
                set,
                "--ood",
                xs + ",name=ood",
                "--features",
                "r",
                "--nac-depth",
                "1",
                "--out",
                dir.resolve("out").toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isEqualTo(3);
        // one error line (the log lines before it are INFO), no stack trace
        assertThat(o.err().lines().filter(l -> l.startsWith("error:")))
                .singleElement()
                .asString()
                .contains("nac_ue supports dense ReLU layers only: r is the ReLU of the Conv output c");
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(dir.resolve("out/tables/manifest.json")).doesNotExist();
    }
}
