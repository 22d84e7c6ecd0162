package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    /**
     * The permissions of {@code saved} equal those of a file made by {@link Files#newOutputStream} in the same
     * directory and, under a umask that lets others read (022, the usual one), include group and other read.
     * Skipped on a file system without POSIX permissions. Copied into each module's tests (no shared test jar).
     */
    static void assertReadableLikeAPlainFile(Path saved) throws IOException {
        assumeTrue(Files.getFileStore(saved).supportsFileAttributeView(PosixFileAttributeView.class),
                "the file system has no POSIX permissions");
        Path plain = saved.resolveSibling("plain-reference-file");
        try (OutputStream out = Files.newOutputStream(plain)) {
            out.write(1);
        }
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Files.delete(plain);
        assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(expected);
        assumeTrue(expected.contains(PosixFilePermission.OTHERS_READ), "the umask hides new files from others");
        assertThat(Files.getPosixFilePermissions(saved))
                .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }

    @Test
    void writesTheBytesWithTheDefaultPermissionsAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("a.bin");
        AtomicFiles.write(file, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertReadableLikeAPlainFile(file);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.bin");
        }
    }

    @Test
    void aWriterMayCloseTheStream() throws IOException {
        Path file = dir.resolve("text.properties");
        AtomicFiles.write(file, out -> {
            try (var w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8)) {
                w.write("k=\u00e9");
            }
        });
        // "k=" then U+00E9 as UTF-8 (0xC3 0xA9)
        assertThat(Files.readAllBytes(file)).containsExactly('k', '=', 0xC3, 0xA9);
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path file = Files.write(dir.resolve("a.txt"), new byte[] {9, 9, 9, 9});
        AtomicFiles.write(file, out -> out.write(new byte[] {7}));
        assertThat(Files.readAllBytes(file)).containsExactly(7);
    }

    @Test
    void aFailingWriterKeepsThePreviousFileAndDeletesTheTemporaryFile() throws IOException {
        Path file = Files.write(dir.resolve("keep.txt"), new byte[] {5});
        assertThatThrownBy(() -> AtomicFiles.write(file, out -> {
            out.write(new byte[] {1, 2});
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(Files.readAllBytes(file)).containsExactly(5);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
        }
    }

    @Test
    void aMissingDirectoryIsAnIoError() {
        assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("none/a.bin"), new byte[] {1}))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(dir.resolve("none")).doesNotExist();
    }
}
