package dev.onnxinspect.arrow.columns;

import static dev.onnxinspect.arrow.columns.IpcFiles.FLOAT32;
import static dev.onnxinspect.arrow.columns.IpcFiles.FLOAT64;
import static dev.onnxinspect.arrow.columns.IpcFiles.INT32;
import static dev.onnxinspect.arrow.columns.IpcFiles.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrow IPC files the tests write, read back to the batches their contents give by hand. */
class ArrowColumnsTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close(); // a leak of the writers fails the test
    }

    private Path write(String name, Schema schema, int[] rows, List<Consumer<VectorSchemaRoot>> fillers)
            throws IOException {
        return IpcFiles.write(dir.resolve(name), allocator, schema, rows, fillers);
    }

    private static List<Batch> readAll(DataSpec spec, int batchSize) throws IOException {
        try (FileSource source = spec.open()) {
            List<Batch> out = new ArrayList<>();
            source.batches(batchSize).forEachRemaining(out::add);
            return out;
        }
    }

    /** Tokens in two record batches: [5, 6, 7], [8] | [9, 10], [] ; labels 1, 0 | 2, 1. */
    private Path tokens() throws IOException {
        Schema schema = new Schema(List.of(IpcFiles.list("tokens", INT64), IpcFiles.scalar("label", INT32)));
        return write(
                "tokens.arrow",
                schema,
                new int[] {2, 2},
                List.of(
                        root -> {
                            IpcFiles.longLists(root, "tokens", new long[] {5, 6, 7}, new long[] {8});
                            IpcFiles.numbers(root, "label", 1, 0);
                        },
                        root -> {
                            IpcFiles.longLists(root, "tokens", new long[] {9, 10}, new long[0]);
                            IpcFiles.numbers(root, "label", 2, 1);
                        }));
    }

    @Test
    void variableListsArePaddedPerBatchWithTheMaskBuilt() throws IOException {
        Path file = tokens();
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("input_ids", file, "tokens"))
                .input(InputMapping.maskOf("attention_mask", "input_ids"))
                .labels(file, "label")
                .build();
        try (FileSource source = spec.open()) {
            assertThat(source.size()).isEqualTo(4);
            assertThat(source.inputs())
                    .containsExactly(
                            new InputSpec("input_ids", ElementType.INT64, new long[] {-1}),
                            new InputSpec("attention_mask", ElementType.INT64, new long[] {-1}));
            Iterator<Batch> it = source.batches(3);
            // rows 0-2 span the two record batches; the longest has 3 values
            Batch first = it.next();
            assertThat(first.input("input_ids").shape()).containsExactly(3, 3);
            assertThat((long[]) first.input("input_ids").data()).containsExactly(5, 6, 7, 8, 0, 0, 9, 10, 0);
            assertThat((long[]) first.input("attention_mask").data()).containsExactly(1, 1, 1, 1, 0, 0, 1, 1, 0);
            assertThat(first.labels()).containsExactly(1, 0, 2);
            // row 3 is empty: a batch of one row of length 0
            Batch second = it.next();
            assertThat(second.input("input_ids").shape()).containsExactly(1, 0);
            assertThat(second.labels()).containsExactly(1);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void declaredLengthPadsEveryRowAndConvertsWithThePadValue() throws IOException {
        Path file = tokens();
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("ids", file, "tokens")
                        .withSampleShape(4)
                        .withType(ElementType.INT32)
                        .withPadValue(-1))
                .input(InputMapping.maskOf("mask", "ids").withType(ElementType.FLOAT))
                .build();
        Batch b = readAll(spec, 4).get(0);
        assertThat(b.input("ids").shape()).containsExactly(4, 4);
        assertThat((int[]) b.input("ids").data())
                .containsExactly(5, 6, 7, -1, 8, -1, -1, -1, 9, 10, -1, -1, -1, -1, -1, -1);
        assertThat((float[]) b.input("mask").data()).containsExactly(1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(b.labels()).isNull();
    }

    @Test
    void rowLongerThanTheDeclaredLengthIsRefusedNamingTheRow() throws IOException {
        Path file = tokens();
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("ids", file, "tokens").withSampleShape(2))
                .build();
        assertThatThrownBy(() -> readAll(spec, 4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 0 of column 'tokens' of " + file)
                .hasMessageContaining("holds 3 values")
                .hasMessageContaining("truncate");
    }

    @Test
    void fixedSizeListsAndTensorsGiveTheirShape() throws IOException {
        Schema schema = new Schema(List.of(
                IpcFiles.fixedList("flat", 4, FLOAT32),
                IpcFiles.tensor("image", 4, FLOAT32, "{\"shape\":[2,2],\"dim_names\":[\"H\",\"W\"]}")));
        Path file = write("tensors.arrow", schema, new int[] {2}, List.of(root -> {
            IpcFiles.floatLists(root, "flat", new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8});
            IpcFiles.floatLists(root, "image", new float[] {0, 1, 2, 3}, new float[] {4, 5, 6, 7});
        }));
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("flat", file, "flat"))
                .input(InputMapping.column("image", file, "image"))
                .input(InputMapping.column("reshaped", file, "flat")
                        .withSampleShape(1, 2, 2)
                        .withType(ElementType.DOUBLE))
                .build();
        try (FileSource source = spec.open()) {
            assertThat(source.inputs())
                    .extracting(InputSpec::sampleShape)
                    .containsExactly(new long[] {4}, new long[] {2, 2}, new long[] {1, 2, 2});
            Batch b = source.batches(2).next();
            assertThat((float[]) b.input("flat").data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(b.input("image").shape()).containsExactly(2, 2, 2);
            assertThat((float[]) b.input("image").data()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            assertThat((double[]) b.input("reshaped").data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        }
    }

    @Test
    void tensorWithAPermutationIsRefused() throws IOException {
        Schema schema =
                new Schema(List.of(IpcFiles.tensor("t", 4, FLOAT32, "{\"shape\":[2,2],\"permutation\":[1,0]}")));
        Path file = write(
                "perm.arrow",
                schema,
                new int[] {1},
                List.of(root -> IpcFiles.floatLists(root, "t", new float[] {1, 2, 3, 4})));
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("t", file, "t"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("column 't' of " + file)
                .hasMessageContaining("permutation [1, 0]");
    }

    @Test
    void numberColumnsFeedScalarsOrOneVectorPerRow() throws IOException {
        Schema schema = new Schema(List.of(
                IpcFiles.scalar("age", INT32),
                IpcFiles.scalar("height", FLOAT64),
                IpcFiles.scalar("ok", ArrowType.Bool.INSTANCE),
                IpcFiles.scalar("code", new ArrowType.Int(8, false)),
                IpcFiles.scalar("half", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF))));
        Path file = write("table.arrow", schema, new int[] {2}, List.of(root -> {
            IpcFiles.numbers(root, "age", 30, 41);
            IpcFiles.numbers(root, "height", 1.5, 1.75);
            IpcFiles.numbers(root, "ok", 1, 0);
            IpcFiles.numbers(root, "code", 200, 7);
            IpcFiles.numbers(root, "half", 0.5, -2.0);
        }));
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("age", file, "age"))
                .input(InputMapping.columns("features", file, List.of("age", "height", "ok"))
                        .withType(ElementType.FLOAT))
                .input(InputMapping.column("code", file, "code"))
                .input(InputMapping.column("half", file, "half").withType(ElementType.DOUBLE))
                .input(InputMapping.column("flag", file, "ok"))
                .build();
        Batch b = readAll(spec, 2).get(0);
        assertThat(b.input("age").shape()).containsExactly(2);
        assertThat((int[]) b.input("age").data()).containsExactly(30, 41);
        assertThat(b.input("features").shape()).containsExactly(2, 3);
        assertThat((float[]) b.input("features").data()).containsExactly(30f, 1.5f, 1f, 41f, 1.75f, 0f);
        assertThat((byte[]) b.input("code").data()).containsExactly((byte) 200, (byte) 7); // uint8 200
        assertThat((double[]) b.input("half").data()).containsExactly(0.5, -2.0);
        assertThat((byte[]) b.input("flag").data()).containsExactly(1, 0);
    }

    @Test
    void missingColumnListsTheColumnsThereAre() throws IOException {
        Path file = tokens();
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("input_ids", file, "ids"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input input_ids")
                .hasMessageContaining("column 'ids'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("[tokens, label]")
                .hasMessageNotContaining("\n");
    }

    @Test
    void columnsOfTheWrongTypeAreRefusedWithTheFix() throws IOException {
        Schema schema = new Schema(List.of(
                IpcFiles.scalar("text", ArrowType.Utf8.INSTANCE),
                IpcFiles.scalar("score", FLOAT32),
                IpcFiles.scalar("big", new ArrowType.Int(32, false)),
                new Field(
                        "nested",
                        IpcFiles.list("nested", INT64).getFieldType(),
                        List.of(IpcFiles.list("inner", INT64)))));
        Path file = write("bad.arrow", schema, new int[] {0}, List.of(root -> {}));
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "text"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("column 'text' of " + file)
                .hasMessageContaining("tokenize");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("ids", file, "score").withType(ElementType.INT64))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input ids")
                .hasMessageContaining("holds FLOAT values")
                .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "big"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unsigned 32-bit")
                .hasMessageContaining("int64");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "nested"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nested lists");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "score"))
                        .labels(file, "score")
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("label column 'score'")
                .hasMessageContaining("integer");
    }

    @Test
    void wrongLengthIsRefusedNamingInputAndFile() throws IOException {
        Schema schema = new Schema(List.of(IpcFiles.fixedList("flat", 4, FLOAT32)));
        Path file = write(
                "flat.arrow",
                schema,
                new int[] {1},
                List.of(root -> IpcFiles.floatLists(root, "flat", new float[] {1, 2, 3, 4})));
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("image", file, "flat").withSampleShape(3, 32, 32))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input image")
                .hasMessageContaining("3072 values")
                .hasMessageContaining("column 'flat' of " + file)
                .hasMessageContaining("holds 4 per row");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("image", file, "flat"))
                        .input(InputMapping.maskOf("mask", "image"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("never padded");
    }

    @Test
    void nullsAreRefusedNamingTheRow() throws IOException {
        Schema schema = new Schema(
                List.of(IpcFiles.scalar("x", FLOAT32), IpcFiles.list("ids", INT64), IpcFiles.scalar("label", INT64)));
        Path file = write(
                "nulls.arrow",
                schema,
                new int[] {2, 2},
                List.of(
                        root -> {
                            IpcFiles.numbers(root, "x", 1, 2);
                            IpcFiles.longLists(root, "ids", new long[] {1}, new long[] {2});
                            IpcFiles.numbers(root, "label", 0, 1);
                        },
                        root -> {
                            IpcFiles.numbers(root, "x", 3, null);
                            IpcFiles.longLists(root, "ids", null, new long[] {2});
                            IpcFiles.numbers(root, "label", null, 1);
                        }));
        assertThatThrownBy(() -> readAll(
                        DataSpec.builder()
                                .input(InputMapping.column("x", file, "x"))
                                .build(),
                        4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 3 of column 'x' of " + file)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> readAll(
                        DataSpec.builder()
                                .input(InputMapping.column("ids", file, "ids"))
                                .build(),
                        4))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 2 of column 'ids' of " + file);
        assertThatThrownBy(() -> readAll(
                        DataSpec.builder()
                                .input(InputMapping.column("ids", file, "x").withType(ElementType.DOUBLE))
                                .labels(file, "label")
                                .build(),
                        3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 2 of column 'label' of " + file)
                .hasMessageContaining("null label");
    }

    @Test
    void arrowAndNumpyFilesFeedOneSourceRowByRow() throws IOException {
        Path file = tokens();
        // a 4-row int64 .npy of the segment ids 0..3
        Path npy = dir.resolve("segments.npy");
        String header = "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }";
        String padded = header + " ".repeat(128 - 10 - header.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(128 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) padded.length())
                .put(padded.getBytes(StandardCharsets.US_ASCII));
        for (long i = 0; i < 4; i++) {
            b.putLong(i);
        }
        Files.write(npy, b.array());
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("ids", file, "tokens"))
                .input(InputMapping.file("segment", npy))
                .labels(file, "label")
                .build();
        List<Batch> batches = readAll(spec, 2);
        assertThat((long[]) batches.get(1).input("segment").data()).containsExactly(2, 3);
        assertThat((long[]) batches.get(1).input("ids").data()).containsExactly(9, 10, 0, 0);
        assertThat(batches.get(1).labels()).containsExactly(2, 1);
    }

    @Test
    void notAnArrowFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("text.arrow"), "a,b\n1,2\n");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "a"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file + " is not an Arrow IPC file")
                .hasMessageContaining("pa.ipc.new_file");
    }

    /**
     * Streams 10^6 rows of token lists (lengths 1..16, 8.5 on average: 68 MB of int64 values) in 100 record batches
     * and checks that the heap in use stays far below the data's size: one record batch (off the heap) and one
     * output batch are held at a time.
     */
    @Test
    void millionRowsStreamInBoundedHeap() throws IOException {
        int batches = 100;
        int rowsPerBatch = 10_000;
        Schema schema = new Schema(List.of(IpcFiles.list("tokens", INT64), IpcFiles.scalar("label", INT32)));
        List<Consumer<VectorSchemaRoot>> fillers = new ArrayList<>();
        int[] rows = new int[batches];
        for (int k = 0; k < batches; k++) {
            int first = k * rowsPerBatch;
            rows[k] = rowsPerBatch;
            fillers.add(root -> {
                long[][] lists = new long[rowsPerBatch][];
                Integer[] labels = new Integer[rowsPerBatch];
                for (int r = 0; r < rowsPerBatch; r++) {
                    int row = first + r;
                    lists[r] = new long[row % 16 + 1];
                    Arrays.fill(lists[r], row);
                    labels[r] = row % 10;
                }
                IpcFiles.longLists(root, "tokens", lists);
                IpcFiles.numbers(root, "label", (Number[]) labels);
            });
        }
        Path file = write("large.arrow", schema, rows, fillers);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long baseline = rt.totalMemory() - rt.freeMemory();
        long peak = 0;
        long count = 0;
        long firstValues = 0;
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("ids", file, "tokens"))
                .input(InputMapping.maskOf("mask", "ids"))
                .labels(file, "label")
                .build();
        try (FileSource source = spec.open()) {
            Iterator<Batch> it = source.batches(256);
            int n = 0;
            while (it.hasNext()) {
                Batch b = it.next();
                firstValues += ((long[]) b.input("ids").data())[0];
                count += b.size();
                if (++n % 500 == 0) {
                    System.gc();
                    peak = Math.max(peak, rt.totalMemory() - rt.freeMemory() - baseline);
                }
            }
        }
        assertThat(count).isEqualTo(1_000_000);
        // batch k starts at row 256 k, whose tokens all equal its index: the sum of 256 k over k = 0 .. 3906
        assertThat(firstValues).isEqualTo(256L * 3906 * 3907 / 2);
        assertThat(peak).as("heap growth while streaming 68 MB of tokens").isLessThan(16L << 20);
    }
}
