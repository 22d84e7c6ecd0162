package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights in external data files: read relative to the model, never from outside its directory. */
class ExternalDataTest {
    private static final float[] WEIGHTS = {1.5f, -2, 3, 4.25f, 0, -6};

    @TempDir
    Path root;

    /** A dense model whose 2x3 weight "w" lives in an external file at {@code location}, offset 8. */
    private static ModelProto modelWithExternalWeights(String location, long offset, long length) {
        GraphBuilder g = GraphBuilder.create("ext");
        String x = g.input("x", TensorShape.batched("N", 3));
        g.addInitializer("w", WEIGHTS, 2, 3);
        g.output(g.gemm("z", x, "w", true));
        ModelProto proto = g.build().proto();
        TensorProto w = proto.getGraph().getInitializer(0).toBuilder()
                .clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
        return proto.toBuilder()
                .setGraph(proto.getGraph().toBuilder().setInitializer(0, w))
                .build();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** 8 junk bytes, then the weights as little-endian floats. */
    private static byte[] dataFile() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * WEIGHTS.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x1234_5678_9abc_def0L);
        for (float v : WEIGHTS) {
            b.putFloat(v);
        }
        return b.array();
    }

    private Path writeModel(Path modelDir, ModelProto proto) throws IOException {
        Files.createDirectories(modelDir);
        return Files.write(modelDir.resolve("model.onnx"), proto.toByteArray());
    }

    @Test
    void externalWeightsAreReadRelativeToTheModel() throws IOException {
        Path modelDir = root.resolve("m");
        Files.createDirectories(modelDir.resolve("data"));
        Files.write(modelDir.resolve("data/weights.bin"), dataFile());
        OnnxModel model = OnnxModel.load(writeModel(modelDir, modelWithExternalWeights("data/weights.bin", 8, 24)));

        assertThat(model.initializer("w").values()).containsExactly(WEIGHTS);
        assertThat(model.denseLayer("z").weights()).containsExactly(WEIGHTS);
        TensorProto inlined = model.proto().getGraph().getInitializer(0);
        assertThat(inlined.getDataLocation()).isEqualTo(TensorProto.DataLocation.DEFAULT);
        assertThat(inlined.getExternalDataCount()).isZero();
        // the loaded model is self-contained: it survives a round trip through bytes
        assertThat(OnnxModel.fromBytes(model.toBytes()).initializer("w").values())
                .containsExactly(WEIGHTS);
    }

    @Test
    void parentDirectoryEscapesAreRejected() throws IOException {
        Files.write(root.resolve("weights.bin"), dataFile());
        Path file = writeModel(root.resolve("m"), modelWithExternalWeights("../weights.bin", 8, 24));
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("'../weights.bin' points outside");
        Path sneaky = writeModel(root.resolve("m2"), modelWithExternalWeights("sub/../../weights.bin", 8, 24));
        assertThatThrownBy(() -> OnnxModel.load(sneaky)).hasMessageContaining("points outside");
    }

    @Test
    void absoluteLocationsAreRejected() throws IOException {
        Path data = Files.write(root.resolve("weights.bin"), dataFile());
        Path file = writeModel(
                root.resolve("m"),
                modelWithExternalWeights(data.toAbsolutePath().toString(), 8, 24));
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("is absolute");
    }

    @Test
    void symbolicLinksPointingOutAreRejected() throws IOException {
        Path outside = Files.write(root.resolve("secret.bin"), dataFile());
        Path modelDir = root.resolve("m");
        Files.createDirectories(modelDir);
        Files.createSymbolicLink(modelDir.resolve("weights.bin"), outside);
        Path file = writeModel(modelDir, modelWithExternalWeights("weights.bin", 8, 24));
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void missingOrShortDataFilesAreRejected() throws IOException {
        Path missing = writeModel(root.resolve("a"), modelWithExternalWeights("weights.bin", 8, 24));
        assertThatThrownBy(() -> OnnxModel.load(missing))
                .hasMessageContaining("'weights.bin' not found")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);

        Path modelDir = root.resolve("b");
        Path shortFile = writeModel(modelDir, modelWithExternalWeights("weights.bin", 8, 24));
        Files.write(modelDir.resolve("weights.bin"), new byte[20]);
        assertThatThrownBy(() -> OnnxModel.load(shortFile))
                .hasMessageContaining("lies outside 'weights.bin'")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);

        Path wrongLength = writeModel(root.resolve("c"), modelWithExternalWeights("weights.bin", 8, 20));
        Files.write(root.resolve("c/weights.bin"), dataFile());
        assertThatThrownBy(() -> OnnxModel.load(wrongLength))
                .hasMessageContaining("has 20 bytes but its type and " + "shape need 24");
    }

    @Test
    void hostileExternalDataEntriesEndInModelFormatException() throws IOException {
        Path modelDir = root.resolve("h");
        Files.createDirectories(modelDir);
        Files.write(modelDir.resolve("weights.bin"), dataFile());
        String[][] entries = {
            {"/etc/passwd", "0", "24"},
            {"", "8", "24"},
            {"a\0b", "8", "24"},
            {".", "8", "24"},
            {"weights.bin", "-5", "24"},
            {"weights.bin", "abc", "24"},
            {"weights.bin", "8", "99999999999"},
            {"weights.bin", "9223372036854775807", "24"},
            {"weights.bin", "8", "-1"},
            {"weights.bin", "8", "9223372036854775807"},
            {"../../../../etc/hosts", "0", "4"},
        };
        for (String[] e : entries) {
            ModelProto valid = modelWithExternalWeights("weights.bin", 8, 24);
            TensorProto w = valid.getGraph().getInitializer(0).toBuilder()
                    .clearExternalData()
                    .addExternalData(entry("location", e[0]))
                    .addExternalData(entry("offset", e[1]))
                    .addExternalData(entry("length", e[2]))
                    .build();
            Path file = writeModel(
                    modelDir,
                    valid.toBuilder()
                            .setGraph(valid.getGraph().toBuilder().setInitializer(0, w))
                            .build());
            assertThatThrownBy(() -> OnnxModel.load(file))
                    .as(String.join(", ", e))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("model.onnx");
        }
    }

    @Test
    void bytesWithExternalDataCannotBeResolved() {
        byte[] bytes = modelWithExternalWeights("weights.bin", 8, 24).toByteArray();
        assertThatThrownBy(() -> OnnxModel.fromBytes(bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("OnnxModel.load(Path)");
    }
}
