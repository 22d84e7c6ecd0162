package dev.onnxinspect.io;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;

/**
 * The checks every writer makes on a path the user named before writing anything there: an empty path is refused
 * (it would mean the working directory), and so is an existing target of the wrong type — a character or block
 * device, a FIFO, a socket or a directory where a file is to be written, anything but a directory where a directory
 * is to be written. Writing a file replaces it by a rename, which would silently turn a device or a FIFO into a
 * regular file ({@code instrument -o /dev/full} did); refusing is the only safe answer. Each refusal is an
 * {@link OnnxInspectException} of {@link Kind#INVALID_INPUT} (exit code 3) in one line that names the path, what is
 * there, and what to do; a failure to create a directory is {@link Kind#IO} (exit code 4) with the path and the
 * reason.
 *
 * <p>Symbolic links are followed: a link to a regular file is a regular file (the rename then replaces the link, as
 * before). Choice: the type of a non-regular file is read from the {@code unix:mode} attribute where the platform has
 * it (Linux, macOS) and is otherwise just "not a regular file".
 */
public final class OutputPaths {
    private static final int S_IFMT = 0170000;
    private static final Map<Integer, String> TYPES = Map.of(
            0010000, "a FIFO (named pipe)",
            0020000, "a character device",
            0040000, "a directory",
            0060000, "a block device",
            0100000, "a regular file",
            0120000, "a symbolic link",
            0140000, "a socket");

    private OutputPaths() {}

    /**
     * Checks {@code target} as a file to be written (created or replaced): not empty, and either absent or a
     * regular file.
     *
     * @return the absolute path
     * @throws OnnxInspectException ({@link Kind#INVALID_INPUT}) when the path is empty or names something other
     *                              than a regular file
     */
    public static Path file(Path target) {
        Path absolute = nonEmpty(target, "file");
        if (absolute.getFileName() == null) {
            throw new OnnxInspectException("cannot write " + absolute + ": it is a directory; give a file name");
        }
        String type = type(absolute);
        if (type != null && !Files.isRegularFile(absolute)) {
            throw new OnnxInspectException("cannot write " + absolute + ": it is " + type + ", not a regular file;"
                    + " give the path of a new or a regular file");
        }
        return absolute;
    }

    /**
     * Checks {@code target} as a directory to be written into and creates it (with its parents) when absent.
     *
     * @return the absolute path
     * @throws OnnxInspectException ({@link Kind#INVALID_INPUT}) when the path is empty or names something other than
     *                              a directory; ({@link Kind#IO}) when the directory cannot be created
     */
    public static Path directory(Path target) {
        Path absolute = checkDirectory(target);
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw FileErrors.cannot("create the directory", absolute, e);
        }
        return absolute;
    }

    /**
     * Checks {@code target} as a directory to be written into, without creating anything: not empty, and either
     * absent or a directory. For a command that checks its output before a long run.
     *
     * @return the absolute path
     * @throws OnnxInspectException ({@link Kind#INVALID_INPUT}) when the path is empty or names something other than
     *                              a directory
     */
    public static Path checkDirectory(Path target) {
        Path absolute = nonEmpty(target, "directory");
        String type = type(absolute);
        if (type != null && !Files.isDirectory(absolute)) {
            throw new OnnxInspectException("cannot write into " + absolute + ": it is " + type + ", not a directory;"
                    + " give the path of a new or an existing directory");
        }
        return absolute;
    }

    /**
     * What is at {@code path} in words ("a FIFO (named pipe)", "a directory", ...), following links, or null when
     * nothing is there (a dangling link counts as nothing: writing creates its target).
     */
    static String type(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            if (mode instanceof Integer m) {
                String type = TYPES.get(m & S_IFMT);
                if (type != null) {
                    return type;
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: the basic attributes below
        }
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.isRegularFile() ? "a regular file" : a.isDirectory() ? "a directory" : "not a regular file";
        } catch (IOException e) {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? "not readable (" + FileErrors.reason(e) + ")" : null;
        }
    }

    private static Path nonEmpty(Path target, String what) {
        Objects.requireNonNull(target, "target");
        if (target.toString().isEmpty()) {
            throw new OnnxInspectException("the output " + what + " is an empty path; give a " + what
                    + " name (\"\" would mean the working" + " directory)");
        }
        return target.toAbsolutePath();
    }
}
