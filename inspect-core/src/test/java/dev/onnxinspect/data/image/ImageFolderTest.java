package dev.onnxinspect.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.data.ImagePreprocessing.Channels;
import dev.onnxinspect.data.ImagePreprocessing.Layout;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders read back to the tensors their pixels give by hand: tiny PNGs the tests write (lossless), and two
 * 8x8 JPEGs of the solid colour (200, 40, 90) written by PIL 9.4 ({@code Image.new("RGB", (8, 8), (200, 40, 90))},
 * saved once converted to CMYK, once progressive; quality 95).
 */
class ImageFolderTest {
    private static final float EPS = 1e-5f;

    @TempDir
    Path dir;

    /** Writes an RGB PNG whose pixel (x, y) is {@code rgb[y][x]} (0xRRGGBB). */
    private static Path png(Path file, int[][] rgb) throws IOException {
        BufferedImage image = new BufferedImage(rgb[0].length, rgb.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                image.setRGB(x, y, rgb[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Writes a gray PNG (8 bits) whose pixel (x, y) is {@code gray[y][x]}. */
    private static Path grayPng(Path file, int[][] gray) throws IOException {
        BufferedImage image = new BufferedImage(gray[0].length, gray.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < gray.length; y++) {
            for (int x = 0; x < gray[0].length; x++) {
                image.getRaster().setSample(x, y, 0, gray[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static List<Batch> read(Path folder, ImagePreprocessing p, int batchSize) throws IOException {
        try (FileSource source = DataSpec.builder()
                .input(InputMapping.imageFolder("image", folder, p))
                .build()
                .open()) {
            List<Batch> out = new ArrayList<>();
            source.batches(batchSize).forEachRemaining(out::add);
            return out;
        }
    }

    private static float[] values(Batch b) {
        return (float[]) b.input("image").data();
    }

    /** The 2x2 image [[red, green], [blue, white]]. */
    private static final int[][] QUAD = {{0xff0000, 0x00ff00}, {0x0000ff, 0xffffff}};

    @Test
    void noResizePipelineGivesScaledNormalisedChannelsFirst() throws IOException {
        png(dir.resolve("a/x.png"), QUAD);
        ImagePreprocessing p = ImagePreprocessing.builder().mean(0.5f).std(0.5f).build();
        Batch b = read(dir, p, 4).get(0);
        assertThat(b.input("image").shape()).containsExactly(1, 3, 2, 2);
        // (v / 255 - 0.5) / 0.5: 255 -> 1, 0 -> -1. R plane = [1, -1, -1, 1], G = [-1, 1, -1, 1], B = [-1, -1, 1, 1]
        assertThat(values(b)).containsExactly(new float[] {1, -1, -1, 1, -1, 1, -1, 1, -1, -1, 1, 1}, within(EPS));
        assertThat(b.labels()).containsExactly(0);
    }

    @Test
    void channelsLastInBgrOrderWithPerChannelMeanAndStd() throws IOException {
        png(dir.resolve("a/x.png"), QUAD);
        ImagePreprocessing p = ImagePreprocessing.builder()
                .scale(1f)
                .mean(1f, 2f, 3f)
                .std(1f, 2f, 5f)
                .channels(Channels.BGR)
                .layout(Layout.NHWC)
                .build();
        Batch b = read(dir, p, 4).get(0);
        assertThat(b.input("image").shape()).containsExactly(1, 2, 2, 3);
        // pixel by pixel, channels (B, G, R): (v - mean[c]) / std[c] with mean (1, 2, 3), std (1, 2, 5)
        // red (0, 0, 255) -> (-1, -1, 50.4); green (0, 255, 0) -> (-1, 126.5, -0.6); blue (255, 0, 0) -> (254, -1,
        // -0.6); white -> (254, 126.5, 50.4)
        assertThat(values(b))
                .containsExactly(
                        new float[] {-1, -1, 50.4f, -1, 126.5f, -0.6f, 254, -1, -0.6f, 254, 126.5f, 50.4f},
                        within(1e-4f));
    }

    @Test
    void grayOutputIsTheBt601LumaOfColourAndTheValueOfGrayImages() throws IOException {
        png(dir.resolve("a/x.png"), QUAD);
        grayPng(dir.resolve("b/y.png"), new int[][] {{176, 0}, {255, 30}});
        ImagePreprocessing p =
                ImagePreprocessing.builder().scale(1f).channels(Channels.GRAY).build();
        List<Batch> batches = read(dir, p, 1);
        assertThat(batches.get(0).input("image").shape()).containsExactly(1, 1, 2, 2);
        // 0.299 R + 0.587 G + 0.114 B: red 76.245, green 149.685, blue 29.07, white 255
        assertThat(values(batches.get(0)))
                .containsExactly(new float[] {76.245f, 149.685f, 29.07f, 255f}, within(1e-3f));
        // a gray PNG's stored values, not gamma-shifted as BufferedImage.getRGB would give (176 -> 216)
        assertThat(values(batches.get(1))).containsExactly(176, 0, 255, 30);
        assertThat(batches.get(1).labels()).containsExactly(1);
    }

    @Test
    void enlargingIsBilinearWithHalfPixelCentres() throws IOException {
        grayPng(dir.resolve("a/x.png"), new int[][] {{0, 100}, {200, 40}});
        ImagePreprocessing p = ImagePreprocessing.builder()
                .scale(1f)
                .channels(Channels.GRAY)
                .resize(4, 4)
                .build();
        float[] v = values(read(dir, p, 1).get(0));
        // each axis 2 -> 4: outputs read p0, 0.75 p0 + 0.25 p1, 0.25 p0 + 0.75 p1, p1.
        // rows first: row 0 [0, 25, 75, 100], row 1 [200, 160, 80, 40]; then columns with the same weights
        float[] row0 = {0, 25, 75, 100};
        float[] row1 = {200, 160, 80, 40};
        float[] expected = new float[16];
        for (int x = 0; x < 4; x++) {
            expected[x] = row0[x];
            expected[4 + x] = 0.75f * row0[x] + 0.25f * row1[x];
            expected[8 + x] = 0.25f * row0[x] + 0.75f * row1[x];
            expected[12 + x] = row1[x];
        }
        assertThat(v).containsExactly(expected, within(1e-4f));
    }

    @Test
    void shrinkingAveragesTheCoveredPixels() throws IOException {
        grayPng(dir.resolve("a/x.png"), new int[][] {{0, 70, 140, 210}});
        ImagePreprocessing p = ImagePreprocessing.builder()
                .scale(1f)
                .channels(Channels.GRAY)
                .resize(2, 1)
                .build();
        float[] v = values(read(dir, p, 1).get(0));
        // 4 -> 2, f = 2: output 0 centred at 1.0 reads pixels 0, 1, 2 at distances 0.5, 0.5, 1.5 -> weights
        // 0.75, 0.75, 0.25 (sum 1.75): (0 * 3 + 70 * 3 + 140) / 7 = 50; output 1 centred at 3.0 reads pixels 1, 2, 3
        // with 0.25, 0.75, 0.75: (70 + 140 * 3 + 210 * 3) / 7 = 160
        assertThat(v).containsExactly(new float[] {50, 160}, within(1e-4f));
        Resampler.Weights w = Resampler.weights(4, 2);
        assertThat(w.first()).containsExactly(0, 1);
        assertThat(w.weights()[0]).containsExactly(new double[] {3 / 7.0, 3 / 7.0, 1 / 7.0}, within(1e-12));
    }

    @Test
    void shorterSideResizeThenCentreCropWithTiesToEven() throws IOException {
        // 5x1, shorter side to 1: stays 5x1; crop 2x1: left = round((5 - 2) / 2) = round(1.5) = 2 (to even)
        grayPng(dir.resolve("a/x.png"), new int[][] {{10, 20, 30, 40, 50}});
        ImagePreprocessing p = ImagePreprocessing.builder()
                .scale(1f)
                .channels(Channels.GRAY)
                .resizeShorterSide(1)
                .centerCrop(2, 1)
                .build();
        assertThat(values(read(dir, p, 1).get(0))).containsExactly(30, 40);
        // shorter side to 2 of a 2x4 image: the longer side becomes floor(2 * 4 / 2) = 4, no resampling
        assertThat(ImagePreprocessing.builder().resizeShorterSide(2).build().resizedSize(2, 4))
                .containsExactly(2, 4);
        assertThat(ImagePreprocessing.builder().resizeShorterSide(224).build().resizedSize(500, 375))
                .containsExactly(298, 224); // floor(224 * 500 / 375) = floor(298.67)
    }

    @Test
    void classesAreTheSortedSubfoldersAndSamplesComeClassByClass() throws IOException {
        png(dir.resolve("zebra/b.png"), new int[][] {{0x030303}});
        png(dir.resolve("zebra/a.png"), new int[][] {{0x020202}});
        png(dir.resolve("ant/nested/c.PNG"), new int[][] {{0x010101}});
        Files.writeString(dir.resolve("ant/notes.txt"), "skipped");
        png(dir.resolve(".hidden/d.png"), new int[][] {{0x090909}});
        ImagePreprocessing p =
                ImagePreprocessing.builder().scale(1f).channels(Channels.GRAY).build();
        try (FileSource source = DataSpec.builder()
                .input(InputMapping.imageFolder("image", dir, p))
                .build()
                .open()) {
            assertThat(source.classNames()).containsExactly("ant", "zebra");
            assertThat(source.size()).isEqualTo(3);
            assertThat(source.inputs())
                    .containsExactly(new InputSpec("image", ElementType.FLOAT, new long[] {1, 1, 1}));
            Batch b = source.batches(8).next();
            assertThat((float[]) b.input("image").data()).containsExactly(1, 2, 3);
            assertThat(b.labels()).containsExactly(0, 1, 1);
        }
    }

    @Test
    void folderOfImagesWithoutSubfoldersIsUnlabelled() throws IOException {
        png(dir.resolve("x.png"), QUAD);
        try (FileSource source = DataSpec.builder()
                .input(InputMapping.imageFolder(
                        "image", dir, ImagePreprocessing.builder().build()))
                .build()
                .open()) {
            assertThat(source.labelled()).isFalse();
            assertThat(source.batches(1).next().labels()).isNull();
        }
    }

    @Test
    void jpegCmykAndProgressiveDecodeToTheirColour() throws IOException, URISyntaxException {
        for (String name : List.of("solid_cmyk.jpg", "solid_progressive.jpg")) {
            Path file = Path.of(getClass().getResource(name).toURI());
            ImageDecoder.Planes planes = ImageDecoder.decode(file);
            // the solid colour (200, 40, 90), within JPEG's rounding; for the CMYK file the JDK's own reader gives
            // the ink values (55, 215, 165, 0) in its raster and (229, 110, 160) through getRGB
            assertThat(planes.width()).isEqualTo(8);
            for (int i = 0; i < 64; i++) {
                assertThat(planes.red()[i]).as(name).isCloseTo(200f, within(3f));
                assertThat(planes.green()[i]).as(name).isCloseTo(40f, within(3f));
                assertThat(planes.blue()[i]).as(name).isCloseTo(90f, within(3f));
            }
        }
    }

    @Test
    void undecodableImageIsOneLineNamingTheFile() throws IOException {
        png(dir.resolve("a/good.png"), QUAD);
        Path bad = Files.writeString(dir.resolve("a/broken.png"), "not an image");
        assertThatThrownBy(() -> read(dir, ImagePreprocessing.builder().build(), 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cannot decode image " + bad)
                .hasMessageNotContaining("\n");
    }

    /**
     * A decompression bomb: a valid 1 x 1 PNG whose header (IHDR, CRC recomputed) declares 60000 x 60000 pixels,
     * which the reader would allocate (10.8 GB) before finding the data short. Refused from the header, more than
     * PIL's 89,478,485 pixels whatever the heap.
     */
    @Test
    void imageDeclaringMorePixelsThanTheLimitIsRefusedBeforeDecoding() throws IOException {
        byte[] bytes = Files.readAllBytes(png(dir.resolve("a/one.png"), new int[][] {{0x102030}}));
        ByteBuffer header = ByteBuffer.wrap(bytes); // signature (8), IHDR length (4), "IHDR" (4), width, height
        assertThat(new String(bytes, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        header.putInt(16, 60_000).putInt(20, 60_000);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 4 + 13); // the chunk type and its 13 data bytes
        header.putInt(12 + 4 + 13, (int) crc.getValue());
        Path bomb = Files.write(dir.resolve("a/one.png"), bytes);
        // resized to 8 x 8, so the sample itself is small (without a resize the sample size refuses it first)
        assertThatThrownBy(() ->
                        read(dir, ImagePreprocessing.builder().resize(8, 8).build(), 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("image " + bomb + " declares 60000 x 60000 = 3600000000 pixels")
                .hasMessageContaining("resize it")
                .hasMessageNotContaining("\n");
        assertThat(ImageDecoder.maxPixels()).isPositive().isLessThanOrEqualTo(89_478_485L);
    }

    /**
     * A narrow bomb found by fuzzing: the header declares 2 x 50,000,000 pixels, whose sample (300,000,000 values,
     * no resize) overflows nothing, so the folder sized its batch buffer from the first image's header and ran out of
     * heap before decoding. The header read that sizes the folder applies the decoder's limit.
     */
    @Test
    void firstImageDeclaringMorePixelsThanTheLimitIsRefusedBeforeAnyBufferIsSized() throws IOException {
        byte[] bytes = Files.readAllBytes(png(dir.resolve("a/one.png"), new int[][] {{0x102030}}));
        ByteBuffer header = ByteBuffer.wrap(bytes);
        header.putInt(16, 2).putInt(20, 50_000_000);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 4 + 13);
        header.putInt(12 + 4 + 13, (int) crc.getValue());
        Path bomb = Files.write(dir.resolve("a/one.png"), bytes);
        // refused when the source opens (its sample shape comes from that header), before any batch is read
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.imageFolder(
                                "image", dir, ImagePreprocessing.builder().build()))
                        .build()
                        .open()
                        .close())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("image " + bomb + " declares 2 x 50000000 = 100000000 pixels")
                .hasMessageNotContaining("\n");
    }

    @Test
    void truncatedPngIsOneLineNamingTheFile() throws IOException {
        Path good = png(dir.resolve("a/good.png"), new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("a/cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> read(dir, ImagePreprocessing.builder().build(), 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("remove it from the folder or save it again")
                .hasMessageNotContaining("\n");
    }

    @Test
    void imagesOfDifferentSizesWithoutResizeAreRefusedNamingTheFile() throws IOException {
        png(dir.resolve("a/1.png"), QUAD);
        Path odd = png(dir.resolve("a/2.png"), new int[][] {{0, 0, 0}});
        assertThatThrownBy(() -> read(dir, ImagePreprocessing.builder().build(), 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("image " + odd + " is 3x1")
                .hasMessageContaining("declare a resize and a centre crop");
    }

    @Test
    void cropLargerThanTheImageIsRefused() throws IOException {
        Path small = png(dir.resolve("a/1.png"), QUAD);
        assertThatThrownBy(() ->
                        read(dir, ImagePreprocessing.builder().centerCrop(4, 4).build(), 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(small.toString())
                .hasMessageContaining("smaller than the centre crop 4x4");
    }

    @Test
    void preprocessingThatDoesNotMatchTheModelInputNamesTheFix() throws IOException {
        png(dir.resolve("a/1.png"), QUAD);
        ValueInfo model = new ValueInfo(
                "pixel_values",
                ValueKind.TENSOR,
                ElementType.FLOAT,
                TensorShape.of(Dim.symbolic("N"), Dim.of(3), Dim.of(32), Dim.of(32)));
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.imageFolder(
                        "pixel_values",
                        dir,
                        ImagePreprocessing.builder().layout(Layout.NHWC).build()))
                .build()
                .fitTo(List.of(model));
        try (FileSource source = spec.open()) {
            assertThatThrownBy(() -> source.checkAgainst(List.of(model)))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("model input pixel_values")
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("[2, 2, 3]")
                    .hasMessageContaining("declare a preprocessing")
                    .hasMessageContaining("NHWC")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void badFolderLayoutsAreRefused() throws IOException {
        Files.createDirectories(dir.resolve("empty-class"));
        png(dir.resolve("full/1.png"), QUAD);
        assertThatThrownBy(() -> read(dir, ImagePreprocessing.builder().build(), 1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("empty-class")
                .hasMessageContaining("has no PNG or JPEG image");
        Files.delete(dir.resolve("empty-class"));
        png(dir.resolve("loose.png"), QUAD);
        assertThatThrownBy(() -> read(dir, ImagePreprocessing.builder().build(), 1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("loose.png")
                .hasMessageContaining("move every image into its class folder");
    }

    @Test
    void integerTypeForImagesIsRefused() throws IOException {
        png(dir.resolve("a/1.png"), QUAD);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.imageFolder(
                                "image", dir, ImagePreprocessing.builder().build())
                        .withType(ElementType.UINT8))
                .build();
        assertThatThrownBy(spec::open)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("UINT8")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void preprocessingValidatesItsValues() {
        assertThatThrownBy(() -> ImagePreprocessing.builder().std(0f).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("std");
        assertThatThrownBy(() -> ImagePreprocessing.builder().mean(1f, 2f).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("mean needs 1 or 3");
        ImagePreprocessing imagenet = ImagePreprocessing.imagenet();
        assertThat(imagenet.sampleShape(224, 224)).containsExactly(3, 224, 224);
        assertThat(imagenet.outputSize(640, 480)).containsExactly(224, 224);
        assertThat(imagenet.describe()).contains("resize shorter side to 256").contains("centre crop 224x224");
    }
}
