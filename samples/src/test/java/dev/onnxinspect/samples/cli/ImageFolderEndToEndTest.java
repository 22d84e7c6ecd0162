package dev.onnxinspect.samples.cli;

import static dev.onnxinspect.samples.cli.ArrowRows.asDouble;
import static dev.onnxinspect.samples.cli.ArrowRows.asLong;
import static dev.onnxinspect.samples.cli.ArrowRows.where;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.samples.cli.CliTest.Outcome;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.Significance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, "Done when": a 3-channel image classifier ({@link CliTestModels#image}: an identity 1x1 conv with bias
 * -0.5, ReLU, global average pooling and a 1x1 conv head; input [N, 3, H, W] with free H, W) fed from a folder of
 * 4x4 PNG files the test writes, a class per subfolder. With x = v / 255, unit (c, y, x) of conv1/relu is active iff
 * the pixel's channel value v > 127.5, so its S1 counts follow from the pixels:
 * <ul>
 * <li>class 0 (folder {@code 0-red}), images k = 0, 1, 2: R = 255 where x <= k else 0, G = 0, B = 100: the R unit at
 *     column x is active in the images with k >= x: 3 - x of them (x <= 2), 0 at x = 3; G and B never;</li>
 * <li>class 1 ({@code 1-blue}), images k = 0, 1: R = 0, G = 255, B = 255 where y <= k else 0: G active in both
 *     images at every pixel (2), B at row y in 2 - y of them (y <= 1), never below; R never.</li>
 * </ul>
 * The logits z = (g_R - g_B, g_B - g_R) with g_c the mean of relu(x_c - 0.5) over the 16 pixels: a red image k has
 * 4(k + 1) active R pixels of value 0.5, so g_R = (k + 1) / 8, g_B = 0 and MaxLogit = -(k + 1) / 8; a blue image k
 * likewise MaxLogit = -(k + 1) / 8. The OOD images are gray (v = 128 in every channel): g_R = g_B, z = (0, 0),
 * MaxLogit = 0, above every ID score, so MaxLogit's AUROC is 1.
 */
class ImageFolderEndToEndTest {
    @TempDir
    Path dir;

    Path photos;
    Path gray;

    @BeforeEach
    void writeImages() throws Exception {
        photos = dir.resolve("photos");
        for (int k = 0; k < 3; k++) {
            int[][][] rgb = new int[4][4][];
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    rgb[y][x] = new int[] {x <= k ? 255 : 0, 0, 100};
                }
            }
            TestFiles.png(photos.resolve("0-red/red" + k + ".png"), rgb);
        }
        for (int k = 0; k < 2; k++) {
            int[][][] rgb = new int[4][4][];
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    rgb[y][x] = new int[] {0, 255, y <= k ? 255 : 0};
                }
            }
            TestFiles.png(photos.resolve("1-blue/blue" + k + ".png"), rgb);
        }
        gray = dir.resolve("gray");
        int[][][] flat = new int[4][4][];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                flat[y][x] = new int[] {128, 128, 128};
            }
        }
        TestFiles.png(gray.resolve("any/a.png"), flat);
        TestFiles.png(gray.resolve("any/b.png"), flat);
    }

    /** The S1 count of unit (c, y, x) by class, from the pixels (class comment). */
    static int expectedCount(int label, int c, int y, int x) {
        if (label == 0) {
            return c == 0 ? Math.max(0, 3 - x) : 0;
        }
        return c == 1 ? 2 : c == 2 ? Math.max(0, 2 - y) : 0;
    }

    @Test
    void inspectCountsTheActiveUnitsOfEveryPixel() throws Exception {
        Path model = CliTestModels.image(dir, 0);
        Path out = dir.resolve("inspect");
        Outcome o = CliTest.run(
                "inspect",
                model.toString(),
                "--data",
                photos + "/",
                "--layers",
                "conv1/relu",
                // the model's H and W are free, so the memory rule would read the map through channel means;
                // the images are all 4 x 4 here, and every unit (c, y, x) is checked
                "--view",
                "conv1/relu=flattened",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        List<Map<String, Object>> rows = where(
                ArrowRows.read(out.resolve("activation_frequency.arrow")),
                "layer",
                "conv1/relu",
                "significance",
                "S1",
                "dataset",
                "photos");
        assertThat(rows).hasSize(2 * 48);
        for (Map<String, Object> r : rows) {
            int label = (int) asLong(r.get("class"));
            int unit = (int) asLong(r.get("neuron"));
            assertThat(asLong(r.get("count")))
                    .as("class %d unit %d", label, unit)
                    .isEqualTo(expectedCount(label, unit / 16, unit / 4 % 4, unit % 4));
            assertThat(asLong(r.get("class_size"))).isEqualTo(label == 0 ? 3 : 2);
        }
    }

    @Test
    void auditScoresTheGrayImagesAsOod() throws Exception {
        Path model = CliTestModels.image(dir, 0);
        Path out = dir.resolve("audit");
        Outcome o = CliTest.run(
                "audit",
                model.toString(),
                "--fit",
                photos.toString(),
                "--id",
                photos.toString(),
                "--ood",
                gray.toString(),
                "--layers",
                "conv1/relu",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        Map<String, Object> maxLogit = where(
                        ArrowRows.read(out.resolve("tables/ood_metrics.arrow")), "detector", "max_logit")
                .get(0);
        assertThat(asDouble(maxLogit.get("auroc"))).isEqualTo(1.0);
        assertThat(asLong(maxLogit.get("n_id"))).isEqualTo(5);
        assertThat(asLong(maxLogit.get("n_ood"))).isEqualTo(2);
        List<Map<String, Object>> scores =
                where(ArrowRows.read(out.resolve("tables/scores.arrow")), "dataset", "photos");
        // image folders list files in order: red0, red1, red2 (class 0), blue0, blue1 (class 1)
        double[] expected = {-1 / 8.0, -2 / 8.0, -3 / 8.0, -1 / 8.0, -2 / 8.0};
        for (int i = 0; i < 5; i++) {
            Map<String, Object> r = scores.get(i);
            assertThat(asDouble(r.get("max_logit"))).as("sample %d", i).isCloseTo(expected[i], within(1e-6));
            assertThat(asLong(r.get("predicted"))).isEqualTo(i < 3 ? 0 : 1);
        }
    }

    @Test
    void theApiCountsTheSameUnits() throws Exception {
        Path model = CliTestModels.image(dir, 0);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.imageFolder(
                        "pixel_values", photos, ImagePreprocessing.builder().build()))
                .build()
                .fitTo(OnnxModel.load(model).describe().inputs());
        try (FileSource source = spec.open()) {
            assertThat(source.classNames()).containsExactly("0-red", "1-blue");
            AuditResult result = Audit.builder(model)
                    .id(source)
                    .layers(List.of("conv1/relu"))
                    .view("conv1/relu", NeuronView.FLATTENED)
                    .run();
            for (int label = 0; label < 2; label++) {
                ClassCounts counts = result.id()
                        .layers()
                        .get("conv1/relu")
                        .frequencies()
                        .table(Significance.s1())
                        .forClass(label);
                assertThat(counts.classSize()).isEqualTo(label == 0 ? 3 : 2);
                int[] expected = new int[48];
                for (int unit = 0; unit < 48; unit++) {
                    expected[unit] = expectedCount(label, unit / 16, unit / 4 % 4, unit % 4);
                }
                assertThat(counts.counts()).as("class " + label).containsExactly(expected);
            }
        }
    }

    @Test
    void aSampleShapeResizesTheImagesForAModelOfFreeSize() throws Exception {
        // 4x4 images resized to exactly 4x4 change nothing: the counts of the first test again, through the option
        Path model = CliTestModels.image(dir, 0);
        Path out = dir.resolve("shaped");
        Outcome o = CliTest.run(
                "inspect",
                model.toString(),
                "--data",
                photos.toString(),
                "--sample-shape",
                "pixel_values=3,4,4",
                "--layers",
                "conv1/relu",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        List<Map<String, Object>> rows = where(
                ArrowRows.read(out.resolve("activation_frequency.arrow")),
                "significance",
                "S1",
                "class",
                0,
                "neuron",
                0);
        assertThat(asLong(rows.get(0).get("count"))).isEqualTo(3);
    }
}
