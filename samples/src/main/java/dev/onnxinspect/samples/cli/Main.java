package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code onnx-inspect} command line. Exit codes (for scripts): {@link ExitCodes}. User errors print one line
 * to stderr (the stack trace only with {@code --verbose}).
 */
@Command(name = "onnx-inspect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Looks inside neural networks: activation statistics, OOD detection and Arrow exports.",
        subcommands = {DemoCommand.class, TrainCommand.class, DescribeCommand.class, InstrumentCommand.class, InspectCommand.class,
                AuditCommand.class, FitCommand.class, ScoreCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors and debug logging.")
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
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (verbose) {
                ex.printStackTrace(err);
            }
            Throwable user = userError(ex);
            if (user != null) {
                err.println("error: " + user.getMessage());
                err.flush();
                return user instanceof java.io.IOException ? ExitCodes.IO_ERROR : ExitCodes.INPUT_ERROR;
            }
            err.println("internal error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)"));
            err.flush();
            return ExitCodes.INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    private static Throwable userError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OnnxInspectException || t instanceof java.io.IOException
                    || t instanceof IllegalArgumentException) {
                return t;
            }
        }
        return null;
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
