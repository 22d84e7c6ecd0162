package dev.onnxinspect.io;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * SHA-256 digests as 64 lowercase hex digits, the form every file of this library records (SPEC §12 schema metadata,
 * saved detectors and guards, the dataset checksums). The one place the library hashes; Guava's {@link Hashing} does
 * the work.
 */
public final class Sha256 {
    private Sha256() {}

    /**
     * The SHA-256 of a file's content, streamed (the file is not read into memory at once).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read
     */
    public static String of(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
    }

    /** The SHA-256 of {@code bytes}. */
    public static String of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return Hashing.sha256().hashBytes(bytes).toString();
    }
}
