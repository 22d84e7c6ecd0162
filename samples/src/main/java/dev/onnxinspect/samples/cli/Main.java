package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.FileErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code onnx-inspect} command line. Exit codes (for scripts): {@link ExitCodes}, chosen by {@link #exitCode}
 * from the kind of the error. User errors print one line to stderr (the stack trace only with {@code --verbose}).
 */
@Command(
        name = "onnx-inspect",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Looks inside neural networks: activation statistics, OOD detection and Arrow exports.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            DescribeCommand.class,
            InstrumentCommand.class,
            InspectCommand.class,
            AuditCommand.class,
            FitCommand.class,
            ScoreCommand.class,
            ServeCommand.class,
            StudyCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    @Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors, the library's debug lines and other libraries' log lines.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * PyTorch (DJL) runs one intra-op and one inter-op thread unless the user sets the properties: on 2 cores its
     * default pools spin against ONNX Runtime and the JVM and made an MLP epoch 30-40 times slower in our measurements
     * (195 s vs 5 s for 60,000 Fashion-MNIST images under load).
     */
    static void defaultTorchThreads() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** Runs the command line and returns the exit code (used by tests). */
    public static int run(String... args) {
        defaultTorchThreads();
        logLevels(Arrays.asList(args));
        CommandLine cli = new CommandLine(new Main());
        StudyCommand.listStudies(cli.getSubcommands().get("study"));
        return execute(cli, args);
    }

    /** slf4j-simple's level of the loggers of one package (a system property read when a logger is made). */
    static final String OWN_LEVEL = "org.slf4j.simpleLogger.log.dev.onnxinspect";

    /** slf4j-simple's level of every other logger (third-party libraries). */
    static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * Sets the console's log levels before any logger exists (slf4j-simple fixes a logger's level when it is made):
     * by default the library's INFO lines and third-party errors only (simplelogger.properties); {@code --quiet}
     * the library's warnings and errors only; {@code --verbose} the library's DEBUG lines and third-party INFO lines.
     * A level the user set as a system property is kept.
     */
    static void logLevels(List<String> args) {
        String own = args.contains("--verbose") ? "debug" : args.contains("--quiet") ? "warn" : null;
        if (own != null && System.getProperty(OWN_LEVEL) == null) {
            System.setProperty(OWN_LEVEL, own);
        }
        if (args.contains("--verbose") && System.getProperty(DEFAULT_LEVEL) == null) {
            System.setProperty(DEFAULT_LEVEL, "info");
        }
    }

    /**
     * Executes {@code cli} with this command line's handling of errors: one line on stderr ("error: ..." for a bad
     * input or a file error, "internal error: ..." for a bug), the stack trace before it with {@code --verbose}, and
     * the exit code of {@link #exitCode}.
     */
    static int execute(CommandLine cli, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (verbose) {
                ex.printStackTrace(err);
            }
            int code = exitCode(ex);
            if (code == ExitCodes.INTERNAL_ERROR) {
                err.println("internal error: " + ex + "; this is a bug in onnx-inspect: please report it with "
                        + (verbose ? "the stack trace above" : "the output of --verbose"));
            } else {
                // FileErrors: a JDK file error's message is often the path alone; this names the reason too
                err.println("error: " + FileErrors.describe(ex));
            }
            err.flush();
            return code;
        });
        return cli.execute(args);
    }

    /**
     * The exit code of a command that threw {@code ex}: by the {@link Kind} of an {@link OnnxInspectException}
     * (bad or unsupported input: {@link ExitCodes#INPUT_ERROR}; file: {@link ExitCodes#IO_ERROR}; a broken invariant:
     * {@link ExitCodes#INTERNAL_ERROR}), {@link ExitCodes#IO_ERROR} for an {@link IOException} or
     * {@link UncheckedIOException}, and {@link ExitCodes#INTERNAL_ERROR} for anything else: an
     * {@link IllegalArgumentException}, {@link IllegalStateException} or {@link NullPointerException} that escapes
     * a command is a bug, never the user's input. Only the thrown exception counts, not its causes: a library
     * wrapper already carries the kind of what it wraps ({@link Kind#of}).
     */
    static int exitCode(Throwable ex) {
        return switch (Kind.of(ex)) {
            case INVALID_INPUT, UNSUPPORTED -> ExitCodes.INPUT_ERROR;
            case IO -> ExitCodes.IO_ERROR;
            case INTERNAL -> ExitCodes.INTERNAL_ERROR;
        };
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return ExitCodes.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"onnx-inspect " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
