package dev.onnxinspect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one unchecked base exception of onnx-inspect. Every error the library raises for a bad model, bad data or a
 * bad argument is this type or a subclass, with a message that says what was expected, what came, and what to do.
 * Checked {@link IOException}s appear only at file boundaries.
 *
 * <p>Every instance carries a {@link Kind} that says whose problem it is, so that a caller can react without parsing
 * messages (the command line maps it to its exit code). The constructors without a kind give
 * {@link Kind#INVALID_INPUT}, the case of almost every refusal.
 *
 * <p>Checks for broken invariants inside the library (bugs) throw {@link IllegalStateException} or
 * {@link IllegalArgumentException}, or this type with {@link Kind#INTERNAL} where it wraps a failure of another
 * thread or a native library.
 */
public class OnnxInspectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whose problem an {@link OnnxInspectException} is, and so what the caller can do about it. */
    public enum Kind {
        /**
         * The caller gave something that does not fit: a model, dataset, layer name, shape, option value or saved
         * file that is malformed or inconsistent, or a call the object cannot accept in its state. The message says
         * what to change. (Command line: exit code 3.)
         */
        INVALID_INPUT,
        /**
         * The input is valid but uses something this library does not support (yet): an opset or IR version outside
         * the supported range, a model with several inputs, a non-float32 tensor, a model over protobuf's 2 GiB limit,
         * a detector file of another format version, a device that this machine lacks. The message says what is
         * supported. (Command line: exit code 3.)
         */
        UNSUPPORTED,
        /**
         * A file or directory could not be read or written: it is missing, unreadable, not writable, the disk is full,
         * or the file system cannot do what is needed. The cause is the {@link IOException} where there is one.
         * (Command line: exit code 4.)
         */
        IO,
        /**
         * A broken invariant, a failure of a native library that no input explains, or an unexpected exception from
         * another thread: a bug in onnx-inspect (or in a library it uses), to be reported with the stack trace.
         * (Command line: exit code 1.)
         */
        INTERNAL;

        /**
         * The kind of any throwable: an {@link OnnxInspectException}'s own kind, {@link #IO} for an
         * {@link IOException} or {@link UncheckedIOException}, and {@link #INTERNAL} for everything else (an
         * {@link IllegalStateException}, a {@link NullPointerException}, an {@link Error}...). Used to give a wrapper
         * the kind of what it wraps.
         */
        public static Kind of(Throwable t) {
            if (t instanceof OnnxInspectException e) {
                return e.kind();
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return IO;
            }
            return INTERNAL;
        }
    }

    private final Kind kind;

    /** An {@link Kind#INVALID_INPUT} error. */
    public OnnxInspectException(String message) {
        this(Kind.INVALID_INPUT, message);
    }

    /** An {@link Kind#INVALID_INPUT} error with its cause. */
    public OnnxInspectException(String message, Throwable cause) {
        this(Kind.INVALID_INPUT, message, cause);
    }

    public OnnxInspectException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public OnnxInspectException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Whose problem this is; never null. */
    public Kind kind() {
        return kind;
    }
}
