package dev.onnxinspect.arrow;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.io.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery under every table writer: one record batch of vectors, the dictionaries, the Arrow file writer and
 * the {@link AtomicFiles.PendingFile} (SPEC §12: published under its name only when complete). Rows are set column
 * by column at index {@link #row()} and completed by {@link #endRow()}; a full batch is written out and the vectors
 * reused, so memory stays at one batch however many rows come.
 *
 * <p>Owns a child allocator of the caller's allocator and everything allocated from it; {@link #commit()},
 * {@link #abort()} and {@link #close()} release it all. It does not close the caller's allocator.
 */
final class TableSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TableSink.class);

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED
    }

    private final String table;
    private final BufferAllocator allocator;
    private final Map<String, KeyColumn> keys = new LinkedHashMap<>();
    private final Map<String, FieldVector> vectors = new LinkedHashMap<>();
    private final VectorSchemaRoot root;
    private final AtomicFiles.PendingFile file;
    private final ArrowFileWriter writer;
    private final int batchRows;
    private int row;
    private long rowsWritten;
    private State state = State.OPEN;
    private boolean released;

    private TableSink(
            String table,
            List<ColumnSpec> specs,
            Path target,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator parent)
            throws IOException {
        this.table = table;
        this.batchRows = options.batchRows();
        this.allocator = parent.newChildAllocator("arrow-export " + table, 0, Long.MAX_VALUE);
        AtomicFiles.PendingFile created = null;
        try {
            DictionaryProvider.MapDictionaryProvider dictionaries = new DictionaryProvider.MapDictionaryProvider();
            List<Field> fields = new ArrayList<>();
            List<FieldVector> ordered = new ArrayList<>();
            long dictionaryId = 0;
            for (ColumnSpec spec : specs) {
                FieldVector vector;
                if (spec.type() == ColumnSpec.Type.KEY) {
                    KeyColumn key =
                            new KeyColumn(spec.name(), spec.dictionary(), spec.nullable(), dictionaryId++, allocator);
                    keys.put(spec.name(), key);
                    dictionaries.put(key.dictionary());
                    vector = key.indices();
                } else {
                    vector = newVector(spec);
                }
                vectors.put(spec.name(), vector);
                vector.setInitialCapacity(batchRows);
                vector.allocateNew();
                fields.add(vector.getField());
                ordered.add(vector);
            }
            Schema schema = new Schema(fields, metadata.toSchemaMetadata(table));
            this.root = new VectorSchemaRoot(schema, ordered, 0);
            created = AtomicFiles.create(checkTarget(target));
            this.file = created;
            this.writer = new ArrowFileWriter(
                    root,
                    dictionaries,
                    file.channel(),
                    schema.getCustomMetadata(),
                    IpcOption.DEFAULT,
                    options.compression().codecFactory(),
                    options.compression().codecType());
            writer.start();
        } catch (IOException | RuntimeException e) {
            if (created != null) {
                created.abort();
            }
            release();
            throw e;
        }
    }

    /** The target, refused with a message that says what to do when it cannot be a table file. */
    private static Path checkTarget(Path target) {
        Path absolute = OutputPaths.file(target);
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new ArrowExportException("the directory of " + absolute + " does not exist; create it first");
        }
        return absolute;
    }

    /** Allocates the vectors of {@code columns} and opens a temporary file next to {@code target}. */
    static TableSink open(
            String table,
            ColumnSpec.Columns columns,
            Path target,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator)
            throws IOException {
        return new TableSink(table, columns.specs(), target, metadata, options, allocator);
    }

    private FieldVector newVector(ColumnSpec spec) {
        return switch (spec.type()) {
            case INT32 -> new IntVector(field(spec, new ArrowType.Int(32, true)), allocator);
            case INT64 -> new BigIntVector(field(spec, new ArrowType.Int(64, true)), allocator);
            case FLOAT64 ->
                new Float8Vector(field(spec, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), allocator);
            case KEY -> throw new IllegalArgumentException("key columns are made by KeyColumn");
        };
    }

    private static Field field(ColumnSpec spec, ArrowType type) {
        return new Field(spec.name(), new FieldType(spec.nullable(), type, null), null);
    }

    String table() {
        return table;
    }

    Path file() {
        return file.target();
    }

    Schema schema() {
        return root.getSchema();
    }

    long rowsWritten() {
        return rowsWritten;
    }

    boolean open() {
        return state == State.OPEN;
    }

    boolean committed() {
        return state == State.COMMITTED;
    }

    KeyColumn key(String name) {
        return lookup(keys, name);
    }

    IntVector int32(String name) {
        return (IntVector) lookup(vectors, name);
    }

    BigIntVector int64(String name) {
        return (BigIntVector) lookup(vectors, name);
    }

    Float8Vector float64(String name) {
        return (Float8Vector) lookup(vectors, name);
    }

    private static <T> T lookup(Map<String, T> map, String name) {
        T value = map.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no column " + name + " in " + map.keySet());
        }
        return value;
    }

    /**
     * The index in the current batch of the row being written. Columns set at this index and not completed by
     * {@link #endRow()} are overwritten by the next row, so a row rejected half way leaves nothing behind.
     */
    int row() {
        if (state != State.OPEN) {
            throw new ArrowExportException("the " + table + " writer for " + file.target() + " is already "
                    + (state == State.COMMITTED ? "committed" : "aborted") + "; rows can only be written before"
                    + " commit() or abort(); open a new writer");
        }
        return row;
    }

    /** Completes the current row; writes the batch out when it is full. */
    void endRow() {
        row++;
        rowsWritten++;
        if (row == batchRows) {
            writeBatch();
        }
    }

    private void writeBatch() {
        root.setRowCount(row);
        try {
            writer.writeBatch();
        } catch (IOException | RuntimeException e) {
            abort();
            // a file error stays a file error; anything else thrown by Arrow is a bug (Kind.of)
            throw new ArrowExportException(
                    Kind.of(e),
                    "writing a batch of table " + table + " to " + file.temporary()
                            + " failed (" + e + "); the temporary file was deleted and nothing was written to "
                            + file.target() + "; check free disk space and permissions, then write the table again",
                    e);
        }
        for (FieldVector vector : root.getFieldVectors()) {
            vector.reset();
        }
        row = 0;
    }

    /**
     * Writes the last batch and the footer, forces the file to disk and renames it onto the final name, then
     * releases all memory. On failure the temporary file is deleted and the exception rethrown.
     */
    void commit() throws IOException {
        row();
        try {
            if (row > 0) {
                writeBatch();
            }
            writer.end();
            file.commit();
            state = State.COMMITTED;
            LOG.debug("wrote {} rows of {} to {}", rowsWritten, table, file.target());
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        } finally {
            release();
        }
    }

    /** Deletes the temporary file and releases all memory; the final name is left as it was. Idempotent. */
    void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            file.abort();
            release();
        }
    }

    /** Aborts unless committed: a writer closed without {@link #commit()} publishes nothing. */
    @Override
    public void close() {
        if (state == State.OPEN) {
            LOG.debug("{} writer for {} closed without commit: discarding {} rows", table, file.target(), rowsWritten);
        }
        abort();
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        RuntimeException first = null;
        List<AutoCloseable> owned = new ArrayList<>(keys.values());
        for (Map.Entry<String, FieldVector> e : vectors.entrySet()) {
            if (!keys.containsKey(e.getKey())) {
                owned.add(e.getValue());
            }
        }
        owned.add(allocator);
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        keys.clear();
        vectors.clear();
        if (first != null) {
            throw first;
        }
    }
}
