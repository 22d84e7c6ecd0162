package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.RowBlock;
import dev.onnxinspect.data.TableReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A table read as a stream of Arrow record batches (an Arrow IPC file, or a Parquet file through DuckDB), feeding
 * inputs through its {@link ArrowColumns}. Each pass opens a new stream with the {@link Opener} and reads it record
 * batch by record batch: memory holds the stream's current record batch and the output block.
 *
 * <p>Owns its passes' streams and the resource given to it ({@code owned}, e.g. the allocator or a database
 * connection), closed by {@link #close()} after the passes (idempotent). Not thread-safe.
 */
public final class ArrowTable implements TableReader {
    /** Opens a new stream of record batches from the table's first row. */
    @FunctionalInterface
    public interface Opener {
        BatchStream open() throws IOException;
    }

    /** An open stream: its reader, and closing it closes everything the stream opened. */
    public interface BatchStream extends AutoCloseable {
        ArrowReader reader();

        @Override
        void close() throws IOException;
    }

    private final Path file;
    private final long rows;
    private final ArrowColumns columns;
    private final Opener opener;
    private final AutoCloseable owned;
    private final Set<Pass> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /**
     * A table of {@code rows} rows.
     *
     * @param owned closed by {@link #close()} after every pass; may be null
     */
    public ArrowTable(Path file, long rows, ArrowColumns columns, Opener opener, AutoCloseable owned) {
        this.file = file;
        this.rows = rows;
        this.columns = columns;
        this.opener = opener;
        this.owned = owned;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public List<InputSpec> inputs() {
        return columns.inputs();
    }

    @Override
    public boolean labelled() {
        return columns.labelled();
    }

    @Override
    public TableReader.Pass pass() throws IOException {
        if (closed) {
            throw new DatasetException(file + " is closed; open the data again");
        }
        Pass pass = new Pass(opener.open());
        open.add(pass);
        return pass;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (Pass pass : List.copyOf(open)) {
            try {
                pass.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : add(failure, e);
            }
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re
                        ? re
                        : new UncheckedIOException(
                                "cannot close " + file, e instanceof IOException io ? io : new IOException(e));
                failure = failure == null ? r : add(failure, r);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        first.addSuppressed(next);
        return first;
    }

    private final class Pass implements TableReader.Pass {
        private final BatchStream stream;
        private final ArrowReader reader;
        private long position;
        private long rootFirstRow;
        private int rootRows;
        private int rowInRoot;
        private boolean finished;

        Pass(BatchStream stream) {
            this.stream = stream;
            this.reader = stream.reader();
        }

        @Override
        public RowBlock next(int maxRows) throws IOException {
            if (finished) {
                return null;
            }
            int n = (int) Math.min(maxRows, rows - position);
            if (n <= 0) {
                close();
                return null;
            }
            try {
                ArrowColumns.Rows block = columns.begin(n, position);
                while (block.missing() > 0) {
                    if (rowInRoot >= rootRows) {
                        rootFirstRow += rootRows;
                        if (!reader.loadNextBatch()) {
                            throw new DatasetException(file + " ended after " + rootFirstRow + " rows but had " + rows
                                    + " when it was opened; was it changed while being read? Open the data again");
                        }
                        rootRows = reader.getVectorSchemaRoot().getRowCount();
                        rowInRoot = 0;
                        continue;
                    }
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    int take = Math.min(block.missing(), rootRows - rowInRoot);
                    block.copy(root, rowInRoot, take, rootFirstRow);
                    rowInRoot += take;
                }
                position += n;
                return block.finish();
            } catch (OnnxInspectException e) {
                closeAfter(e);
                throw e;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                closeAfter(e);
                throw DatasetException.damaged(file, e);
            }
        }

        /** Closes the pass after {@code failure}, which a failure to close must not replace. */
        private void closeAfter(Throwable failure) {
            try {
                close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            open.remove(this);
            try {
                stream.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }
}
