package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image tables as data sources; pixel {@code k} of sample {@code s} is {@code 10 s + k}, its label {@code s % 3}. */
class ArrowImageSourceTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private static List<Batch> all(Iterator<Batch> batches) {
        List<Batch> out = new ArrayList<>();
        batches.forEachRemaining(out::add);
        return out;
    }

    private static void assertSamples(List<Batch> batches, int pixels, int total) {
        int sample = 0;
        for (Batch batch : batches) {
            for (int i = 0; i < batch.size(); i++, sample++) {
                for (int k = 0; k < pixels; k++) {
                    assertThat(batch.data()[i * pixels + k]).isEqualTo(ImageTables.pixel(sample, k));
                }
                if (batch.labelled()) {
                    assertThat(batch.labels()[i]).isEqualTo(sample % 3);
                }
            }
        }
        assertThat(sample).isEqualTo(total);
    }

    @Test
    void fixedSizeListImagesStreamAcrossRecordBatches() throws IOException {
        Path file = dir.resolve("digits.arrow");
        // record batches of 2, 3, 0 and 1 rows: 6 samples.
        ImageTables.writeList(file, allocator, 4, false, new int[] {2, 3, 0, 1}, -1);
        try (ArrowImageSource source =
                ArrowImageSource.builder(file, allocator).sampleShape(1, 2, 2).build()) {
            assertThat(source.name()).isEqualTo("digits");
            assertThat(source.size()).isEqualTo(6);
            assertThat(source.labelled()).isTrue();
            assertThat(source.sampleShape()).containsExactly(1, 2, 2);
            // batches of 4 span the record batches: sizes 4 and 2.
            List<Batch> batches = all(source.batches(4));
            assertThat(batches).extracting(Batch::size).containsExactly(4, 2);
            assertThat(batches.get(0).sampleShape()).containsExactly(1, 2, 2);
            assertSamples(batches, 4, 6);
            // a second pass starts again from the first sample.
            List<Batch> again = all(source.batches(5));
            assertThat(again).extracting(Batch::size).containsExactly(5, 1);
            assertSamples(again, 4, 6);
        }
    }

    @Test
    void float64ImagesAreConvertedToFloat32AndLabelsCanBeIgnored() throws IOException {
        Path file = dir.resolve("d.arrow");
        ImageTables.writeList(file, allocator, 3, true, new int[] {3}, -1);
        try (ArrowImageSource source = ArrowImageSource.builder(file, allocator)
                .unlabelled()
                .name("ood")
                .build()) {
            assertThat(source.name()).isEqualTo("ood");
            assertThat(source.labelled()).isFalse();
            assertThat(source.sampleShape()).containsExactly(3);
            List<Batch> batches = all(source.batches(10));
            assertThat(batches)
                    .singleElement()
                    .satisfies(b -> assertThat(b.labels()).isNull());
            assertSamples(batches, 3, 3);
        }
    }

    @Test
    void onePixelPerColumn() throws IOException {
        Path file = dir.resolve("cols.arrow");
        ImageTables.writeColumns(file, allocator, 3, 5, -1);
        // default: every floating-point column but the label, in schema order (the int64 id is skipped).
        try (ArrowImageSource source = ArrowImageSource.builder(file, allocator).build()) {
            assertThat(source.sampleShape()).containsExactly(3);
            assertThat(source.size()).isEqualTo(5);
            assertSamples(all(source.batches(2)), 3, 5);
        }
        // explicit columns in another order: pixel 0 of the sample is then p2 = 10 s + 2.
        try (ArrowImageSource source = ArrowImageSource.builder(file, allocator)
                .pixelColumns(List.of("p2", "p0"))
                .build()) {
            Batch first = source.batches(1).next();
            assertThat(first.data()).containsExactly(2f, 0f);
        }
    }

    @Test
    void nullsAreErrorsThatNameTheRow() throws IOException {
        Path file = dir.resolve("n.arrow");
        ImageTables.writeList(file, allocator, 4, false, new int[] {2, 3}, 3);
        try (ArrowImageSource source = ArrowImageSource.builder(file, allocator).build()) {
            Iterator<Batch> pass = source.batches(2);
            assertThat(pass.next().size()).isEqualTo(2);
            assertThatThrownBy(pass::next)
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessageContaining("row 3 of")
                    .hasMessageContaining("null pixel 1")
                    .hasMessageContaining("must not contain nulls");
            // the failed pass closed itself.
            assertThat(pass.hasNext()).isFalse();
        }
        Path cols = dir.resolve("c.arrow");
        ImageTables.writeColumns(cols, allocator, 2, 4, 2);
        try (ArrowImageSource source = ArrowImageSource.builder(cols, allocator).build()) {
            assertThatThrownBy(() -> all(source.batches(8)))
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessageContaining("row 2 of")
                    .hasMessageContaining("column 'label'");
        }
    }

    @Test
    void missingAndMistypedColumnsAreClearErrors() throws IOException {
        Path file = dir.resolve("d.arrow");
        ImageTables.writeList(file, allocator, 4, false, new int[] {1}, -1);
        assertThatThrownBy(() -> ArrowImageSource.builder(file, allocator)
                        .imageColumn("pixels")
                        .build())
                .isInstanceOf(ArrowExportException.class)
                .hasMessageContaining("the image column 'pixels' is not in")
                .hasMessageContaining("[image, label]");
        assertThatThrownBy(() -> ArrowImageSource.builder(file, allocator)
                        .imageColumn("label")
                        .build())
                .hasMessageContaining("expected FixedSizeList<float32> or FixedSizeList<float64>");
        assertThatThrownBy(() -> ArrowImageSource.builder(file, allocator)
                        .labelColumn("image")
                        .build())
                .hasMessageContaining("expected an integer type");
        assertThatThrownBy(() -> ArrowImageSource.builder(file, allocator)
                        .labelColumn("y")
                        .build())
                .hasMessageContaining("the label column 'y' is not in");
        assertThatThrownBy(() -> ArrowImageSource.builder(file, allocator)
                        .sampleShape(3, 3)
                        .build())
                .hasMessageContaining("sample shape [3, 3] holds 9 values but the images of");
        Path notArrow = Files.writeString(dir.resolve("x.arrow"), "not an arrow file at all, just text");
        assertThatThrownBy(() -> ArrowImageSource.builder(notArrow, allocator).build())
                .isInstanceOf(ArrowExportException.class)
                .hasMessageContaining("is not an Arrow IPC file");
    }

    @Test
    void filesThatCannotBeReadAreFileErrors() throws IOException {
        assertThatThrownBy(() -> ArrowImageSource.builder(dir.resolve("none.arrow"), allocator)
                        .build())
                .isInstanceOf(ArrowExportException.class)
                .hasMessageContaining("none.arrow")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
        // a file removed after the source was opened: a pass cannot open it (a library exception, not an unchecked
        // IOException, as Iterator methods cannot throw checked ones)
        Path file = dir.resolve("d.arrow");
        ImageTables.writeList(file, allocator, 4, false, new int[] {1}, -1);
        try (ArrowImageSource source = ArrowImageSource.builder(file, allocator).build()) {
            Files.delete(file);
            assertThatThrownBy(() -> source.batches(1))
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessageContaining("cannot open")
                    .hasMessageContaining("d.arrow")
                    .hasFieldOrPropertyWithValue("kind", Kind.IO);
        }
        // wrong content is a bad input
        Path notArrow = Files.writeString(dir.resolve("x.arrow"), "not an arrow file at all, just text");
        assertThatThrownBy(() -> ArrowImageSource.builder(notArrow, allocator).build())
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void closingTheSourceClosesAnAbandonedPass() throws IOException {
        Path file = dir.resolve("d.arrow");
        ImageTables.writeList(file, allocator, 4, false, new int[] {2, 2}, -1);
        ArrowImageSource source = ArrowImageSource.builder(file, allocator).build();
        Iterator<Batch> pass = source.batches(1);
        pass.next();
        // the pass holds a loaded record batch; closing the source must release it (else @AfterEach fails).
        assertThat(allocator.getAllocatedMemory()).isPositive();
        source.close();
        source.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
        assertThatThrownBy(() -> source.batches(1)).hasMessageContaining("is closed");
    }

    @Test
    void compressedImageTablesAreRead() throws IOException {
        for (Compression compression : new Compression[] {Compression.LZ4_FRAME, Compression.ZSTD}) {
            Path file = dir.resolve(compression + ".arrow");
            ImageTables.writeList(file, allocator, 4, false, new int[] {3, 2}, -1, compression);
            try (ArrowImageSource source =
                    ArrowImageSource.builder(file, allocator).build()) {
                assertThat(source.size()).isEqualTo(5);
                assertSamples(all(source.batches(2)), 4, 5);
            }
        }
    }
}
