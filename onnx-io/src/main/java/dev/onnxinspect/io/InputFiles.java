package dev.onnxinspect.io;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one rule for input files (models, data files, label files, image folders, saved guards): before anything is read,
 * the path is checked, and a path that cannot be read is refused in one line naming what it was for, the absolute
 * path and the reason: {@code cannot read the model /data/m.onnx: no such file or directory}. Every such refusal is of
 * kind {@link Kind#IO} (command line: exit code 4), as a read that fails later ({@link #readError}).
 *
 * <p>Reasons: no such file or directory; a directory where a file is expected (or a file where a directory is
 * expected); not a regular file (a device, FIFO or socket: reading one could block or never end); permission denied.
 */
public final class InputFiles {
    /** How a caller's exception is made: its own exception type with the kind and the message. */
    @FunctionalInterface
    public interface Refusal {
        RuntimeException of(Kind kind, String message, Throwable cause);
    }

    /** What a path must be. */
    public enum Expect {
        /** A regular file (or a link to one). */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A regular file or a directory (e.g. a data file or an image folder). */
        FILE_OR_DIRECTORY
    }

    private InputFiles() {}

    /**
     * Refuses a path that is not a readable file (or directory) with an {@link OnnxInspectException}; see
     * {@link #require(Path, String, Expect, Refusal)}.
     */
    public static Path require(Path path, String what, Expect expect) {
        return require(path, what, expect, OnnxInspectException::new);
    }

    /**
     * Checks that {@code path} is an existing, readable regular file (or directory).
     *
     * @param what   what the path is for, e.g. {@code "the model"}, {@code "the labels of dataset x"}
     * @param refuse makes the exception (kind {@link Kind#IO})
     * @return the path
     */
    public static Path require(Path path, String what, Expect expect, Refusal refuse) {
        String reason = null;
        if (!Files.exists(path)) {
            reason = Files.isSymbolicLink(path) ? "a broken symbolic link" : "no such file or directory";
        } else if (expect == Expect.FILE && Files.isDirectory(path)) {
            reason = "it is a directory; expected a file";
        } else if (expect == Expect.DIRECTORY && !Files.isDirectory(path)) {
            reason = "it is not a directory; expected a directory";
        } else if (expect != Expect.DIRECTORY && !Files.isDirectory(path) && !Files.isRegularFile(path)) {
            reason = "not a regular file (a device, FIFO or socket?); expected a file";
        } else if (!Files.isReadable(path)) {
            reason = "permission denied";
        }
        if (reason != null) {
            throw refuse.of(Kind.IO, message(path, what, reason), null);
        }
        return path;
    }

    /**
     * The refusal of a read of {@code path} that failed with {@code e}: the path and the reason in words (e.g. a
     * {@link AccessDeniedException} that names only the path becomes "permission denied").
     */
    public static RuntimeException readError(Path path, String what, IOException e, Refusal refuse) {
        return refuse.of(Kind.IO, message(path, what, reason(e)), e);
    }

    /** As {@link #readError(Path, String, IOException, Refusal)}, an {@link OnnxInspectException}. */
    public static OnnxInspectException readError(Path path, String what, IOException e) {
        return new OnnxInspectException(Kind.IO, message(path, what, reason(e)), e);
    }

    /** The reason of a failed file operation in words, never only a path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a directory";
        }
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            return r == null ? e.getClass().getSimpleName() : r.toLowerCase(Locale.ROOT);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String message(Path path, String what, String reason) {
        return "cannot read " + what + " " + path.toAbsolutePath() + ": " + reason;
    }
}
