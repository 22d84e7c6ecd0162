package dev.onnxinspect.parquet;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzing (Jazzer) of the Parquet reader: the input is written as a {@code .parquet} file whose column {@code x}
 * feeds input x (declared as 2 values per sample) and column {@code y} the labels, opened through DuckDB in this
 * process as the command line opens it, and every batch is read. The invariant: the file is read, or refused with
 * an {@link OnnxInspectException} naming it; never another exception (DuckDB's {@code Invalid argument} without the
 * file's name was one), never a hang and never a crash of the JVM.
 *
 * <p>Choice: in process, although the Parquet decoding is DuckDB's native code, which Jazzer does not instrument:
 * coverage guides the fuzzer only through the Java side (the schema and column planning, the Arrow C-data import,
 * the error paths), so this target mutates the seeds almost blindly. It still checks what matters here: that a
 * damaged file ends in a one-line refusal with every Arrow buffer released, and that no input crashes DuckDB inside
 * the JVM.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/dev/onnxinspect/parquet/ParquetFuzzTestInputs/parquetFile/}: the seeds written by
 * {@link #writeSeeds()} ({@code mvn test -Dtest=ParquetFuzzTest -Dfuzz.writeSeeds=true}) and every crash found.
 */
class ParquetFuzzTest {
    private static final Path ROOT = createRoot();
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/onnxinspect/parquet/ParquetFuzzTestInputs/parquetFile");

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("onnx-inspect-parquet-fuzz");
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"PAR1", "x", "y", "element", "list", "schema"})
    void parquetFile(byte[] data) throws IOException {
        Path file = Files.write(ROOT.resolve("x.parquet"), data);
        try {
            DataSpec spec = DataSpec.builder()
                    .input(InputMapping.column("x", file, "x").withSampleShape(new long[] {2}))
                    .labels(file, "y")
                    .build();
            try (FileSource source = spec.open()) {
                Iterator<Batch> batches = source.batches(3);
                long rows = 0;
                while (batches.hasNext()) {
                    rows += batches.next().size();
                }
                if (rows != source.size()) {
                    throw new AssertionError("read " + rows + " rows of " + source.size());
                }
            } catch (OnnxInspectException refused) {
                // a one-line refusal is a valid answer
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Writes the seeds with DuckDB's COPY: float lists, integer lists and scalars, one and two row groups. */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() throws SQLException, IOException {
        Files.createDirectories(SEEDS);
        String[][] seeds = {
            {
                "float-lists",
                "SELECT * FROM (VALUES ([1.0, 2.0]::FLOAT[], 0), ([3.0, 4.0]::FLOAT[], 1),"
                        + " ([5.0, 6.0]::FLOAT[], 2)) t(x, y)",
                "2"
            },
            {
                "int-lists",
                "SELECT * FROM (VALUES ([1, 2]::BIGINT[], 1::INTEGER), ([3, 4]::BIGINT[], 0::INTEGER))" + " t(x, y)",
                "10"
            },
            {"fixed-arrays", "SELECT [i, i + 1]::DOUBLE[2] AS x, i % 3 AS y FROM range(5) r(i)", "10"},
        };
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement s = c.createStatement()) {
            for (String[] seed : seeds) {
                Path file = SEEDS.toAbsolutePath().resolve("seed-" + seed[0] + ".parquet");
                s.execute("COPY (" + seed[1] + ") TO '" + file + "' (FORMAT parquet, ROW_GROUP_SIZE " + seed[2] + ")");
            }
        }
    }
}
