package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "Outputs replace whatever is at the target path": a writer refuses an empty path and an existing target
 * of the wrong type (FIFO, socket, directory where a file goes; a file or FIFO where a directory goes) and leaves it
 * as it was; it deletes its own stale temporary files but not a live writer's; a result directory is held by one run
 * at a time. The FIFO is made with {@code mkfifo} and the socket by binding a Unix domain socket, both in the test's
 * own directory (never a real device).
 */
class OutputPathsTest {
    @TempDir
    Path dir;

    private static boolean isFifoOrOther(Path p) throws IOException {
        return Files.exists(p)
                && !Files.isRegularFile(p)
                && !Files.isDirectory(p)
                && Files.readAttributes(p, "unix:mode").get("mode") instanceof Integer;
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = dir.resolve(name);
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            throw e;
        }
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        return fifo;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFifoIsNeitherReplacedNorWrittenAsAFileOrADirectory() throws Exception {
        Path fifo = fifo("pipe");
        // before: the rename replaced the FIFO by a regular file (issue 13, item 3)
        assertThatThrownBy(() -> AtomicFiles.write(fifo, new byte[] {1, 2}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write " + fifo.toAbsolutePath() + ": it is a FIFO (named pipe), not a regular"
                        + " file; give the path of a new or a regular file")
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.INVALID_INPUT));
        assertThat(isFifoOrOther(fifo)).isTrue();
        assertThatThrownBy(() -> OutputPaths.directory(fifo))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write into " + fifo.toAbsolutePath() + ": it is a FIFO (named pipe), not a"
                        + " directory; give the path of a new or an existing directory");
        assertThat(isFifoOrOther(fifo)).isTrue();
        assertThat(listing()).containsExactly("pipe");
    }

    @Test
    void aFifoThatAppearsWhileTheFileIsWrittenIsNotReplacedByTheRename() throws Exception {
        Path target = dir.resolve("late.bin");
        AtomicFiles.PendingFile pending = AtomicFiles.create(target);
        fifo("late.bin");
        assertThatThrownBy(pending::commit)
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("FIFO");
        assertThat(isFifoOrOther(target)).isTrue();
        assertThat(listing()).containsExactly("late.bin");
    }

    @Test
    void aUnixSocketIsNotReplaced() throws IOException {
        Path socket = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(() -> AtomicFiles.write(socket, new byte[] {1}))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessage("cannot write " + socket.toAbsolutePath() + ": it is a socket, not a regular file;"
                            + " give the path of a new or a regular file");
            assertThat(Files.isRegularFile(socket)).isFalse();
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
        }
    }

    @Test
    void anEmptyPathIsRefusedAndNothingIsWritten() throws IOException {
        assertThatThrownBy(() -> AtomicFiles.write(Path.of(""), new byte[] {1}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("the output file is an empty path; give a file name (\"\" would mean the working"
                        + " directory)")
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.INVALID_INPUT));
        assertThatThrownBy(() -> OutputPaths.directory(Path.of("")))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageStartingWith("the output directory is an empty path");
        assertThat(listing()).isEmpty();
    }

    @Test
    void aRegularFileWhereADirectoryGoesIsRefusedAndKept() throws IOException {
        Path file = Files.write(dir.resolve("results"), new byte[] {7});
        assertThatThrownBy(() -> OutputPaths.directory(file))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write into " + file.toAbsolutePath() + ": it is a regular file, not a directory;"
                        + " give the path of a new or an existing directory");
        assertThat(Files.readAllBytes(file)).containsExactly(7);
        assertThat(OutputPaths.directory(dir.resolve("a/b"))).isDirectory();
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNamedWithTheReason() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(locked), "running as a user who may write anywhere (root)");
            Path target = locked.resolve("y.arrow");
            assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1}))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessage("cannot write " + target.toAbsolutePath() + ": permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFileErrorNamesThePathAndTheReasonEvenWhenTheJdkGivesOnlyThePath() {
        assertThat(FileErrors.describe(new NoSuchFileException("model.onnx")))
                .isEqualTo("model.onnx: no such file or directory");
        assertThat(FileErrors.describe(new AccessDeniedException("/x/y.arrow")))
                .isEqualTo("/x/y.arrow: permission denied");
        assertThat(FileErrors.describe(new FileSystemException("/x", null, "No space left on device")))
                .isEqualTo("/x: no space left on device");
        assertThat(FileErrors.cannot("write", Path.of("/x/y.arrow"), new AccessDeniedException("/x/y.arrow"))
                        .getMessage())
                .isEqualTo("cannot write /x/y.arrow: permission denied");
    }

    @Test
    void staleTemporaryFilesOfThisWriterAreDeletedAndNothingElse() throws IOException {
        FileTime old =
                FileTime.from(Instant.now().minus(AtomicFiles.STALE_AFTER).minus(Duration.ofMinutes(1)));
        Path stale = Files.write(dir.resolve(".a.bin.tmp-1f2e3d4c5b6a"), new byte[] {1});
        Path staleOtherTarget = Files.write(dir.resolve(".model.onnx.tmp-9"), new byte[] {1});
        Path recent = Files.write(dir.resolve(".a.bin.tmp-abc"), new byte[] {1});
        Path notOurs = Files.write(dir.resolve(".a.bin.tmp-xyz"), new byte[] {1}); // not hexadecimal
        Path visible = Files.write(dir.resolve("a.bin.tmp-abc"), new byte[] {1}); // not hidden
        Path staleDirectory = Files.createDirectory(dir.resolve(".d.tmp-12"));
        for (Path p : List.of(stale, staleOtherTarget, notOurs, visible, staleDirectory)) {
            Files.setLastModifiedTime(p, old);
        }
        // before: nothing removed the files a crashed run left
        AtomicFiles.write(dir.resolve("a.bin"), new byte[] {2});
        assertThat(listing())
                .containsExactly(".a.bin.tmp-abc", ".a.bin.tmp-xyz", ".d.tmp-12", "a.bin", "a.bin.tmp-abc");
        assertThat(recent).exists();
    }

    @Test
    void aLiveWritersTemporaryFileIsNotDeletedHoweverOld() throws IOException {
        Path target = dir.resolve("t.arrow");
        try (AtomicFiles.PendingFile pending = AtomicFiles.create(target)) {
            Files.setLastModifiedTime(
                    pending.temporary(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            AtomicFiles.write(dir.resolve("other.bin"), new byte[] {1});
            assertThat(AtomicFiles.deleteStaleTemporaryFiles(dir)).isZero();
            assertThat(pending.temporary()).exists();
            pending.commit();
        }
        assertThat(listing()).containsExactly("other.bin", "t.arrow");
    }

    @Test
    void aSecondRunOnALockedDirectoryIsRefusedAtOnceAndTheLockFileGoesAway() throws IOException {
        Path results = OutputPaths.directory(dir.resolve("results"));
        try (DirectoryLock first = DirectoryLock.acquire(results)) {
            assertThat(first.directory()).isEqualTo(results);
            assertThatThrownBy(() -> DirectoryLock.acquire(dir.resolve("results/.")))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessage("cannot write into " + results + ": this process is writing its results there (lock"
                            + " file .onnx-inspect.lock); wait for it to finish or give another directory");
        }
        assertThat(results).isEmptyDirectory();
        // a lock file left by a killed run holds no lock: the next run takes it over
        Files.write(results.resolve(DirectoryLock.FILE), "12345\n".getBytes(StandardCharsets.US_ASCII));
        try (DirectoryLock again = DirectoryLock.acquire(results)) {
            assertThat(again.directory().resolve(DirectoryLock.FILE)).exists();
        }
        assertThat(results).isEmptyDirectory();
    }
}
