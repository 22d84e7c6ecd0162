package dev.onnxinspect.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a whole file atomically: the bytes go to a hidden temporary file beside the target
 * ({@code .NAME.tmp-XXXXXXXX}), are forced to disk, and the temporary file is renamed onto the target, so a crash
 * never leaves a truncated file under the final name and a previous file stays intact until the rename. On any
 * failure the temporary file is deleted.
 *
 * <p>The temporary file is created like any new file ({@code CREATE_NEW}), so the result has the permissions a
 * plain {@link Files#newOutputStream} file would get (rw-r--r-- under the usual umask 022). Choice: not
 * {@link Files#createTempFile}, which makes the file owner-only (rw-------) and would hide a model or result saved by
 * one user from everyone else.
 *
 * <p>Choice: where the file system cannot rename atomically, the target is replaced by a plain rename.
 * The target's directory must exist; this class does not create it.
 */
public final class AtomicFiles {
    private static final int MAX_NAME_ATTEMPTS = 10;

    private AtomicFiles() {
    }

    /**
     * What writes a file's content. Closing the stream (for example by closing a {@code Writer} around it) only
     * flushes it; {@link AtomicFiles} closes the file after forcing it to disk.
     */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code bytes} to {@code target} atomically; an existing file is replaced. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes what {@code content} produces to {@code target} atomically; an existing file is replaced.
     *
     * @throws java.nio.file.NoSuchFileException if the target's directory does not exist
     * @throws IOException if the file cannot be written or renamed (the temporary file is then deleted)
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        Path absolute = target.toAbsolutePath();
        Path temporary = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
                temporary = absolute.resolveSibling("." + absolute.getFileName() + ".tmp-" + suffix);
                try {
                    channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    temporary = null;
                    if (attempt == MAX_NAME_ATTEMPTS) {
                        throw e;
                    }
                }
            }
            try (FileChannel open = channel;
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(open))) {
                content.writeTo(new FlushOnClose(out));
                out.flush();
                open.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Lets a content writer close its stream without closing the file before it is forced to disk. */
    private static final class FlushOnClose extends FilterOutputStream {
        FlushOnClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
