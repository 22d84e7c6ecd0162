package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file written under a temporary name in its target's directory ({@code .NAME.tmp-XXXXXXXX}) and published under
 * the final name by an atomic rename (SPEC §12: a crash never leaves a truncated result under the final name). Until
 * {@link #commit()} a previous file under the final name is untouched; {@link #abort()} deletes the temporary file.
 * A process killed before the rename leaves only the hidden temporary file behind.
 *
 * <p>Owns the channel it opens: {@code commit} and {@code abort} close it.
 */
final class AtomicFile {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFile.class);

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean open = true;

    private AtomicFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** Creates the temporary file next to {@code target}; the directory must exist. */
    static AtomicFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new ArrowExportException("the directory of " + absolute + " does not exist; create it first");
        }
        if (Files.isDirectory(absolute)) {
            throw new ArrowExportException(absolute + " is a directory; give a file name for the table");
        }
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            Path temporary = directory.resolve("." + absolute.getFileName() + ".tmp-" + suffix);
            try {
                FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return new AtomicFile(absolute, temporary, channel);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    FileChannel channel() {
        return channel;
    }

    Path target() {
        return target;
    }

    Path temporary() {
        return temporary;
    }

    /** Forces the bytes to disk, closes the channel and renames the temporary file onto the target. */
    void commit() throws IOException {
        if (!open) {
            throw new IllegalStateException("already committed or aborted: " + target);
        }
        try {
            channel.force(true);
            channel.close();
            open = false;
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            abort();
            throw new ArrowExportException("the file system of " + target + " cannot rename atomically; write the"
                    + " results to a local file system", e);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        syncDirectory();
    }

    /** Closes the channel (if open) and deletes the temporary file; never throws. Idempotent. */
    void abort() {
        if (open) {
            open = false;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing {} failed: {}", temporary, e.toString());
            }
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary file {}: {}; delete it by hand", temporary, e.toString());
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux does); best effort. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", target.getParent(), e.toString());
        }
    }
}
