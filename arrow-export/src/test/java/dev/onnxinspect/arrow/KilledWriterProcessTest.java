package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private Process startChild(Path file) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                java.toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SlowWriterMain.class.getName(),
                file.toString());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private List<Path> hiddenFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
