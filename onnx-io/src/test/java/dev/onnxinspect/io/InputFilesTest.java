package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.InputFiles.Expect;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: every refused input path names what it was for, the absolute path and the reason, kind IO. */
class InputFilesTest {
    @TempDir
    Path dir;

    private static void assertRefused(Path path, Expect expect, String reason) {
        assertThatThrownBy(() -> InputFiles.require(path, "the model", expect))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot read the model " + path.toAbsolutePath() + ": " + reason)
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.IO));
    }

    @Test
    void aMissingPathADirectoryAndAFileWhereADirectoryIsExpected() throws IOException {
        assertRefused(dir.resolve("nope.onnx"), Expect.FILE, "no such file or directory");
        assertRefused(dir.resolve("nope"), Expect.FILE_OR_DIRECTORY, "no such file or directory");
        assertRefused(dir, Expect.FILE, "it is a directory; expected a file");
        Path file = Files.writeString(dir.resolve("m.onnx"), "x");
        assertRefused(file, Expect.DIRECTORY, "it is not a directory; expected a directory");
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("gone"));
        assertRefused(link, Expect.FILE, "a broken symbolic link");
        assertThat(InputFiles.require(file, "the model", Expect.FILE)).isEqualTo(file);
        assertThat(InputFiles.require(dir, "the images", Expect.FILE_OR_DIRECTORY))
                .isEqualTo(dir);
        assertThat(InputFiles.require(file, "the data", Expect.FILE_OR_DIRECTORY))
                .isEqualTo(file);
    }

    @Test
    void aFifoIsRefusedBeforeAnyRead() throws Exception {
        Path fifo = dir.resolve("data.npy");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            p = null;
        }
        assumeTrue(p != null && p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo not available");
        // reading a FIFO nobody writes would block for ever
        assertRefused(fifo, Expect.FILE, "not a regular file (a device, FIFO or socket?); expected a file");
        assertRefused(
                fifo, Expect.FILE_OR_DIRECTORY, "not a regular file (a device, FIFO or socket?); expected a file");
    }

    @Test
    void anUnreadableFileIsPermissionDenied() throws IOException {
        Path file = Files.writeString(dir.resolve("secret.npy"), "x");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "no POSIX permissions");
        }
        assumeTrue(!Files.isReadable(file), "the user reads files without permission (root)");
        assertRefused(file, Expect.FILE, "permission denied");
    }

    @Test
    void aFailedReadIsNamedWithItsReasonNotOnlyThePath() {
        // the JDK's AccessDeniedException and NoSuchFileException often carry only the path
        assertThat(InputFiles.reason(new AccessDeniedException("/d/x.npy"))).isEqualTo("permission denied");
        assertThat(InputFiles.reason(new NoSuchFileException("/d/x.npy"))).isEqualTo("no such file or directory");
        assertThat(InputFiles.reason(new FileSystemException("/d/x", null, "Is a directory")))
                .isEqualTo("is a directory");
        assertThat(InputFiles.reason(new IOException("Input/output error"))).isEqualTo("Input/output error");
        Path file = dir.resolve("x.npy");
        OnnxInspectException e = InputFiles.readError(file, "input x", new AccessDeniedException(file.toString()));
        assertThat(e.kind()).isEqualTo(Kind.IO);
        assertThat(e).hasMessage("cannot read input x " + file.toAbsolutePath() + ": permission denied");
    }
}
