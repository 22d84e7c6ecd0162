package dev.onnxinspect.io;

import dev.onnxinspect.OnnxInspectException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a whole file atomically, the one way every module of the library publishes a file (SPEC §12: a crash never
 * leaves a truncated file under the final name):
 * <ol>
 *   <li>the bytes go to a hidden temporary file in the target's directory ({@code .NAME.tmp-XXXXXXXX});</li>
 *   <li>the temporary file is forced to disk ({@code fsync}) and closed;</li>
 *   <li>it is renamed onto the target atomically, replacing an existing file, which stays intact until then;</li>
 *   <li>the directory is forced to disk, so that the rename itself survives a power loss.</li>
 * </ol>
 * On any failure before the rename the temporary file is deleted and the target is left as it was; a process killed
 * before the rename leaves only the hidden temporary file behind.
 *
 * <p>{@link #write(Path, Content)} does it all in one call; {@link #create(Path)} hands out the {@link PendingFile}
 * for writers that stream into a {@link FileChannel} themselves (the Arrow tables).
 *
 * <p>The temporary file is created like any new file ({@code CREATE_NEW}), so the result has the permissions a
 * plain {@link Files#newOutputStream} file would get (rw-r--r-- under the usual umask 022). Choice: not
 * {@link Files#createTempFile}, which makes the file owner-only (rw-------) and would hide a model or result saved by
 * one user from everyone else.
 *
 * <p>Choice: the fsync of the directory is best effort. Some platforms and file systems cannot open or force a
 * directory (Windows, some network file systems) and throw an {@link IOException}; that exception is logged at debug
 * level and ignored, as is common practice (the rename is already atomic, only its durability is left to the OS).
 * Choice: a file system that cannot rename atomically is refused with an {@link AtomicMoveNotSupportedException}
 * (a plain rename could copy, and a crash could then leave a partial file under the final name). The target's
 * directory must exist; this class does not create it.
 *
 * <p>The target is checked first ({@link OutputPaths#file}): an empty path, or an existing target that is not a
 * regular file (a device, a FIFO, a socket, a directory), is refused before anything is written, and checked again
 * just before the rename, which would otherwise replace it. A file error is an {@link OnnxInspectException} of
 * {@link OnnxInspectException.Kind#IO} that names the target and the reason ({@code cannot write /x/y.arrow:
 * permission denied}).
 *
 * <p>Stale temporary files: a writer killed before its rename leaves its hidden temporary file behind. Every
 * {@link #create} first deletes, in the target's directory, the temporary files of this class's pattern
 * ({@code .NAME.tmp-HEX}, nothing else) that are older than {@link #STALE_AFTER} and not held by a live writer. A
 * live writer holds an operating-system lock ({@link FileChannel#tryLock()}) on its temporary file from creation to
 * rename (another process sees the lock; this process also keeps the set of its own pending files, which it never
 * opens a second time). Choice: the age limit as well as the lock, because a file system without working locks (some
 * network file systems) would else let one run delete another's file; a temporary file not written for
 * {@link #STALE_AFTER} and not locked is taken for a crashed run's.
 */
public final class AtomicFiles {
    /** How long a temporary file must have been left unmodified before a later writer may delete it as stale. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final int MAX_NAME_ATTEMPTS = 10;
    /** The temporary files of this class: {@code .NAME.tmp-HEX}, HEX being 1 to 12 hexadecimal digits. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp-[0-9a-f]{1,12}");
    /** The temporary files this process is writing (never opened again by the stale-file sweep). */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {}

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
     * @throws OnnxInspectException ({@link OnnxInspectException.Kind#INVALID_INPUT}) when the target is empty or not
     *                              a regular file; ({@link OnnxInspectException.Kind#IO}) when the file cannot be
     *                              written or renamed (the temporary file is then deleted), naming the target and
     *                              the reason, also for an {@link IOException} that {@code content} threw
     * @throws IOException          never in practice; kept for the callers' signatures
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        try (PendingFile file = create(target)) {
            try {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(file.channel()));
                content.writeTo(new FlushOnClose(out));
                out.flush();
            } catch (IOException e) {
                throw FileErrors.cannot("write", file.target(), e);
            }
            file.commit();
        }
    }

    /**
     * Creates the temporary file next to {@code target}, for a writer that streams into its channel and then calls
     * {@link PendingFile#commit()}; use it in try-with-resources, so that a file not committed is deleted.
     *
     * <p>Deletes the stale temporary files in the target's directory first (see {@link AtomicFiles}).
     *
     * @throws OnnxInspectException ({@link OnnxInspectException.Kind#INVALID_INPUT}) when the target is empty or not
     *                              a regular file; ({@link OnnxInspectException.Kind#IO}) when the temporary file
     *                              cannot be created (e.g. the directory does not exist), naming the target and the
     *                              reason
     */
    public static PendingFile create(Path target) throws IOException {
        Path absolute = OutputPaths.file(target);
        deleteStaleTemporaryFiles(absolute.getParent());
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            Path temporary = absolute.resolveSibling("." + absolute.getFileName() + ".tmp-" + suffix);
            FileChannel channel;
            try {
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == MAX_NAME_ATTEMPTS) {
                    throw FileErrors.cannot("write", absolute, e);
                }
                continue;
            } catch (IOException e) {
                throw FileErrors.cannot("write", absolute, e);
            }
            PENDING.add(temporary);
            FileLock lock = null;
            try {
                lock = channel.tryLock();
            } catch (IOException | UnsupportedOperationException | OverlappingFileLockException e) {
                LOG.debug("cannot lock {} (the age limit alone protects it): {}", temporary, e.toString());
            }
            if (lock == null) {
                LOG.debug("{} is not locked; the age limit alone protects it", temporary);
            }
            return new PendingFile(absolute, temporary, channel);
        }
    }

    /**
     * Deletes the temporary files of this class in {@code directory} that a crashed writer left: name of the pattern
     * {@code .NAME.tmp-HEX}, a regular file (links are not followed), unmodified for {@link #STALE_AFTER}, not
     * pending in this process and not locked by another. Best effort: a file that cannot be checked or deleted is
     * left (and logged at debug level).
     *
     * @return the number of files deleted
     */
    public static int deleteStaleTemporaryFiles(Path directory) {
        if (directory == null) {
            return 0;
        }
        int deleted = 0;
        Instant limit = Instant.now().minus(STALE_AFTER);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp-*")) {
            for (Path file : files) {
                if (TEMPORARY.matcher(file.getFileName().toString()).matches()
                        && !PENDING.contains(file.toAbsolutePath())
                        && deleteIfStale(file, limit)) {
                    deleted++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.debug("cannot look for stale temporary files in {}: {}", directory, e.toString());
        }
        return deleted;
    }

    private static boolean deleteIfStale(Path file, Instant limit) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || !a.lastModifiedTime().toInstant().isBefore(limit)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                    FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    return false; // a live writer in another process
                }
                Files.delete(file);
                LOG.info("deleted {}, a temporary file left by an earlier run that did not finish", file);
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("left {}: {}", file, e.toString());
            return false;
        }
    }

    /**
     * A file being written under its temporary name. Until {@link #commit()} a previous file under the target name
     * is untouched; {@link #abort()} (and {@link #close()} without a commit) deletes the temporary file.
     *
     * <p>Owns the channel it hands out: {@code commit}, {@code abort} and {@code close} close it, and the caller
     * must not. Not thread-safe.
     */
    public static final class PendingFile implements AutoCloseable {
        private final Path target;
        private final Path temporary;
        private final FileChannel channel;
        private boolean open = true;
        private boolean committed;

        private PendingFile(Path target, Path temporary, FileChannel channel) {
            this.target = target;
            this.temporary = temporary;
            this.channel = channel;
        }

        /** The channel to write the content into (positioned at 0). Not to be closed by the caller. */
        public FileChannel channel() {
            return channel;
        }

        /** The final name (absolute). */
        public Path target() {
            return target;
        }

        /** The hidden temporary name the bytes are written under until the commit (absolute). */
        public Path temporary() {
            return temporary;
        }

        /**
         * Forces the bytes to disk, closes the channel, renames the temporary file onto the target and forces the
         * directory to disk (best effort, see {@link AtomicFiles}). On failure the temporary file is deleted, the
         * target is left as it was, and the exception is rethrown.
         *
         * @throws AtomicMoveNotSupportedException if the file system cannot rename atomically
         * @throws IllegalStateException           if already committed or aborted
         */
        public void commit() throws IOException {
            if (!open) {
                throw new IllegalStateException("the temporary file of " + target + " is already "
                        + (committed ? "committed" : "aborted") + "; create a new one");
            }
            try {
                OutputPaths.file(target); // what appeared there meanwhile is not replaced either
                channel.force(true);
                channel.close();
                open = false;
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                abort();
                AtomicMoveNotSupportedException refusal = new AtomicMoveNotSupportedException(
                        temporary.toString(),
                        target.toString(),
                        "the file system cannot rename atomically; write to a local file system");
                refusal.initCause(e);
                throw refusal;
            } catch (IOException e) {
                abort();
                throw FileErrors.cannot("write", target, e);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
            committed = true;
            PENDING.remove(temporary);
            forceDirectory(target.getParent());
        }

        /** Closes the channel (if open) and deletes the temporary file; never throws. Idempotent. */
        public void abort() {
            if (open) {
                open = false;
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.warn("closing {} failed: {}", temporary, e.toString());
                }
            }
            PENDING.remove(temporary);
            if (committed) {
                return;
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                LOG.warn("cannot delete the temporary file {}: {}; delete it by hand", temporary, e.toString());
            }
        }

        /** Aborts unless committed: a file closed without {@link #commit()} publishes nothing. */
        @Override
        public void close() {
            abort();
        }
    }

    /** Makes a rename in {@code directory} durable where the platform can open a directory (Linux can). */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot force directory {} to disk: {}", directory, e.toString());
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
