package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flagged samples of a real (tiny) audit: the ranking is recomputed here from the score columns alone, and each
 * thumbnail is decoded and compared pixel by pixel with the dataset's own sample, so a sample shown under the wrong
 * index, or a thumbnail of another sample, fails.
 */
class SampleGalleriesTest {
    @Test
    void galleriesShowTheRankedSamplesWithTheirOwnPixels(@TempDir Path dir) throws Exception {
        Path model = tinyModel(dir);
        InMemoryDataset id = FashionMnist.test().subset(0, 120).named("id");
        InMemoryDataset ood = MnistDigits.load().subset(0, 90).named("ood");
        AuditResult r = Audit.builder(model)
                .fit(FashionMnist.train().subset(0, 120).named("fit"))
                .id(id)
                .ood(ood)
                .run();
        Map<String, InMemoryDataset> sources = Map.of("id", id, "ood", ood);
        List<SampleGallery> galleries = SampleGalleries.of(r, sources::get, c -> "class " + c);
        assertThat(galleries).hasSize(3);

        MetricsRow best = r.metrics().stream()
                .max(Comparator.comparingDouble(m -> m.evaluation().auroc()))
                .orElseThrow();
        double[] oodScores = r.ood().get(0).scores().column(best.column());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < oodScores.length; i++) {
            order.add(i);
        }
        // highest score first, ties to the lower index
        order.sort((a, b) -> oodScores[a] != oodScores[b] ? Double.compare(oodScores[b], oodScores[a]) : a - b);

        SampleGallery most = galleries.get(0);
        assertThat(most.detector()).isEqualTo(best.column());
        assertThat(most.title()).isEqualTo("most anomalous of OOD ood");
        assertThat(most.samples())
                .extracting(SampleGallery.Sample::index)
                .containsExactlyElementsOf(order.subList(0, SampleGalleries.PER_GALLERY));
        List<Integer> ascending = new ArrayList<>(order);
        // lowest score first, ties to the lower index
        ascending.sort((a, b) -> oodScores[a] != oodScores[b] ? Double.compare(oodScores[a], oodScores[b]) : a - b);
        assertThat(galleries.get(1).samples())
                .extracting(SampleGallery.Sample::index)
                .containsExactlyElementsOf(ascending.subList(0, SampleGalleries.PER_GALLERY));
        for (SampleGallery.Sample s : most.samples()) {
            assertThat(s.score()).isEqualTo(oodScores[s.index()]);
            assertThat(s.image()).isNotNull();
            assertThat(s.label()).isEqualTo(Integer.toString(ood.label(s.index())));
            assertSameImage(s.image(), ood.sample(s.index()));
        }
        for (SampleGallery.Sample s : galleries.get(2).samples()) {
            assertThat(s.label()).isEqualTo("class " + id.label(s.index()));
            assertSameImage(s.image(), id.sample(s.index()));
        }
    }

    /** The thumbnail's grey level at (x, y) is the pixel scaled from the sample's [min, max] to [0, 255]. */
    private static void assertSameImage(String dataUri, float[] pixels) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()))));
        assertThat(image.getWidth()).isEqualTo(28);
        assertThat(image.getHeight()).isEqualTo(28);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int expected = (int) Math.round((pixels[y * 28 + x] - min) / (double) (max - min) * 255);
                int grey = image.getRGB(x, y) & 0xff;
                assertThat(grey).as("pixel (%d, %d)", x, y).isEqualTo(expected);
            }
        }
    }

    /**
     * The samples' tiny test model (their CliTestModels.tiny with 784 inputs): input [N, 784] -> Gemm (6) -> Relu
     * "hidden/relu" -> Gemm "logits" [N, 10], fixed sine and cosine weights.
     */
    private static Path tinyModel(Path dir) throws Exception {
        GraphBuilder g = GraphBuilder.create("tiny");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(784)));
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
        Path file = dir.resolve("tiny-784.onnx");
        g.build().save(file);
        return file;
    }
}
