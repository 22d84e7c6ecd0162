package dev.onnxinspect.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataFormat;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet files written by DuckDB's own COPY, read back to the batches their SQL gives by hand. */
class ParquetFormatTest {
    @TempDir
    Path dir;

    /** Writes {@code select} to {@code name} as Parquet, {@code rowGroup} rows per row group. */
    private Path parquet(String name, String select, int rowGroup) throws SQLException {
        Path file = dir.resolve(name);
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet, ROW_GROUP_SIZE " + rowGroup + ")");
        }
        return file;
    }

    private static List<Batch> readAll(DataSpec spec, int batchSize) throws IOException {
        try (FileSource source = spec.open()) {
            List<Batch> out = new ArrayList<>();
            source.batches(batchSize).forEachRemaining(out::add);
            return out;
        }
    }

    private Path tokens() throws SQLException {
        return parquet(
                "tokens.parquet",
                "SELECT * FROM (VALUES (0, [5, 6, 7]::BIGINT[], 1), (1, [8]::BIGINT[], 0),"
                        + " (2, [9, 10]::BIGINT[], 2), (3, []::BIGINT[], 1)) t(i, tokens, label) ORDER BY i",
                2);
    }

    @Test
    void formatIsFoundByTheFileEnding() {
        assertThat(DataFormat.forFile(Path.of("x.parquet"))).isInstanceOf(ParquetFormat.class);
    }

    @Test
    void tokenListsArePaddedPerBatchWithTheMaskBuiltAndLabels() throws Exception {
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
            Batch first = it.next();
            // [5, 6, 7], [8], [9, 10] padded to 3
            assertThat((long[]) first.input("input_ids").data()).containsExactly(5, 6, 7, 8, 0, 0, 9, 10, 0);
            assertThat((long[]) first.input("attention_mask").data()).containsExactly(1, 1, 1, 1, 0, 0, 1, 1, 0);
            assertThat(first.labels()).containsExactly(1, 0, 2);
            Batch second = it.next();
            assertThat(second.input("input_ids").shape()).containsExactly(1, 0);
            assertThat(second.labels()).containsExactly(1);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void declaredShapeMakesListsOfFloatsImagesAndScalarsConvert() throws Exception {
        Path file = parquet(
                "mixed.parquet",
                "SELECT * FROM (VALUES (0, [0.5, 1, 2, 3]::FLOAT[], 30, 1.5::DOUBLE,"
                        + " true, 200::UTINYINT), (1, [4, 5, 6, 7.25]::FLOAT[], 41, 2.5, false, 7)) t(i, pixels, age, h, ok,"
                        + " code) ORDER BY i",
                1);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("image", file, "pixels").withSampleShape(1, 2, 2))
                .input(InputMapping.columns("features", file, List.of("age", "h", "ok"))
                        .withType(ElementType.FLOAT))
                .input(InputMapping.column("code", file, "code"))
                .input(InputMapping.column("age", file, "age").withType(ElementType.INT64))
                .build();
        Batch b = readAll(spec, 2).get(0);
        assertThat(b.input("image").shape()).containsExactly(2, 1, 2, 2);
        assertThat((float[]) b.input("image").data()).containsExactly(0.5f, 1, 2, 3, 4, 5, 6, 7.25f);
        assertThat((float[]) b.input("features").data()).containsExactly(30, 1.5f, 1, 41, 2.5f, 0);
        assertThat((byte[]) b.input("code").data()).containsExactly((byte) 200, (byte) 7);
        assertThat((long[]) b.input("age").data()).containsExactly(30L, 41L);
    }

    @Test
    void rowsComeInFileOrderAcrossRowGroupsAndRecordBatches() throws Exception {
        // 10,000 rows in row groups of 1,000: DuckDB's record batches of 4,096 rows do not align with our 300
        Path file = parquet(
                "order.parquet",
                "SELECT i::BIGINT AS x, (i % 7)::INTEGER AS label FROM range(10000)" + " t(i) ORDER BY i",
                1000);
        long expected = 0;
        for (Batch b : readAll(
                DataSpec.builder()
                        .input(InputMapping.column("x", file, "x"))
                        .labels(file, "label")
                        .build(),
                300)) {
            long[] x = (long[]) b.input("x").data();
            for (int r = 0; r < b.size(); r++) {
                assertThat(x[r]).isEqualTo(expected);
                assertThat(b.labels()[r]).isEqualTo((int) (expected % 7));
                expected++;
            }
        }
        assertThat(expected).isEqualTo(10000);
    }

    @Test
    void badColumnsAreRefusedNamingInputAndFile() throws Exception {
        Path file = parquet(
                "bad.parquet",
                "SELECT 'hello' AS text, 1.5::FLOAT AS score, [1, 2]::INTEGER[] AS ids," + " 2.5::DOUBLE AS y",
                10);
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("input_ids", file, "ids_typo"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("input input_ids")
                .hasMessageContaining("'ids_typo'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("[text, score, ids, y]")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "text"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("tokenize");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "score").withType(ElementType.INT64))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("column 'score' of " + file)
                .hasMessageContaining("FLOAT");
        assertThatThrownBy(() -> readAll(
                        DataSpec.builder()
                                .input(InputMapping.column("x", file, "ids").withSampleShape(3, 1))
                                .build(),
                        1))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("row 0 of column 'ids' of " + file)
                .hasMessageContaining("holds 2 values");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "score"))
                        .labels(file, "y")
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("label column 'y'");
    }

    @Test
    void notAParquetFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("text.parquet"), "a,b\n1,2\n");
        assertThatThrownBy(() -> DataSpec.builder()
                        .input(InputMapping.column("x", file, "a"))
                        .build()
                        .open())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file + " is not a Parquet file")
                .hasMessageContaining("to_parquet")
                .hasMessageNotContaining("\n");
    }

    @Test
    void passesAreIndependentAndClosingStopsThem() throws Exception {
        Path file = tokens();
        try (FileSource source = DataSpec.builder()
                .input(InputMapping.column("ids", file, "tokens"))
                .build()
                .open()) {
            Iterator<Batch> a = source.batches(1);
            Iterator<Batch> b = source.batches(2);
            assertThat((long[]) a.next().input("ids").data()).containsExactly(5, 6, 7);
            assertThat((long[]) b.next().input("ids").data()).containsExactly(5, 6, 7, 8, 0, 0);
            assertThat((long[]) a.next().input("ids").data()).containsExactly(8);
        }
    }

    /**
     * Streams 10^6 rows of token lists (lengths 1..16) and labels from Parquet and checks the heap in use stays far
     * below the 68 MB of values: DuckDB streams record batches (its native memory is measured in the README).
     */
    @Test
    void millionRowsStreamInBoundedHeap() throws Exception {
        Path file = parquet(
                "large.parquet",
                "SELECT (i % 10)::INTEGER AS label, list_transform(range((i % 16) + 1),"
                        + " x -> i) AS tokens FROM range(1000000) t(i) ORDER BY i",
                100_000);
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
        // batch k starts at row 256 k, whose tokens all equal its index
        assertThat(firstValues).isEqualTo(256L * 3906 * 3907 / 2);
        assertThat(peak).as("heap growth while streaming 10^6 rows").isLessThan(16L << 20);
    }
}
