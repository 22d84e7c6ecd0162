package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadErrorsTest {
    @TempDir
    Path dir;

    private static ModelProto relu() {
        return TinyGraphs.model(GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 2))
                .addNode(node("Relu", "r", List.of("x"), List.of("y")))
                .addOutput(floatValue("y", -1, 2))
                .build());
    }

    @Test
    void aValidModelRoundTripsThroughPathBytesAndStream() throws IOException {
        Path file = dir.resolve("sub/relu.onnx");
        OnnxModel model = OnnxModel.fromProto(relu());
        model.save(file);
        assertThat(OnnxModel.load(file).proto()).isEqualTo(relu());
        assertThat(OnnxModel.load(file).source()).isEqualTo(file.toString());
        assertThat(OnnxModel.fromBytes(model.toBytes()).proto()).isEqualTo(relu());
        assertThat(OnnxModel.read(new ByteArrayInputStream(model.toBytes()), "res")
                        .proto())
                .isEqualTo(relu());
        // saving again replaces the file and leaves no temporary file behind
        model.save(file);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("relu.onnx");
        }
    }

    @Test
    void aSavedModelIsReadableByOthersLikeAPlainFile() throws IOException {
        Path file = dir.resolve("shared.onnx");
        OnnxModel.fromProto(relu()).save(file);
        assumeTrue(
                Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class),
                "the file system has no POSIX permissions");
        // a file created the ordinary way gets 0666 & ~umask; Files.createTempFile would give 0600
        Path plain = Files.write(dir.resolve("plain"), new byte[] {1});
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
        assumeTrue(
                Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ),
                "the umask hides new files from others");
        assertThat(Files.getPosixFilePermissions(file))
                .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }

    @Test
    void missingFileIsAnIoError() {
        assertThatThrownBy(() -> OnnxModel.load(dir.resolve("none.onnx"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void emptyFile() throws IOException {
        Path file = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("empty.onnx")
                .hasMessageContaining("empty (0 bytes)")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void directory() {
        // a path that names no readable file is a file error, not a malformed model
        assertThatThrownBy(() -> OnnxModel.load(dir))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("is a directory")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
    }

    @Test
    void devicesAreNotReadForever() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "needs /dev/zero");
        assertThatThrownBy(() -> OnnxModel.load(zero))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void randomBytes() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[1 + random.nextInt(300)];
            random.nextBytes(bytes);
            Path file = Files.write(dir.resolve("random.onnx"), bytes);
            assertThatThrownBy(() -> OnnxModel.load(file))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void truncatedModel() throws IOException {
        byte[] bytes = relu().toByteArray();
        Path file = Files.write(dir.resolve("cut.onnx"), Arrays.copyOf(bytes, bytes.length - 7));
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cut.onnx")
                .hasMessageContaining("truncated")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void textFileIsNotAModel() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.onnx"), "just some text, not a model\n");
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("notes.onnx");
    }

    @Test
    void undefinedTensorIsNamedWithSuggestions() {
        ModelProto m = TinyGraphs.model(relu().getGraph().toBuilder()
                .addNode(node("Neg", "n", List.of("yy"), List.of("z")))
                .build());
        assertThatThrownBy(() -> OnnxModel.fromBytes(m.toByteArray()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("<bytes>")
                .hasMessageContaining("Neg 'n' reads tensor 'yy'")
                .hasMessageContaining("[y, x, z]"); // y is one edit away, x and z two
        ModelProto badOutput = TinyGraphs.model(
                relu().getGraph().toBuilder().addOutput(floatValue("q")).build());
        assertThatThrownBy(() -> OnnxModel.fromProto(badOutput)).hasMessageContaining("graph output 'q'");
    }

    @Test
    void cyclesAndDoubleDefinitionsAreRejected() {
        GraphProto cycle = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", 2))
                .addNode(node("Add", "a", List.of("x", "b"), List.of("a")))
                .addNode(node("Neg", "b", List.of("a"), List.of("b")))
                .addOutput(floatValue("b", 2))
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(TinyGraphs.model(cycle)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("Add 'a'");
        GraphProto twice = relu().getGraph().toBuilder()
                .addNode(node("Neg", "n", List.of("x"), List.of("y")))
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(TinyGraphs.model(twice)))
                .hasMessageContaining("tensor 'y' is defined more than once");
    }

    @Test
    void nodesOutOfOrderAreSortedTopologically() {
        GraphProto shuffled = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", 2))
                .addNode(node("Neg", "second", List.of("a"), List.of("b")))
                .addNode(node("Relu", "first", List.of("x"), List.of("a")))
                .addOutput(floatValue("b", 2))
                .build();
        OnnxModel m = OnnxModel.fromProto(TinyGraphs.model(shuffled));
        assertThat(m.describe().nodes()).extracting(NodeInfo::name).containsExactly("first", "second");
    }

    @Test
    void initializersWhoseDataDoesNotFitTheirShapeAreRejectedAtLoad() {
        ModelProto shortRaw = TinyGraphs.model(relu().getGraph().toBuilder()
                .addInitializer(ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                        .setName("w")
                        .setDataType(ElementType.FLOAT.code())
                        .addDims(2)
                        .addDims(3)
                        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[20])))
                .build());
        // 2 x 3 floats need 24 bytes
        assertThatThrownBy(() -> OnnxModel.fromProto(shortRaw))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("initializer 'w' has 20 bytes of raw_data but FLOAT [2, 3] needs 24");
        ModelProto fewValues = TinyGraphs.model(relu().getGraph().toBuilder()
                .addInitializer(TinyGraphs.floats("w", new float[] {1, 2}, 3))
                .build());
        assertThatThrownBy(() -> OnnxModel.fromProto(fewValues))
                .hasMessageContaining("stores 2 values")
                .hasMessageContaining("needs 3");
        ModelProto badType = TinyGraphs.model(relu().getGraph().toBuilder()
                .addInitializer(
                        TinyGraphs.floats("w", new float[] {1}, 1).toBuilder().setDataType(99))
                .build());
        assertThatThrownBy(() -> OnnxModel.fromProto(badType)).hasMessageContaining("element type code 99");
        ModelProto negative = TinyGraphs.model(relu().getGraph().toBuilder()
                .addInitializer(TinyGraphs.floats("w", new float[0], -1))
                .build());
        assertThatThrownBy(() -> OnnxModel.fromProto(negative)).hasMessageContaining("negative dimension");
    }

    @Test
    void unsupportedIrVersionsAndOpsets() {
        for (long ir : new long[] {0, 2, 14}) {
            ModelProto m = relu().toBuilder().setIrVersion(ir).build();
            // IR version 0 means "not an ONNX model" (bad input); 2 and 14 are real versions this library lacks
            assertThatThrownBy(() -> OnnxModel.fromProto(m))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("IR version " + ir + " is not supported; expected 3 to 13")
                    .hasFieldOrPropertyWithValue("kind", ir == 0 ? Kind.INVALID_INPUT : Kind.UNSUPPORTED);
        }
        ModelProto opset = relu().toBuilder()
                .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(30))
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(opset))
                .hasMessageContaining("opset 30")
                .hasMessageContaining("expected 1 to 26")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
        ModelProto noGraph = relu().toBuilder().clearGraph().build();
        assertThatThrownBy(() -> OnnxModel.fromProto(noGraph))
                .hasMessageContaining("has no graph")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void filesOverTheProtobufLimitAreRejectedBeforeReading() throws IOException {
        Path file = dir.resolve("huge.onnx");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((1L << 31) + 10); // sparse: no disk space used
        }
        assertThatThrownBy(() -> OnnxModel.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("huge.onnx")
                .hasMessageContaining("2 GiB")
                .hasMessageContaining("external data")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
    }
}
