package dev.onnxinspect.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 5 for Parquet: every truncation (in steps of 5 bytes) and every byte inverted of a valid Parquet file
 * (the fuzz seeds, written by {@link ParquetFuzzTest#writeSeeds()}) is either read to the end or refused with a
 * {@link DatasetException} of {@link Kind#INVALID_INPUT} (exit code 3) in one line that names the file, and no Arrow
 * buffer is reported leaked. Before, DuckDB's errors while streaming came out as an I/O error (exit code 4), and one
 * damaged file made DuckDB's driver throw an {@link ArrayIndexOutOfBoundsException} (exit code 1).
 */
class CorruptParquetFileTest {
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/onnxinspect/parquet/ParquetFuzzTestInputs/parquetFile");

    @TempDir
    Path dir;

    private boolean refused(Path file, byte[] bytes, String what) throws IOException {
        Files.write(file, bytes);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("x", file, "x").withSampleShape(2))
                .labels(file, "y")
                .build();
        try (FileSource source = spec.open()) {
            source.batches(3).forEachRemaining(b -> {});
            return false;
        } catch (DatasetException e) {
            assertThat(e.getMessage()).as(what).contains(file.toString()).doesNotContain("\n");
            assertThat(e.kind()).as(what).isEqualTo(Kind.INVALID_INPUT);
            return true;
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    @Test
    void damagedParquetFilesAreRefusedNamingTheFileWithoutLeaks() throws IOException {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int refusals = 0;
        try {
            // the crash input the fuzzer found: DuckDB's driver threw ArrayIndexOutOfBoundsException on it
            try (var crashes = Files.list(SEEDS)) {
                for (Path crash : crashes.filter(p -> p.getFileName().toString().startsWith("crash-"))
                        .toList()) {
                    refusals +=
                            refused(dir.resolve("crash.parquet"), Files.readAllBytes(crash), crash.toString()) ? 1 : 0;
                }
            }
            byte[] good = Files.readAllBytes(SEEDS.resolve("seed-float-lists.parquet"));
            Path file = dir.resolve("x.parquet");
            for (int cut = 0; cut < good.length; cut += 5) {
                refusals += refused(file, Arrays.copyOf(good, cut), "cut at " + cut) ? 1 : 0;
            }
            for (int at = 0; at < good.length; at++) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) 0xff;
                refusals += refused(file, bad, "byte " + at + " inverted") ? 1 : 0;
            }
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("leak");
        assertThat(refusals).isPositive();
    }
}
