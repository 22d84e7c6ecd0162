package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.ValueInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users' files fed to a tiny model: {@link TestModels#dense()} (x [N, 2] -> x W + b -> Relu, W = [[1, -2], [3, 4]],
 * b = [0.5, -1]) run on the batches of a float64 .npy fitted to the model's float32 input.
 */
class UsersDataRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void npyOfDoublesFeedsTheModelAfterFittingItsType() throws IOException {
        // rows [1, 2] and [-1, 0.5] as <f8
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        String padded = header + " ".repeat(128 - 11 - header.length()) + "\n";
        ByteBuffer b = ByteBuffer.allocate(128 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) padded.length())
                .put(padded.getBytes(StandardCharsets.US_ASCII))
                .putDouble(1)
                .putDouble(2)
                .putDouble(-1)
                .putDouble(0.5);
        Path npy = Files.write(dir.resolve("x.npy"), b.array());
        List<ValueInfo> inputs =
                OnnxModel.fromBytes(TestModels.dense()).describe().inputs();
        DataSpec spec =
                DataSpec.builder().input(InputMapping.file(null, npy)).build().fitTo(inputs);
        assertThat(spec.inputs().get(0).type()).isEqualTo(ElementType.FLOAT);
        try (FileSource source = spec.open();
                InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            source.checkAgainst(inputs);
            Iterator<Batch> it = source.batches(2);
            Map<String, LayerActivations> out = session.run(it.next(), List.of("pre", "y"));
            // [1, 2] W = [1 + 6, -2 + 8] = [7, 6], + b = [7.5, 5]; [-1, 0.5] W = [-1 + 1.5, 2 + 2] = [0.5, 4],
            // + b = [1, 3]
            assertThat(out.get("pre").values()).containsExactly(7.5f, 5f, 1f, 3f);
            assertThat(out.get("y").values()).containsExactly(7.5f, 5f, 1f, 3f);
        }
    }

    @Test
    void imageFolderWhosePreprocessingMissesTheInputShapeIsRefusedBeforeRunning() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        Files.createDirectories(dir.resolve("c"));
        ImageIO.write(image, "png", dir.resolve("c/1.png").toFile());
        List<ValueInfo> inputs =
                OnnxModel.fromBytes(TestModels.dense()).describe().inputs();
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.imageFolder(
                        "x",
                        dir,
                        ImagePreprocessing.builder()
                                .channels(ImagePreprocessing.Channels.GRAY)
                                .build()))
                .build()
                .fitTo(inputs);
        try (FileSource source = spec.open()) {
            // the folder gives [1, 1, 2] per sample (C, H, W); the model takes [2]
            assertThatThrownBy(() -> source.checkAgainst(inputs))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("model input x")
                    .hasMessageContaining("[1, 1, 2]")
                    .hasMessageContaining("GRAY");
        }
    }
}
