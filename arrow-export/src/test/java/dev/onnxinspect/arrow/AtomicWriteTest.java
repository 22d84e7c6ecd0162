package dev.onnxinspect.arrow;

import static dev.onnxinspect.arrow.TestTables.DATASETS;
import static dev.onnxinspect.arrow.TestTables.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §12: a file appears under its final name only complete; a failure leaves the previous file intact. */
class AtomicWriteTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private final ArrowWriteOptions options =
            ArrowWriteOptions.builder().batchRows(3).build();

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private ActivationFrequencyWriter writer(Path file) throws IOException {
        return new ActivationFrequencyWriter(file, TestTables.metadata(), options, allocator, LAYERS, DATASETS);
    }

    private List<String> directoryListing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Writes {@code rows} rows (neurons 0..rows-1, count 1 of 2) and commits. */
    private void writeComplete(Path file, int rows) throws IOException {
        try (ActivationFrequencyWriter w = writer(file)) {
            for (int i = 0; i < rows; i++) {
                w.write("fc1", "S1", "mnist", 0, i, 1, 2);
            }
            w.commit();
        }
    }

    @Test
    void rowsGoToAHiddenTemporaryFileUntilCommit() throws IOException {
        Path file = dir.resolve("af.arrow");
        try (ActivationFrequencyWriter w = writer(file)) {
            for (int i = 0; i < 7; i++) {
                w.write("fc1", "S1", "mnist", 0, i, 1, 2);
            }
            // 7 rows in batches of 3: two full batches are already on disk, but only in the temporary file.
            assertThat(Files.exists(file)).isFalse();
            assertThat(directoryListing()).singleElement().asString().startsWith(".af.arrow.tmp-");
            w.commit();
        }
        assertThat(directoryListing()).containsExactly("af.arrow");
        assertThat(ArrowTables.read(file, allocator).rows()).hasSize(7);
    }

    @Test
    void aCommittedTableIsReadableByOthersLikeAPlainFile() throws IOException {
        Path file = dir.resolve("af.arrow");
        writeComplete(file, 1);
        // a file created the ordinary way gets 0666 & ~umask; Files.createTempFile would give 0600
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX");
        Path plain = Files.write(dir.resolve("plain"), new byte[] {1});
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ), "umask 0x7");
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Files.getPosixFilePermissions(plain))
                .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }

    @Test
    void anExceptionMidWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("af.arrow");
        writeComplete(file, 2);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> {
                    try (ActivationFrequencyWriter w = writer(file)) {
                        for (int i = 0; i < 100; i++) {
                            if (i == 50) {
                                throw new IllegalStateException("producer failed");
                            }
                            w.write("fc2", "S2", "mnist", 1, i, 0, 3);
                        }
                        w.commit();
                    }
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("producer failed");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(directoryListing()).containsExactly("af.arrow");
        assertThat(ArrowTables.read(file, allocator).rows()).hasSize(2);
    }

    @Test
    void aFailedFirstWriteLeavesNothingUnderTheFinalName() throws IOException {
        Path file = dir.resolve("af.arrow");
        try (ActivationFrequencyWriter w = writer(file)) {
            w.write("fc1", "S1", "mnist", 0, 0, 1, 2);
            // an invalid row (count above class size) throws; the writer is then closed without commit.
            assertThatThrownBy(() -> w.write("fc1", "S1", "mnist", 0, 1, 3, 2))
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessageContaining("count must be between 0 and class_size 2, got 3");
        }
        assertThat(directoryListing()).isEmpty();
    }

    @Test
    void abortDeletesTheTemporaryFileAndIsIdempotent() throws IOException {
        Path file = dir.resolve("af.arrow");
        writeComplete(file, 1);
        ActivationFrequencyWriter w = writer(file);
        for (int i = 0; i < 10; i++) {
            w.write("fc1", "S1", "mnist", 0, i, 1, 2);
        }
        w.abort();
        w.abort();
        w.close();
        assertThat(directoryListing()).containsExactly("af.arrow");
        assertThat(ArrowTables.read(file, allocator).rows()).hasSize(1);
        assertThatThrownBy(() -> w.write("fc1", "S1", "mnist", 0, 0, 1, 2))
                .isInstanceOf(ArrowExportException.class)
                .hasMessageContaining("already aborted");
        assertThatThrownBy(w::commit).isInstanceOf(ArrowExportException.class);
    }

    @Test
    void commitReplacesThePreviousFileAndCloseAfterCommitKeepsIt() throws IOException {
        Path file = dir.resolve("af.arrow");
        writeComplete(file, 1);
        writeComplete(file, 5);
        assertThat(ArrowTables.read(file, allocator).rows()).hasSize(5);
        assertThat(directoryListing()).containsExactly("af.arrow");
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        Path file = dir.resolve("missing").resolve("af.arrow");
        assertThatThrownBy(() -> writer(file))
                .isInstanceOf(ArrowExportException.class)
                .hasMessageContaining("does not exist; create it first");
    }
}
