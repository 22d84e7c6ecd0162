package dev.onnxinspect.data.numpy;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.data.RowBlock;
import dev.onnxinspect.data.TableReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

/** The arrays of one NumPy file read side by side; owns the zip file of an {@code .npz}. */
final class NpyTable implements TableReader {
    private final Path file;
    private final List<NpyColumn> columns;
    private final ZipFile zip;
    private final long rows;
    private final Set<Pass> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    NpyTable(Path file, List<NpyColumn> columns, ZipFile zip) {
        this.file = file;
        this.columns = List.copyOf(columns);
        this.zip = zip;
        this.rows = columns.get(0).array().header().rows();
        for (NpyColumn c : columns) {
            if (c.array().header().rows() != rows) {
                throw new DatasetException("the arrays of " + file + " have different numbers of rows: "
                        + columns.get(0).array().where() + " has shape "
                        + columns.get(0).array().shapeText() + ", "
                        + c.array().where() + " " + c.array().shapeText() + "; give one row per sample in each");
            }
        }
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
        return columns.stream().filter(c -> !c.isLabels()).map(NpyColumn::spec).toList();
    }

    @Override
    public boolean labelled() {
        return columns.stream().anyMatch(NpyColumn::isLabels);
    }

    @Override
    public TableReader.Pass pass() throws IOException {
        if (closed) {
            throw new DatasetException(file + " is closed; open the data again");
        }
        Pass pass = new Pass();
        open.add(pass);
        return pass;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List.copyOf(open).forEach(Pass::close);
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }

    private final class Pass implements TableReader.Pass {
        private final List<InputStream> streams = new ArrayList<>();
        private byte[] buffer = new byte[0];
        private long row;
        private boolean finished;

        Pass() throws IOException {
            try {
                for (NpyColumn c : columns) {
                    streams.add(c.array().openData());
                }
            } catch (IOException | RuntimeException e) {
                closeAfter(e);
                throw DatasetException.damaged(file, e);
            }
        }

        @Override
        public RowBlock next(int maxRows) throws IOException {
            if (finished) {
                return null;
            }
            int n = (int) Math.min(maxRows, rows - row);
            if (n <= 0) {
                close();
                return null;
            }
            try {
                List<InputTensor> tensors = new ArrayList<>();
                int[] labels = null;
                for (int i = 0; i < columns.size(); i++) {
                    NpyColumn c = columns.get(i);
                    int bytes = Math.multiplyExact(n, c.rowBytes());
                    if (buffer.length < bytes) {
                        buffer = new byte[bytes];
                    }
                    int got = streams.get(i).readNBytes(buffer, 0, bytes);
                    if (got < bytes) {
                        throw new DatasetException(c.array().where() + " ends at row " + (row + got / c.rowBytes())
                                + " of the " + rows + " its header announces; the file is truncated: write it again");
                    }
                    if (c.isLabels()) {
                        labels = c.decodeLabels(buffer, n, row);
                    } else {
                        tensors.add(c.decode(buffer, n, row));
                    }
                }
                row += n;
                return new RowBlock(n, tensors, labels);
            } catch (IOException | RuntimeException e) {
                closeAfter(e);
                throw DatasetException.damaged(file, e);
            }
        }

        /** Closes the pass after {@code failure}, which a failure to close must not replace. */
        private void closeAfter(Exception failure) {
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
            IOException failure = null;
            for (InputStream s : streams) {
                try {
                    s.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw new UncheckedIOException("cannot close " + file, failure);
            }
        }
    }
}
