package dev.onnxinspect.io;

import dev.onnxinspect.OnnxInspectException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's exclusive hold on a result directory while it writes there: a second run on the same directory (in this
 * process or another) is refused at once, before it writes anything, so two runs never mix their files.
 *
 * <p>The hold is an operating-system lock ({@link FileChannel#tryLock()}) on the hidden file {@value #FILE} inside
 * the directory; the file holds the process id of the run, for the message of a refused run. {@link #close()} deletes
 * the file and then releases the lock, so no lock file stays among the results; a run killed without closing leaves
 * the file, but its lock died with the process, and the next run takes the file over. Within one JVM the directories
 * held are also kept in a set, because closing a second channel to a locked file would release the first channel's
 * POSIX lock.
 *
 * <p>Choice: after taking the lock, the run checks (by file key, without opening the file again) that the path
 * still names the file it locked, and retries otherwise; a run that locked a file which the previous holder deleted
 * in between would else hold a lock nobody sees. The check leaves a window of a few instructions between opening
 * and checking; three runs racing on the same directory within it are not guarded against.
 *
 * <p>Owns its channel; {@link #close()} is idempotent and never throws.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name inside the directory. */
    public static final String FILE = ".onnx-inspect.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 5;

    private final Path directory;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DirectoryLock(Path directory, Path file, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory (which must exist) for this run.
     *
     * @throws OnnxInspectException ({@link OnnxInspectException.Kind#INVALID_INPUT}) when another run holds it,
     *                              naming the directory and what to do; ({@link OnnxInspectException.Kind#IO}) when
     *                              the lock file cannot be created
     */
    public static DirectoryLock acquire(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        if (!HELD.add(dir)) {
            throw busy(dir, "this process");
        }
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                DirectoryLock held = tryOnce(dir);
                if (held != null) {
                    return held;
                }
            }
            throw busy(dir, "another run");
        } catch (RuntimeException | Error e) {
            HELD.remove(dir);
            throw e;
        }
    }

    /** The lock, or null when the path changed under it (try again); throws when another run holds it. */
    private static DirectoryLock tryOnce(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw FileErrors.cannot("lock the directory", dir, e);
        }
        try {
            Object opened = key(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw busy(dir, holder(channel));
            }
            if (opened == null || !opened.equals(key(file))) {
                lock.release();
                channel.close();
                return null;
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new DirectoryLock(dir, file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw FileErrors.cannot("lock the directory", dir, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw FileErrors.cannot("lock the directory", file.getParent(), e);
        }
    }

    /** "process N" from the lock file, read through the channel already open (another open would drop locks). */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]+") ? "another run (process " + pid + ")" : "another run";
        } catch (IOException e) {
            return "another run";
        }
    }

    private static OnnxInspectException busy(Path dir, String who) {
        return new OnnxInspectException("cannot write into " + dir + ": " + who + " is writing its results there"
                + " (lock file " + FILE + "); wait for it to finish or give another directory");
    }

    /** The directory held (absolute, normalized). */
    public Path directory() {
        return directory;
    }

    /** Deletes the lock file, releases the lock and closes the file. Idempotent; never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the lock file {}: {}", file, FileErrors.reason(e));
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the lock on {} failed: {}", file, e.toString());
        }
        closeQuietly(channel);
        HELD.remove(directory);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a lock file failed: {}", e.toString());
        }
    }
}
