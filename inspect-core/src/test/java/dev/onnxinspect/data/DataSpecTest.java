package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The mapping of files to model inputs: building, fitting to a model's inputs, checking, format lookup. */
class DataSpecTest {
    @TempDir
    Path dir;

    /** A little-endian float32 .npy of shape {@code (rows, width)} holding 0, 1, 2, ... */
    private Path floats(String name, int rows, int width) throws IOException {
        String text = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + width + "), }";
        int padded = (10 + text.length() + 1 + 63) / 64 * 64;
        byte[] dict = (text + " ".repeat(padded - 11 - text.length()) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length + rows * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) dict.length)
                .put(dict);
        for (int i = 0; i < rows * width; i++) {
            b.putFloat(i);
        }
        return Files.write(dir.resolve(name), b.array());
    }

    private static ValueInfo input(String name, ElementType type, Dim... dims) {
        return new ValueInfo(name, ValueKind.TENSOR, type, TensorShape.of(dims));
    }

    @Test
    void fitToGivesTypesAndFixedShapesFromTheModel() throws IOException {
        Path x = floats("x.npy", 2, 4);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file("image", x))
                .build()
                .fitTo(List.of(input("image", ElementType.DOUBLE, Dim.symbolic("N"), Dim.of(1), Dim.of(2), Dim.of(2))));
        assertThat(spec.mapping("image").type()).isEqualTo(ElementType.DOUBLE);
        assertThat(spec.mapping("image").sampleShape()).containsExactly(1, 2, 2);
        try (FileSource source = spec.open()) {
            source.checkAgainst(
                    List.of(input("image", ElementType.DOUBLE, Dim.symbolic("N"), Dim.of(1), Dim.of(2), Dim.of(2))));
            Batch b = source.batches(2).next();
            assertThat(b.input("image").shape()).containsExactly(2, 1, 2, 2);
            assertThat((double[]) b.input("image").data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        }
    }

    @Test
    void unnamedMappingFeedsASingleInputModel() throws IOException {
        Path x = floats("x.npy", 1, 3);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file(null, x))
                .build()
                .fitTo(List.of(input("data", ElementType.FLOAT, Dim.symbolic("N"), Dim.of(3))));
        assertThat(spec.inputs().get(0).input()).isNull();
        assertThat(spec.inputs().get(0).sampleShape()).containsExactly(3);
    }

    @Test
    void unmappedModelInputIsRefusedNamingIt() throws IOException {
        Path x = floats("x.npy", 1, 3);
        DataSpec spec =
                DataSpec.builder().input(InputMapping.file("input_ids", x)).build();
        assertThatThrownBy(() -> spec.fitTo(List.of(
                        input("input_ids", ElementType.INT64, Dim.symbolic("N"), Dim.symbolic("T")),
                        input("attention_mask", ElementType.INT64, Dim.symbolic("N"), Dim.symbolic("T")))))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("model input attention_mask")
                .hasMessageContaining("is not fed")
                .hasMessageContaining("map it");
    }

    @Test
    void mappingToAnInputTheModelLacksIsRefusedListingTheInputs() throws IOException {
        Path x = floats("x.npy", 1, 3);
        DataSpec spec = DataSpec.builder().input(InputMapping.file("pixels", x)).build();
        assertThatThrownBy(() -> spec.fitTo(List.of(input("image", ElementType.FLOAT, Dim.of(1), Dim.of(3)))))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input pixels")
                .hasMessageContaining(x.toString())
                .hasMessageContaining("[image]");
    }

    @Test
    void checkAgainstRefusesAShapeTheModelDoesNotTake() throws IOException {
        Path x = floats("x.npy", 2, 4);
        try (FileSource source =
                DataSpec.builder().input(InputMapping.file("x", x)).build().open()) {
            assertThatThrownBy(() ->
                            source.checkAgainst(List.of(input("x", ElementType.FLOAT, Dim.symbolic("N"), Dim.of(5)))))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("model input x")
                    .hasMessageContaining(x.toString())
                    .hasMessageContaining("[4]");
            assertThatThrownBy(() ->
                            source.checkAgainst(List.of(input("x", ElementType.INT64, Dim.symbolic("N"), Dim.of(4)))))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("takes INT64")
                    .hasMessageContaining("gives FLOAT");
        }
    }

    @Test
    void specRefusesDuplicateAndUnnamedMappingsAndDanglingMasks() {
        Path f = dir.resolve("x.npy");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.file("a", f))
                        .input(InputMapping.file("a", f))
                        .build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("maps input a twice");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.file(null, f))
                        .input(InputMapping.file("b", f))
                        .build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("must name the model input");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.maskOf("mask", "ids"))
                        .build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("does not map");
        assertThatThrownBy(() -> DataSpec.builder().build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("feeds no input");
    }

    /** Issue 13: a FIFO (or a device) is refused before it is opened; reading one nobody writes would block. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoAsADataFileIsAFileErrorNotAHang() throws Exception {
        Path fifo = dir.resolve("x.npy");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            p = null;
        }
        assumeTrue(p != null && p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo not available");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.file("x", fifo))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cannot read input x")
                .hasMessageContaining("not a regular file")
                .satisfies(e -> assertThat(((DatasetException) e).kind()).isEqualTo(Kind.IO));
    }

    @Test
    void missingFileAndUnknownFormatAreRefusedNamingTheInput() throws IOException {
        Path missing = dir.resolve("nope.npy");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.file("x", missing))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cannot read input x")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file or directory")
                .satisfies(e -> assertThat(((DatasetException) e).kind()).isEqualTo(Kind.IO));
        Path csv = Files.writeString(dir.resolve("x.csv"), "1,2\n");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", csv, "a"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining(".parquet");
    }

    @Test
    void parquetWithoutItsModuleNamesTheModule() {
        // inspect-core's own tests run without parquet-import on the class path
        assertThatThrownBy(() -> DataFormat.forFile(Path.of("data.parquet")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dev.onnxinspect:parquet-import");
    }

    @Test
    void defaultNameIsTheFirstFileWithoutItsEnding() {
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file("x", Path.of("/data/train.images.npy")))
                .build();
        assertThat(spec.name()).isEqualTo("train.images");
    }

    @Test
    void elementWriterConvertsByTheDocumentedRules() {
        assertThat(ElementWriter.converts(ElementType.INT32, ElementType.INT64)).isTrue();
        assertThat(ElementWriter.converts(ElementType.INT64, ElementType.FLOAT)).isTrue();
        assertThat(ElementWriter.converts(ElementType.BOOL, ElementType.INT64)).isTrue();
        assertThat(ElementWriter.converts(ElementType.FLOAT, ElementType.INT64)).isFalse();
        assertThat(ElementWriter.converts(ElementType.DOUBLE, ElementType.BOOL)).isFalse();
        assertThat(ElementWriter.converts(ElementType.STRING, ElementType.FLOAT))
                .isFalse();
        ElementWriter bools = ElementWriter.create(ElementType.BOOL, 2, i -> "row " + i);
        bools.putLong(0, 1);
        assertThatThrownBy(() -> bools.putLong(1, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("value 2 at row 1");
    }

    @Test
    void floatToHalfRoundsToNearestEven() {
        // 1 = 0x3c00; 65504 = max half 0x7bff; 65520 rounds up to infinity 0x7c00; 2^-24 = smallest subnormal 0x0001;
        // 2^-25 is a tie between 0 and 2^-24: to even, 0; 1 + 2^-11 is a tie between 1 and 1 + 2^-10: to even, 1
        assertThat(ElementWriter.floatToHalf(1f)).isEqualTo((short) 0x3c00);
        assertThat(ElementWriter.floatToHalf(-2f)).isEqualTo((short) 0xc000);
        assertThat(ElementWriter.floatToHalf(65504f)).isEqualTo((short) 0x7bff);
        assertThat(ElementWriter.floatToHalf(65520f)).isEqualTo((short) 0x7c00);
        assertThat(ElementWriter.floatToHalf(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(ElementWriter.floatToHalf(0x1p-25f)).isEqualTo((short) 0);
        assertThat(ElementWriter.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        assertThat(ElementWriter.floatToHalf(1f + 0x1p-10f + 0x1p-11f)).isEqualTo((short) 0x3c02);
        assertThat(ElementWriter.floatToHalf(Float.NaN) & 0x7fff).isGreaterThan(0x7c00);
        for (int bits = 0; bits < 0x7c00; bits++) {
            // every finite half survives the round trip through float
            assertThat(ElementWriter.floatToHalf(InputTensor.halfToFloat((short) bits)))
                    .isEqualTo((short) bits);
        }
    }
}
