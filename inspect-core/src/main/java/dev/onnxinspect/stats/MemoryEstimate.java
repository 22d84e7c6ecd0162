package dev.onnxinspect.stats;

import java.util.Locale;
import java.util.Objects;

/**
 * The memory a statistic will allocate, stated before it allocates it.
 *
 * @param bytes       the number of bytes (at least 0)
 * @param description what the bytes hold, e.g. {@code "interaction counters for layer fc2: 10 classes x 10 x 128"}
 */
public record MemoryEstimate(long bytes, String description) {
    public MemoryEstimate {
        Objects.requireNonNull(description, "description");
        if (bytes < 0) {
            throw new StatsException(
                    "a memory estimate cannot be negative, got " + bytes + " bytes for " + description);
        }
    }

    /** The size in MiB (2^20 bytes). */
    public double mebibytes() {
        return bytes / (double) (1L << 20);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 20));
    }
}
