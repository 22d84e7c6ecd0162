package dev.onnxinspect.data.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NumPy files read back to the batches their contents give by hand. The files under test resources were written by
 * numpy 1.24 (Debian's python3-numpy) with:
 * <pre>
 * np.save("arange_f4.npy", np.arange(6, dtype=np.float32).reshape(2, 3))
 * np.save("big_f8.npy", np.array([0.5, -1.5, 2.25], dtype=">f8"))
 * np.save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
 * np.lib.format.write_array(f, np.array([[1, -2], [3, -4]], dtype=np.int64), version=(2, 0))   # v2_i8.npy
 * np.savez_compressed("xy_deflated.npz", x=np.arange(6, dtype=np.int32).reshape(3, 2), y=np.array([2, 0, 1]))
 * np.savez("stored.npz", np.array([True, False, True]), ids=np.array([[7, 8], [9, 10], [11, 12]], dtype=np.uint8))
 * np.save("u4.npy", np.array([1, 2], dtype=np.uint32))
 * np.save("f2.npy", np.array([1.0, -2.0, 0.5], dtype=np.float16))
 * </pre>
 * The others are written by the tests ({@link NpyFiles}).
 */
class NpyFormatTest {
    @TempDir
    Path dir;

    private static Path resource(String name) {
        try {
            return Path.of(NpyFormatTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Batch> readAll(DataSpec spec, int batchSize) throws IOException {
        try (FileSource source = spec.open()) {
            List<Batch> out = new ArrayList<>();
            source.batches(batchSize).forEachRemaining(out::add);
            return out;
        }
    }

    private static DataSpec one(InputMapping m) {
        return DataSpec.builder().input(m).build();
    }

    @Test
    void float32ArrayOfNumpyGivesItsRowsInOrder() throws IOException {
        // np.arange(6).reshape(2, 3): row 0 = [0, 1, 2], row 1 = [3, 4, 5]
        try (FileSource source =
                one(InputMapping.file("x", resource("arange_f4.npy"))).open()) {
            assertThat(source.size()).isEqualTo(2);
            assertThat(source.labelled()).isFalse();
            assertThat(source.inputs()).containsExactly(new InputSpec("x", ElementType.FLOAT, new long[] {3}));
            assertThat(source.sampleShape()).containsExactly(3);
            assertThat(source.name()).isEqualTo("arange_f4");
            Iterator<Batch> it = source.batches(1);
            InputTensor first = it.next().input("x");
            assertThat(first.shape()).containsExactly(1, 3);
            assertThat((float[]) first.data()).containsExactly(0f, 1f, 2f);
            assertThat((float[]) it.next().input("x").data()).containsExactly(3f, 4f, 5f);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void bigEndianDoublesAreReadInTheirByteOrderAndTheLastBatchIsShort() throws IOException {
        List<Batch> batches = readAll(one(InputMapping.file(null, resource("big_f8.npy"))), 2);
        assertThat(batches).hasSize(2);
        InputTensor a = batches.get(0).inputs().get(0);
        assertThat(a.name()).isNull();
        assertThat(a.shape()).containsExactly(2); // a 1-D array: one number per sample
        assertThat((double[]) a.data()).containsExactly(0.5, -1.5);
        assertThat((double[]) batches.get(1).inputs().get(0).data()).containsExactly(2.25);
    }

    @Test
    void version2HeaderIsRead() throws IOException {
        List<Batch> batches = readAll(one(InputMapping.file("x", resource("v2_i8.npy"))), 8);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).input("x").shape()).containsExactly(2, 2);
        assertThat((long[]) batches.get(0).input("x").data()).containsExactly(1, -2, 3, -4);
    }

    @Test
    void deflatedNpzFeedsAnInputByArrayNameWithLabelsAndConversion() throws IOException {
        Path npz = resource("xy_deflated.npz");
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("x", npz, "x").withType(ElementType.INT64))
                .labels(npz, "y")
                .build();
        List<Batch> batches = readAll(spec, 2);
        // x = [[0, 1], [2, 3], [4, 5]] as int32, converted to int64; y = [2, 0, 1]
        assertThat((long[]) batches.get(0).input("x").data()).containsExactly(0, 1, 2, 3);
        assertThat(batches.get(0).labels()).containsExactly(2, 0);
        assertThat((long[]) batches.get(1).input("x").data()).containsExactly(4, 5);
        assertThat(batches.get(1).labels()).containsExactly(1);
    }

    @Test
    void storedNpzFeedsTwoInputsIncludingAPositionalBoolArray() throws IOException {
        Path npz = resource("stored.npz");
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("ids", npz, "ids"))
                .input(InputMapping.column("flag", npz, "arr_0.npy"))
                .build();
        try (FileSource source = spec.open()) {
            assertThat(source.inputs())
                    .containsExactly(
                            new InputSpec("ids", ElementType.UINT8, new long[] {2}),
                            new InputSpec("flag", ElementType.BOOL, new long[0]));
            Batch b = source.batches(3).next();
            assertThat((byte[]) b.input("ids").data()).containsExactly(7, 8, 9, 10, 11, 12);
            assertThat((byte[]) b.input("flag").data()).containsExactly(1, 0, 1);
        }
    }

    @Test
    void float16IsKeptBitForBitOrConvertedToFloat() throws IOException {
        // half bits: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800
        Batch half = readAll(one(InputMapping.file("h", resource("f2.npy"))), 3).get(0);
        assertThat((short[]) half.input("h").data()).containsExactly((short) 0x3c00, (short) 0xc000, (short) 0x3800);
        Batch floats = readAll(one(InputMapping.file("h", resource("f2.npy")).withType(ElementType.FLOAT)), 3)
                .get(0);
        assertThat((float[]) floats.input("h").data()).containsExactly(1f, -2f, 0.5f);
    }

    @Test
    void everyIntegerDtypeConvertsToFloat() throws IOException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        Path i1 = NpyFiles.write(dir.resolve("i1.npy"), "|i1", new long[] {2}, new byte[] {-3, 4});
        Path u1 = NpyFiles.write(dir.resolve("u1.npy"), "|u1", new long[] {2}, new byte[] {(byte) 200, 4});
        Path i2 = NpyFiles.write(dir.resolve("i2.npy"), "<i2", new long[] {2}, NpyFiles.shorts(le, -300, 7));
        Path i4 = NpyFiles.write(
                dir.resolve("i4.npy"), ">i4", new long[] {2}, NpyFiles.ints(ByteOrder.BIG_ENDIAN, 70000, -1));
        Path b1 = NpyFiles.write(dir.resolve("b1.npy"), "|b1", new long[] {2}, new byte[] {1, 0});
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file("a", i1).withType(ElementType.FLOAT))
                .input(InputMapping.file("b", u1).withType(ElementType.FLOAT))
                .input(InputMapping.file("c", i2).withType(ElementType.DOUBLE))
                .input(InputMapping.file("d", i4).withType(ElementType.INT64))
                .input(InputMapping.file("e", b1).withType(ElementType.FLOAT))
                .build();
        Batch b = readAll(spec, 2).get(0);
        assertThat((float[]) b.input("a").data()).containsExactly(-3f, 4f);
        assertThat((float[]) b.input("b").data()).containsExactly(200f, 4f); // |u1 200 is unsigned
        assertThat((double[]) b.input("c").data()).containsExactly(-300.0, 7.0);
        assertThat((long[]) b.input("d").data()).containsExactly(70000L, -1L);
        assertThat((float[]) b.input("e").data()).containsExactly(1f, 0f);
    }

    @Test
    void declaredSampleShapeReshapesRowsOfTheSameSize() throws IOException {
        Batch b = readAll(one(InputMapping.file("x", resource("arange_f4.npy")).withSampleShape(3, 1)), 2)
                .get(0);
        assertThat(b.input("x").shape()).containsExactly(2, 3, 1);
        assertThat((float[]) b.input("x").data()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f);
    }

    @Test
    void valueOutOfTheInputTypesRangeNamesTheRow() throws IOException {
        Path file = NpyFiles.write(
                dir.resolve("big.npy"), "<i8", new long[] {3}, NpyFiles.longs(ByteOrder.LITTLE_ENDIAN, 1, 2, 300));
        DataSpec spec = one(InputMapping.file("ids", file).withType(ElementType.UINT8));
        assertThatThrownBy(() -> readAll(spec, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("value 300")
                .hasMessageContaining("row 2 of " + file)
                .hasMessageContaining("UINT8");
    }

    @Test
    void negativeLabelNamesTheRow() throws IOException {
        Path x = NpyFiles.write(
                dir.resolve("x.npy"), "<f4", new long[] {2}, NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
        Path y = NpyFiles.write(
                dir.resolve("y.npy"), "<i4", new long[] {2}, NpyFiles.ints(ByteOrder.LITTLE_ENDIAN, 0, -1));
        DataSpec spec =
                DataSpec.builder().input(InputMapping.file("x", x)).labels(y).build();
        assertThatThrownBy(() -> readAll(spec, 2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 1 of " + y)
                .hasMessageContaining("label -1");
    }

    @Test
    void fortranOrderIsRefusedWithTheFix() {
        Path file = resource("fortran.npy");
        assertThatThrownBy(() -> one(InputMapping.file("x", file)).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("Fortran")
                .hasMessageContaining("np.ascontiguousarray");
    }

    @Test
    void unsupportedDtypeIsRefusedWithTheConversion() {
        Path file = resource("u4.npy");
        assertThatThrownBy(() -> one(InputMapping.file("x", file)).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'<u4'")
                .hasMessageContaining("astype");
    }

    @Test
    void floatArrayForAnIntegerInputIsRefusedNamingInputAndFile() {
        Path file = resource("arange_f4.npy");
        assertThatThrownBy(() -> one(InputMapping.file("input_ids", file).withType(ElementType.INT64))
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input_ids")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("FLOAT")
                .hasMessageContaining("INT64")
                .hasMessageNotContaining("\n");
    }

    @Test
    void wrongSampleShapeIsRefusedNamingInputAndFile() {
        Path file = resource("arange_f4.npy");
        assertThatThrownBy(() ->
                        one(InputMapping.file("x", file).withSampleShape(2, 2)).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input x")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("(2, 3)");
    }

    @Test
    void missingNpzArrayListsTheArraysThereAre() {
        Path npz = resource("xy_deflated.npz");
        assertThatThrownBy(
                        () -> one(InputMapping.column("pixels", npz, "images")).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input pixels")
                .hasMessageContaining("'images'")
                .hasMessageContaining(npz.toString())
                .hasMessageContaining("[x, y]");
    }

    @Test
    void columnOfAnNpyIsRefused() {
        Path file = resource("arange_f4.npy");
        assertThatThrownBy(() -> one(InputMapping.column("x", file, "x")).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("a .npy holds one unnamed array");
    }

    @Test
    void truncatedFileIsRefusedAtOpen() throws IOException {
        byte[] whole = Files.readAllBytes(resource("arange_f4.npy"));
        Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(whole, whole.length - 5));
        assertThatThrownBy(() -> one(InputMapping.file("x", cut)).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("24 bytes of data"); // 2 x 3 float32
    }

    @Test
    void notAnNpyFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("text.npy"), "x,y\n1,2\n");
        assertThatThrownBy(() -> one(InputMapping.file("x", file)).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("np.save");
    }

    @Test
    void filesOfDifferentLengthsAreRefused() throws IOException {
        Path a = NpyFiles.write(
                dir.resolve("a.npy"), "<f4", new long[] {2}, NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
        Path b = NpyFiles.write(
                dir.resolve("b.npy"), "<f4", new long[] {3}, NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3));
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file("a", a))
                .input(InputMapping.file("b", b))
                .build();
        assertThatThrownBy(spec::open)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(a + ": 2 rows")
                .hasMessageContaining(b + ": 3 rows");
    }

    @Test
    void maskOfAnArrayIsRefused() {
        Path file = resource("v2_i8.npy");
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.file("ids", file))
                .input(InputMapping.maskOf("mask", "ids"))
                .build();
        assertThatThrownBy(spec::open)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input mask")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("save the mask as its own array");
    }

    @Test
    void npzEntryCutShortFailsThePassNamingTheArray() throws IOException {
        // an entry whose header announces 4 rows of <f4 but that holds 2: the zip's sizes are consistent, the array
        // is not; refused at open from the entry's size
        byte[] npy = NpyFiles.bytes("<f4", new long[] {4}, NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
        Path npz = dir.resolve("short.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy);
            zip.closeEntry();
        }
        assertThatThrownBy(() -> one(InputMapping.column("x", npz, "x")).open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("array 'x' of " + npz)
                .hasMessageContaining("truncated");
    }

    @Test
    void closedSourceRefusesNewPassesAndClosesOpenOnes() throws IOException {
        FileSource source =
                one(InputMapping.file("x", resource("arange_f4.npy"))).open();
        Iterator<Batch> pass = source.batches(1);
        pass.next();
        source.close();
        source.close(); // idempotent
        assertThatThrownBy(() -> source.batches(1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("closed");
    }

    /**
     * Streams a file of 10^6 rows (16 float32 each, 64 MB of data) and checks that the heap in use stays far below
     * the file's size: a reader that held the array would need at least 64 MB.
     */
    @Test
    void millionRowsStreamInBoundedHeap() throws IOException {
        int rows = 1_000_000;
        int width = 16;
        Path file = NpyFiles.write(dir.resolve("large.npy"), "<f4", new long[] {rows, width}, out -> {
            try {
                for (int r = 0; r < rows; r += 1000) {
                    float[] block = new float[1000 * width];
                    for (int i = 0; i < block.length; i++) {
                        block[i] = r + i / width; // every value of row r is r
                    }
                    out.write(NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, block));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long baseline = rt.totalMemory() - rt.freeMemory();
        long peak = 0;
        long sum = 0;
        long count = 0;
        try (FileSource source = one(InputMapping.file("x", file)).open()) {
            Iterator<Batch> it = source.batches(256);
            int batches = 0;
            while (it.hasNext()) {
                Batch b = it.next();
                float[] data = b.data();
                sum += (long) data[0];
                count += b.size();
                if (++batches % 500 == 0) {
                    System.gc();
                    peak = Math.max(peak, rt.totalMemory() - rt.freeMemory() - baseline);
                }
            }
        }
        assertThat(count).isEqualTo(rows);
        // the first value of batch k is row 256 k: sum over k of 256 k for k = 0 .. 3906
        long batches = (rows + 255L) / 256;
        assertThat(sum).isEqualTo(256L * (batches - 1) * batches / 2);
        assertThat(peak).as("heap growth while streaming 64 MB").isLessThan(16L << 20);
    }

    /** Keeps the stream helper honest: writing through a consumer gives the bytes of {@link NpyFiles#bytes}. */
    @Test
    void streamedWriterMatchesTheByteWriter() throws IOException {
        byte[] data = NpyFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2);
        Path a = NpyFiles.write(dir.resolve("a.npy"), "<f4", new long[] {2}, data);
        Path b = NpyFiles.write(dir.resolve("b.npy"), "<f4", new long[] {2}, (OutputStream out) -> {
            try {
                out.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        // and numpy's own header for (2, 3) <f4 matches ours byte for byte
        byte[] numpy = Files.readAllBytes(resource("arange_f4.npy"));
        assertThat(Arrays.copyOf(numpy, 128)).isEqualTo(NpyFiles.header("<f4", new long[] {2, 3}, false));
    }
}
