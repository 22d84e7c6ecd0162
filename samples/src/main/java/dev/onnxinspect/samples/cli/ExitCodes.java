package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;

/**
 * Exit codes of the {@code onnx-inspect} command line, stable for scripts. An error's code follows its
 * {@link OnnxInspectException.Kind}; an exception that is not a library error (nor an {@code IOException}) is a
 * bug.
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** An unexpected failure (a bug: kind INTERNAL, or not a library error): report it with {@code --verbose}. */
    public static final int INTERNAL_ERROR = 1;
    /** The command line itself was wrong (unknown option, missing argument); picocli's convention. */
    public static final int USAGE = 2;
    /**
     * A bad or unsupported input (kinds INVALID_INPUT and UNSUPPORTED): a model, dataset, layer name, shape or option
     * value that does not fit. The message says what to do.
     */
    public static final int INPUT_ERROR = 3;
    /** A file could not be read or written (kind IO, or an {@code IOException}). */
    public static final int IO_ERROR = 4;

    private ExitCodes() {}
}
