package dev.onnxinspect.samples.cli;

import static dev.onnxinspect.samples.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.io.DirectoryLock;
import dev.onnxinspect.samples.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 3 on the command line: {@code instrument -o}, {@code inspect/audit --out}, {@code fit -o} and
 * {@code score -o} refuse an empty path and an existing target of the wrong type with exit code 3 and one line that
 * names the path and the reason, before any work, and leave the target as it was; a result directory another run is
 * writing is refused. The FIFO is made with {@code mkfifo} in the test's directory (never a real device).
 */
class OutputPathsCliTest {
    @TempDir
    Path dir;

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

    private static void assertStillAFifo(Path fifo) {
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(Files.isDirectory(fifo)).isFalse();
    }

    private static void assertOneLineInputError(Outcome o, String message) {
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).isEqualTo("error: " + message + System.lineSeparator());
    }

    @Test
    void instrumentDoesNotTurnAFifoIntoAFile() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        Path fifo = fifo("out.onnx");
        // before: rc 0 and the FIFO replaced by a regular file
        Outcome o = run("instrument", model.toString(), "-o", fifo.toString());
        assertOneLineInputError(
                o,
                "cannot write " + fifo + ": it is a FIFO (named pipe), not a regular file; give the path of a new or a"
                        + " regular file");
        assertStillAFifo(fifo);
    }

    @Test
    void anEmptyOutputPathIsRefused() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        String empty = "the output file is an empty path; give a file name (\"\" would mean the working directory)";
        assertOneLineInputError(run("instrument", model.toString(), "-o", ""), empty);
        assertOneLineInputError(run("score", model.toString(), "--guard", "g", "--data", "x.npy", "-o", ""), empty);
        // before: inspect --out "" wrote its tables into the working directory
        assertOneLineInputError(
                run("inspect", model.toString(), "--data", "fashion-mnist-test:10", "--out", "", "--quiet"),
                "the output directory is an empty path; give a directory name (\"\" would mean the working"
                        + " directory)");
    }

    @Test
    void inspectAndFitRefuseAFifoOrAFileWhereTheirDirectoryGoes() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        Path fifo = fifo("tables");
        Outcome inspect = run(
                "inspect", model.toString(), "--data", "fashion-mnist-test:10", "--out", fifo.toString(), "--quiet");
        assertOneLineInputError(
                inspect,
                "cannot write into " + fifo + ": it is a FIFO (named pipe), not a directory; give the path of a new"
                        + " or an existing directory");
        assertStillAFifo(fifo);
        Path file = Files.writeString(dir.resolve("guard"), "keep");
        Outcome fit =
                run("fit", model.toString(), "--data", "fashion-mnist-train:10", "-o", file.toString(), "--quiet");
        assertOneLineInputError(
                fit,
                "cannot write into " + file + ": it is a regular file, not a directory; give the path of a new or an"
                        + " existing directory");
        assertThat(Files.readString(file)).isEqualTo("keep");
    }

    @Test
    void scoreRefusesAFifoBeforeLoadingAnything() throws Exception {
        Path fifo = fifo("scores.arrow");
        Outcome o = run("score", "none.onnx", "--guard", "none", "--data", "x.npy", "-o", fifo.toString());
        assertOneLineInputError(
                o,
                "cannot write " + fifo + ": it is a FIFO (named pipe), not a regular file; give the path of a new or a"
                        + " regular file");
        assertStillAFifo(fifo);
    }

    @Test
    void anAuditIntoADirectoryAnotherRunIsWritingIsRefused() throws Exception {
        Path model = CliTestModels.tiny(dir, 784);
        Path out = dir.resolve("audit");
        Path tables = Files.createDirectories(out.resolve("tables"));
        Files.writeString(tables.resolve("scores.arrow"), "the other run's file");
        try (DirectoryLock other = DirectoryLock.acquire(tables)) {
            Outcome o = run(
                    "audit",
                    model.toString(),
                    "--id",
                    "fashion-mnist-test:50",
                    "--ood",
                    "mnist-digits:50",
                    "--out",
                    out.toString(),
                    "--quiet");
            // the run's log lines come first on stderr; the error is the last line
            assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.INPUT_ERROR);
            assertThat(o.err().strip().lines().reduce((first, last) -> last).orElse(""))
                    .isEqualTo("error: cannot write into " + other.directory() + ": this process is writing its results"
                            + " there (lock file .onnx-inspect.lock); wait for it to finish or give another directory");
        }
        assertThat(Files.readString(tables.resolve("scores.arrow"))).isEqualTo("the other run's file");
    }
}
