package dev.onnxinspect.arrow.columns;

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
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing (Jazzer) of the Arrow IPC reader ({@code ArrowIpcFormat} with {@link ArrowColumns}): the
 * input is written as an {@code .arrow} file whose column {@code x} feeds input x and column {@code y} the labels,
 * opened as the command line opens it, and every batch is read. The invariant: the file is read, or refused with an
 * {@link OnnxInspectException} naming it; never another exception (an {@link IOException} of a corrupt file, an
 * {@link IndexOutOfBoundsException} from Arrow, or a leak reported when the table's allocator closes), never a hang
 * and never an {@link OutOfMemoryError} in the 1 GiB heap of {@code scripts/fuzz.sh}.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/dev/onnxinspect/arrow/columns/ArrowIpcFuzzTestInputs/arrowFile/}: the seeds written by
 * {@link #writeSeeds()} ({@code mvn test -Dtest=ArrowIpcFuzzTest -Dfuzz.writeSeeds=true}) and every crash found.
 */
class ArrowIpcFuzzTest {
    private static final Path ROOT = createRoot();
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/onnxinspect/arrow/columns/ArrowIpcFuzzTestInputs/arrowFile");

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("onnx-inspect-arrow-fuzz");
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"ARROW1", "x", "y", "item"})
    void arrowFile(byte[] data) throws IOException {
        Path file = Files.write(ROOT.resolve("x.arrow"), data);
        try {
            read(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void read(Path file) throws IOException {
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("x", file, "x"))
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
    }

    /** Writes the seeds: valid tables of the shapes the reader takes (fixed-size lists, lists, scalars). */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() throws IOException {
        Files.createDirectories(SEEDS);
        try (BufferAllocator allocator = new RootAllocator()) {
            Schema fixed = new Schema(
                    List.of(IpcFiles.fixedList("x", 2, IpcFiles.FLOAT32), IpcFiles.scalar("y", IpcFiles.INT64)));
            IpcFiles.write(
                    SEEDS.resolve("seed-fixed-list.arrow"),
                    allocator,
                    fixed,
                    new int[] {2, 1},
                    List.of(
                            r -> {
                                IpcFiles.floatLists(r, "x", new float[] {1, 2}, new float[] {3, 4});
                                IpcFiles.numbers(r, "y", 0L, 1L);
                            },
                            r -> {
                                IpcFiles.floatLists(r, "x", new float[] {5, 6});
                                IpcFiles.numbers(r, "y", 2L);
                            }));
            Schema lists =
                    new Schema(List.of(IpcFiles.list("x", IpcFiles.INT64), IpcFiles.scalar("y", IpcFiles.INT32)));
            IpcFiles.write(SEEDS.resolve("seed-list.arrow"), allocator, lists, new int[] {3}, List.of(r -> {
                IpcFiles.longLists(r, "x", new long[] {1, 2, 3}, new long[] {4}, new long[] {});
                IpcFiles.numbers(r, "y", 1, 0, 1);
            }));
            Schema scalars =
                    new Schema(List.of(IpcFiles.scalar("x", IpcFiles.FLOAT64), IpcFiles.scalar("y", IpcFiles.INT64)));
            IpcFiles.write(SEEDS.resolve("seed-scalars.arrow"), allocator, scalars, new int[] {2}, List.of(r -> {
                IpcFiles.numbers(r, "x", 0.5, null);
                IpcFiles.numbers(r, "y", 3L, 4L);
            }));
        }
    }
}
