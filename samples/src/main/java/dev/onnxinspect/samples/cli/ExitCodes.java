package dev.onnxinspect.samples.cli;

/** Exit codes of the {@code onnx-inspect} command line, stable for scripts. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected failure (a bug): report it with the output of {@code --verbose}. */
    public static final int INTERNAL_ERROR = 1;
    /** The command line itself was wrong (unknown option, missing argument); picocli's convention. */
    public static final int USAGE = 2;
    /** A bad input: a model, dataset, layer name or shape that does not fit. The message says what to do. */
    public static final int INPUT_ERROR = 3;
    /** A file could not be read or written. */
    public static final int IO_ERROR = 4;

    private ExitCodes() {
    }
}
