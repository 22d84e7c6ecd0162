package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
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
        assumeTrue(
                Files.getFileStore(saved).supportsFileAttributeView(PosixFileAttributeView.class),
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
            try (var w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
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
                }))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write " + file.toAbsolutePath() + ": disk full")
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.IO));
        assertThat(Files.readAllBytes(file)).containsExactly(5);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
        }
    }

    @Test
    void aMissingDirectoryIsAnIoError() {
        assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("none/a.bin"), new byte[] {1}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage(
                        "cannot write " + dir.resolve("none/a.bin").toAbsolutePath() + ": no such file or directory")
                .hasCauseInstanceOf(NoSuchFileException.class)
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.IO));
        assertThat(dir.resolve("none")).doesNotExist();
    }

    private List<String> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPendingFileIsHiddenUntilCommittedAndThenReplacesTheTarget() throws IOException {
        Path file = Files.write(dir.resolve("t.arrow"), new byte[] {9});
        try (AtomicFiles.PendingFile pending = AtomicFiles.create(file)) {
            pending.channel().write(ByteBuffer.wrap(new byte[] {1, 2}));
            assertThat(pending.target()).isEqualTo(file.toAbsolutePath());
            assertThat(pending.temporary().getParent())
                    .isEqualTo(file.toAbsolutePath().getParent());
            assertThat(pending.temporary().getFileName().toString()).startsWith(".t.arrow.tmp-");
            // the bytes are in the hidden file only; the previous file is untouched
            assertThat(Files.readAllBytes(pending.temporary())).containsExactly(1, 2);
            assertThat(Files.readAllBytes(file)).containsExactly(9);
            pending.commit();
            assertThat(pending.channel().isOpen()).isFalse();
            assertThatThrownBy(pending::commit)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already committed");
        }
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2);
        assertThat(listing()).containsExactly("t.arrow");
        assertReadableLikeAPlainFile(file);
    }

    @Test
    void aPendingFileClosedWithoutCommitIsDeletedAndAbortIsIdempotent() throws IOException {
        Path file = Files.write(dir.resolve("keep.bin"), new byte[] {5});
        AtomicFiles.PendingFile pending = AtomicFiles.create(file);
        pending.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        pending.close();
        pending.abort();
        assertThat(pending.channel().isOpen()).isFalse();
        assertThat(listing()).containsExactly("keep.bin");
        assertThat(Files.readAllBytes(file)).containsExactly(5);
        assertThatThrownBy(pending::commit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already aborted");
    }

    @Test
    void aCommitThatCannotRenameDeletesTheTemporaryFile() throws IOException {
        // the target became a non-empty directory after the temporary file was created: the rename must fail
        Path target = dir.resolve("late");
        AtomicFiles.PendingFile pending = AtomicFiles.create(target);
        Files.createDirectory(target);
        Files.write(target.resolve("inside"), new byte[] {1});
        assertThatThrownBy(pending::commit)
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("it is a directory");
        assertThat(listing()).containsExactly("late");
        assertThat(pending.channel().isOpen()).isFalse();
    }

    @Test
    void aDirectoryAsTargetIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFiles.write(sub, new byte[] {1}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write " + sub.toAbsolutePath() + ": it is a directory, not a regular file; give the"
                        + " path of a new or a regular file");
        assertThat(listing()).containsExactly("sub");
    }
}
