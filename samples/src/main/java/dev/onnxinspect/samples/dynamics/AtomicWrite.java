package dev.onnxinspect.samples.dynamics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a small file under a hidden temporary name beside the target and renames it onto the target, so a crash
 * never leaves a truncated file under the final name (as SPEC §12 asks of the tables). The file gets the default
 * permissions of a new file (unlike {@code Files.createTempFile}, which makes it owner-only).
 */
final class AtomicWrite {
    private AtomicWrite() {
    }

    static void write(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
