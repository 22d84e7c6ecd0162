package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §12, "a crash never leaves a truncated result under the final name", tested with a real crash: a child JVM
 * ({@link SlowWriterMain}) streams an endless table into the file and is killed (SIGKILL) mid-write. The previous
 * complete file must be byte for byte intact; the only trace is the hidden temporary file.
 */
class KilledWriterProcessTest {
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

    @Test
    void aWriterKilledMidFileLeavesThePreviousFileIntact() throws IOException, InterruptedException {
        Path file = dir.resolve("activation_frequency.arrow");
        try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                file,
                TestTables.metadata(),
                ArrowWriteOptions.defaults(),
                allocator,
                TestTables.LAYERS,
                TestTables.DATASETS)) {
            w.write("fc2", "S2", "fashion-test", 3, 9, 1, 4);
            w.commit();
        }
        byte[] before = Files.readAllBytes(file);

        Process child = startChild(file);
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            // wait until 5 batches (5000 rows) are in the temporary file.
            String line;
            do {
                line = out.readLine();
                assertThat(line)
                        .as("the child process ended before writing 5 batches")
                        .isNotNull();
            } while (!line.equals("batch 4"));
            List<Path> temporary = hiddenFiles();
            assertThat(temporary)
                    .singleElement()
                    .satisfies(t -> assertThat(Files.size(t)).isPositive());
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS))
                    .as("the child process died")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        ArrowTables.Table t = ArrowTables.read(file, allocator);
        assertThat(t.rows()).hasSize(1);
        assertThat(t.rows().get(0)).containsEntry("layer", "fc2").containsEntry("frequency", 0.25);
        // the killed writer's partial table is only in its hidden temporary file.
        assertThat(hiddenFiles()).singleElement().asString().contains(".activation_frequency.arrow.tmp-");
    }

    /** Reads the child's output until it reports {@code batch 4}: 5 batches are in its temporary file. */
    private static void awaitFiveBatches(BufferedReader out) throws IOException {
        String line;
        do {
            line = out.readLine();
            assertThat(line)
                    .as("the child process ended before writing 5 batches")
                    .isNotNull();
        } while (!line.equals("batch 4"));
    }

    @Test
    void aLiveWritersTemporaryFileIsKeptAndACrashedOnesIsDeletedByTheNextWrite() throws Exception {
        Path file = dir.resolve("activation_frequency.arrow");
        FileTime old =
                FileTime.from(Instant.now().minus(AtomicFiles.STALE_AFTER).minus(Duration.ofMinutes(1)));
        Process child = startChild(file);
        Path temporary;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            awaitFiveBatches(out);
            temporary = hiddenFiles().get(0);
            // old, but locked by the live child: another writer in this directory must leave it
            Files.setLastModifiedTime(temporary, old);
            AtomicFiles.write(dir.resolve("other.bin"), new byte[] {1});
            assertThat(temporary).exists();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS))
                    .as("the child process died")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        // the killed writer's lock died with it; its file is stale once old enough
        Files.setLastModifiedTime(temporary, old);
        AtomicFiles.write(dir.resolve("other.bin"), new byte[] {2});
        assertThat(hiddenFiles()).isEmpty();
    }

    @Test
    void aResultDirectoryWrittenByAnotherProcessIsRefusedAtOnce() throws Exception {
        Path results = dir.resolve("run");
        Process child = startChild(results, "directory");
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            awaitFiveBatches(out);
            assertThatThrownBy(() -> ArrowResultDirectory.create(
                            results, TestTables.metadata(), ArrowWriteOptions.defaults(), allocator, Map.of()))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessage("cannot write into " + results + ": another run (process " + child.pid() + ") is"
                            + " writing its results there (lock file .onnx-inspect.lock); wait for it to finish or"
                            + " give another directory");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS))
                    .as("the child process died")
                    .isTrue();
        } finally {
            child.destroyForcibly();
        }
        // the killed run's lock died with it: the next run takes the directory and removes the lock file at the end
        try (ArrowResultDirectory next = ArrowResultDirectory.create(
                results, TestTables.metadata(), ArrowWriteOptions.defaults(), allocator, Map.of())) {
            next.commit();
        }
        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("manifest.json")
                    .doesNotContain(".onnx-inspect.lock");
        }
    }

    private Process startChild(Path file, String... more) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                java.toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SlowWriterMain.class.getName(),
                file.toString());
        builder.command().addAll(List.of(more));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private List<Path> hiddenFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
