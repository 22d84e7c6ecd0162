package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The lifecycle shared by every table writer of SPEC §12. Rows stream out in record batches of
 * {@link ArrowWriteOptions#batchRows()} rows into a hidden temporary file in the target's directory;
 * {@link #commit()} completes the file and renames it onto the final name atomically.
 *
 * <p>Choice: publishing needs an explicit {@link #commit()}; {@link #close()} without it discards the rows. A
 * try-with-resources block calls {@code close()} also when the code that produces the rows throws, and a close
 * that published would then put a truncated table under the final name — exactly what SPEC §12 forbids. Use:
 * <pre>{@code
 * try (var writer = new LayerSummaryWriter(file, metadata, options, allocator, layers, datasets)) {
 *     for (...) writer.write(...);
 *     writer.commit();
 * }
 * }</pre>
 *
 * <p>Owns a child of the given allocator and all memory it allocates; commit, abort and close release it. It never
 * closes the caller's allocator. Not thread-safe.
 */
public abstract class ArrowTableWriter implements AutoCloseable {
    final TableSink sink;

    ArrowTableWriter(TableSink sink) {
        this.sink = sink;
    }

    /** The SPEC §12 table name, e.g. {@code activation_frequency}. */
    public final String table() {
        return sink.table();
    }

    /** The final file name (absolute); nothing is there from this writer until {@link #commit()} returns. */
    public final Path file() {
        return sink.file();
    }

    /** The Arrow schema as written, with the dictionary-encoded columns as int32 index fields. */
    public final Schema schema() {
        return sink.schema();
    }

    /** Whether {@link #commit()} has completed: the file is under its final name. */
    public final boolean committed() {
        return sink.committed();
    }

    /** Rows written so far (including those still in the unwritten batch). */
    public final long rowsWritten() {
        return sink.rowsWritten();
    }

    /**
     * Writes the last batch and the footer, forces the file to disk and renames it onto {@link #file()} (replacing a
     * previous file atomically), then releases the memory. On failure the temporary file is deleted, the previous
     * file is untouched, and the writer is aborted.
     *
     * @throws IOException           if writing, syncing or renaming fails
     * @throws ArrowExportException  if the writer was already committed or aborted
     */
    public final void commit() throws IOException {
        sink.commit();
    }

    /** Deletes the temporary file and releases the memory; the final name keeps what it had. Idempotent. */
    public final void abort() {
        sink.abort();
    }

    /** Same as {@link #abort()} unless {@link #commit()} succeeded, in which case it does nothing. Idempotent. */
    @Override
    public final void close() {
        sink.close();
    }

    /** Rejects NaN (never a silent NaN): names the column and says what is expected. */
    static double finiteOrInfinite(String column, double value) {
        if (Double.isNaN(value)) {
            throw new ArrowExportException("column '" + column + "' got NaN; a NaN means the value was not"
                    + " computed — fix the computation or leave the row out");
        }
        return value;
    }

    /** Rejects NaN and infinities. */
    static double finite(String column, double value) {
        if (!Double.isFinite(value)) {
            throw new ArrowExportException("column '" + column + "' must be finite, got " + value);
        }
        return value;
    }

    /** Rejects a value outside [0, 1] (fractions, probabilities, accuracies). */
    static double fraction(String column, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new ArrowExportException("column '" + column + "' is a fraction in [0, 1], got " + value);
        }
        return value;
    }

    static int nonNegative(String column, int value) {
        if (value < 0) {
            throw new ArrowExportException("column '" + column + "' must be >= 0, got " + value);
        }
        return value;
    }

    static long nonNegative(String column, long value) {
        if (value < 0) {
            throw new ArrowExportException("column '" + column + "' must be >= 0, got " + value);
        }
        return value;
    }
}
