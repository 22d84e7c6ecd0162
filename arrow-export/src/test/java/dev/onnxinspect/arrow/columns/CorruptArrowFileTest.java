package dev.onnxinspect.arrow.columns;

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
 * Issue 13, item 5: a corrupt Arrow IPC file is refused with one line that names the file (a
 * {@link DatasetException}, exit code 3), with every Arrow buffer released on the error path. Before, such files gave
 * an {@link IndexOutOfBoundsException} (exit code 1), Arrow's "Memory was leaked" report, or an I/O error without the
 * file's name. The files: every truncation and every single-byte corruption of the fuzz seeds (written by
 * {@link ArrowIpcFuzzTest#writeSeeds()}); each is either read to the end or refused that way, and nothing reports a
 * leak (the reader's allocator closing with memory still allocated throws, and Arrow logs it on stderr).
 */
class CorruptArrowFileTest {
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/onnxinspect/arrow/columns/ArrowIpcFuzzTestInputs/arrowFile");

    @TempDir
    Path dir;

    private int refused;

    private void check(Path file, byte[] bytes, String what) throws IOException {
        Files.write(file, bytes);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("x", file, "x"))
                .labels(file, "y")
                .build();
        try (FileSource source = spec.open()) {
            source.batches(3).forEachRemaining(b -> {});
        } catch (DatasetException e) {
            refused++;
            assertThat(e.getMessage()).as(what).contains(file.toString()).doesNotContain("\n");
            assertThat(e.kind()).as(what).isEqualTo(Kind.INVALID_INPUT);
        } catch (RuntimeException | IOException | Error e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    @Test
    void everyTruncationAndByteCorruptionIsReadOrRefusedInOneLineNamingTheFileWithoutLeaks() throws IOException {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int files = 0;
        try {
            for (String seed : new String[] {"seed-fixed-list.arrow", "seed-list.arrow"}) {
                byte[] good = Files.readAllBytes(SEEDS.resolve(seed));
                Path file = dir.resolve("corrupt.arrow");
                for (int cut = 0; cut < good.length; cut += 3) {
                    check(file, Arrays.copyOf(good, cut), seed + " cut at " + cut);
                    files++;
                }
                for (int at = 0; at < good.length; at++) {
                    for (int flip : new int[] {0x01, 0x80, 0xff}) {
                        byte[] bad = good.clone();
                        bad[at] ^= (byte) flip;
                        check(file, bad, seed + " byte " + at + " ^ " + flip);
                        files++;
                    }
                }
            }
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("leak").doesNotContain("Leak");
        // most corruptions are refused (the rest change a value or padding only)
        assertThat(refused).isGreaterThan(files / 2);
    }
}
