package dev.onnxinspect.io;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * File errors in one line that names the file and the reason, e.g. {@code cannot write /x/y.arrow: permission
 * denied}. The JDK's {@link FileSystemException}s often carry only the path as their message ({@code
 * new AccessDeniedException("/x/y.arrow")} prints {@code /x/y.arrow}); {@link #reason} finds the reason in the
 * exception's type where its message lacks one.
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * The reason of a file error in a few lowercase words, without the path: the {@link FileSystemException}'s own
     * reason when it has one (the operating system's, e.g. {@code No space left on device}), else what its type means
     * ({@code permission denied}, {@code no such file or directory}, ...), else the message of any other
     * {@link IOException}.
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null && !f.getReason().isBlank()) {
                return lowerFirst(f.getReason());
            }
            if (f instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (f instanceof NoSuchFileException) {
                return "no such file or directory";
            }
            if (f instanceof FileAlreadyExistsException) {
                return "file exists";
            }
            if (f instanceof NotDirectoryException) {
                return "not a directory";
            }
            if (f instanceof DirectoryNotEmptyException) {
                return "directory not empty";
            }
            if (f instanceof NotLinkException) {
                return "not a symbolic link";
            }
            if (f instanceof FileSystemLoopException) {
                return "too many levels of symbolic links";
            }
            return f.getClass().getSimpleName();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : lowerFirst(message);
    }

    /**
     * A file error as one line with the path and the reason, for a caller that no longer knows what was being done:
     * {@code /x/y.arrow: permission denied} ({@code a -> b: reason} for a rename); any other {@link IOException}'s
     * message as it is, and the {@link IOException} inside an {@link UncheckedIOException} described the same way.
     */
    public static String describe(Throwable t) {
        IOException e = t instanceof UncheckedIOException u ? u.getCause() : t instanceof IOException io ? io : null;
        if (e == null) {
            return t.getMessage();
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String where = f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
            return where + ": " + reason(e);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * An {@link Kind#IO} error: {@code cannot <verb> <path>: <reason>}, e.g. {@code cannot write /x/y.arrow:
     * permission denied}, with {@code e} as the cause.
     */
    public static OnnxInspectException cannot(String verb, Path path, IOException e) {
        return new OnnxInspectException(Kind.IO, "cannot " + verb + " " + path + ": " + reason(e), e);
    }

    private static String lowerFirst(String s) {
        String trimmed = s.strip();
        if (trimmed.length() > 1
                && Character.isUpperCase(trimmed.charAt(0))
                && Character.isLowerCase(trimmed.charAt(1))) {
            return trimmed.substring(0, 1).toLowerCase(Locale.ROOT) + trimmed.substring(1);
        }
        return trimmed;
    }
}
