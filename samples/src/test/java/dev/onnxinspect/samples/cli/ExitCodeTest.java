package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.inspect.InspectionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line's exit code comes from the kind of the error a command throws (README, "Exit codes"): a bad or
 * unsupported input exits 3, a file error 4, anything else is a bug and exits 1, whatever its type.
 */
class ExitCodeTest {
    /** A command that throws the given exception, with the real command line's error handling around it. */
    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        private final Exception failure;

        @Option(names = "--verbose")
        boolean verbose;

        Failing(Exception failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            throw failure;
        }
    }

    /** What a command printed on stderr and returned. */
    record Outcome(int code, String err) {}

    private static Outcome fail(Exception failure, String... args) {
        CommandLine cli = new CommandLine(new Failing(failure));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Outcome(Main.execute(cli, args), err.toString());
    }

    @Test
    void aBadInputExitsThreeWithOneLine() {
        Outcome o = fail(new DatasetException("unknown dataset 'cifar10'; give a dataset name"));
        assertThat(o.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(o.err()).isEqualTo("error: unknown dataset 'cifar10'; give a dataset name" + System.lineSeparator());
        assertThat(fail(new OnnxInspectException(Kind.UNSUPPORTED, "opset 30 is not supported"))
                        .code())
                .isEqualTo(ExitCodes.INPUT_ERROR);
    }

    @Test
    void aFileErrorExitsFour() {
        Outcome o = fail(new OnnxInspectException(Kind.IO, "could not write out/x.arrow: disk full"));
        assertThat(o.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(o.err())
                .startsWith("error: could not write out/x.arrow: disk full")
                .doesNotContain("\tat ");
        assertThat(fail(new NoSuchFileException("model.onnx")).code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(fail(new UncheckedIOException(new IOException("read failed")))
                        .code())
                .isEqualTo(ExitCodes.IO_ERROR);
        // a wrapper carries the kind of what it wraps
        assertThat(fail(new InspectionException(Kind.of(new IOException("gone")), "inspection failed: gone"))
                        .code())
                .isEqualTo(ExitCodes.IO_ERROR);
    }

    @Test
    void aFileErrorOfTheJdkNamesThePathAndTheReason() {
        // before: "error: model.onnx", the JDK's message being the path alone (issue 13, item 7)
        Outcome o = fail(new NoSuchFileException("model.onnx"));
        assertThat(o.err()).isEqualTo("error: model.onnx: no such file or directory" + System.lineSeparator());
        Outcome denied = fail(new UncheckedIOException(new AccessDeniedException("/x/y.arrow")));
        assertThat(denied.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(denied.err()).isEqualTo("error: /x/y.arrow: permission denied" + System.lineSeparator());
    }

    @Test
    void aBugExitsOneAndAsksForAReport() {
        Outcome o = fail(new IllegalStateException("the inference thread ended"));
        assertThat(o.code()).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(o.err())
                .startsWith("internal error: java.lang.IllegalStateException: the inference thread ended")
                .contains("bug in onnx-inspect", "--verbose")
                .doesNotContain("\tat ");
        assertThat(o.err().strip().lines()).hasSize(1);
        // an IllegalArgumentException is no longer taken for a user error, nor is an NPE
        assertThat(fail(new IllegalArgumentException("bad index")).code()).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(fail(new NullPointerException()).code()).isEqualTo(ExitCodes.INTERNAL_ERROR);
        // even when it wraps a user error: whoever wrapped it did not say it was one
        assertThat(fail(new IllegalStateException(new DatasetException("x"))).code())
                .isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(fail(new OnnxInspectException(Kind.INTERNAL, "broken invariant"))
                        .code())
                .isEqualTo(ExitCodes.INTERNAL_ERROR);
    }

    @Test
    void verboseAddsTheStackTrace() {
        Outcome bug = fail(new IllegalStateException("boom"), "--verbose");
        assertThat(bug.err()).contains("\tat ").contains("report it with the stack trace above");
        Outcome user = fail(new DatasetException("no such dataset"), "--verbose");
        assertThat(user.code()).isEqualTo(ExitCodes.INPUT_ERROR);
        assertThat(user.err()).contains("\tat ").endsWith("error: no such dataset" + System.lineSeparator());
    }
}
