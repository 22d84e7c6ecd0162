package dev.onnxinspect.arrow;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.io.FileErrors;
import dev.onnxinspect.io.InputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC file of images as a {@link DataSource}: one row per image, the pixels either in one
 * FixedSizeList&lt;float32|float64&gt; column or in one float32/float64 column per pixel, and an optional integer
 * label column. Reads record batch by record batch, so memory holds one record batch and one output batch.
 * Samples come in file order. Float64 pixels are converted to float32 (Choice: ONNX models take float32 inputs, and
 * {@link Batch} holds float32). Nulls in pixels or labels are errors naming the row.
 *
 * <p>Owns a child of the given allocator: {@link #close()} closes every pass still open and the child allocator.
 * A pass closes itself when it is exhausted or fails. It does not close the caller's allocator. Each pass opens its
 * own file channel, so passes are independent, but a source is not thread-safe.
 */
public final class ArrowImageSource implements DataSource, AutoCloseable {
    private final Path file;
    private final String name;
    private final ImageColumns columns;
    private final int[] sampleShape;
    private final long size;
    private final BufferAllocator allocator;
    private final Set<Pass> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private ArrowImageSource(Builder b) throws IOException {
        this.file = b.file.toAbsolutePath();
        InputFiles.require(file, "the image table", InputFiles.Expect.FILE, ArrowExportException::new);
        String fileName = file.getFileName().toString();
        this.name = b.name != null
                ? b.name
                : fileName.endsWith(".arrow") ? fileName.substring(0, fileName.length() - 6) : fileName;
        FileChannel opened;
        try {
            opened = FileChannel.open(file);
        } catch (IOException e) {
            throw FileErrors.cannot("read", file, e);
        }
        this.allocator = b.allocator.newChildAllocator("arrow-image-source " + fileName, 0, Long.MAX_VALUE);
        try (FileChannel channel = opened;
                ArrowFileReader reader = new ArrowFileReader(channel, allocator, Compression.readerFactory())) {
            Schema schema = readSchema(reader);
            this.columns = ImageColumns.resolve(file, schema, b.imageColumn, b.pixelColumns, b.labelColumn, b.labelled);
            this.sampleShape = b.sampleShape != null ? b.sampleShape.clone() : new int[] {columns.sampleSize()};
            long product = 1;
            for (int d : sampleShape) {
                if (d <= 0) {
                    throw new ArrowExportException(
                            "sample shape must be positive, got " + Arrays.toString(sampleShape));
                }
                product *= d;
            }
            if (product != columns.sampleSize()) {
                throw new ArrowExportException("sample shape " + Arrays.toString(sampleShape) + " holds " + product
                        + " values but the images of " + file + " have " + columns.sampleSize());
            }
            this.size = countRows(channel, reader.getRecordBlocks());
        } catch (OnnxInspectException e) {
            ArrowIpcFormat.closeAfter(allocator, e);
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            OnnxInspectException damaged = DatasetException.damaged(file, e);
            ArrowIpcFormat.closeAfter(allocator, damaged);
            throw damaged;
        }
    }

    private Schema readSchema(ArrowFileReader reader) throws IOException {
        try {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (RuntimeException e) {
            throw new ArrowExportException(
                    file + " is not an Arrow IPC file (" + e.getMessage() + "); write it in the"
                            + " Arrow file format (pyarrow: pa.ipc.new_file, polars: write_ipc)",
                    e);
        }
    }

    /** Sums the row counts in the record batch headers without reading the bodies. */
    static long countRows(FileChannel channel, List<ArrowBlock> blocks) throws IOException {
        long rows = 0;
        for (ArrowBlock block : blocks) {
            checkBlock(channel, block);
            channel.position(block.getOffset());
            MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
            if (message == null || message.getMessage().headerType() != MessageHeader.RecordBatch) {
                throw new IOException("no record batch at offset " + block.getOffset());
            }
            RecordBatch header = (RecordBatch) message.getMessage().header(new RecordBatch());
            checkRecordBatch(header, block);
            rows += header.length();
        }
        return rows;
    }

    /**
     * Checks a block of the file's footer against the file before Arrow reads it: the block lies inside the file and
     * its message's length prefix (after the optional continuation marker) fits in the block's metadata. Arrow
     * allocates a heap buffer of whatever length the prefix says; a damaged prefix would else end in an
     * {@link OutOfMemoryError}.
     *
     * @throws IOException naming what does not fit (the caller refuses the file as damaged)
     */
    static void checkBlock(FileChannel channel, ArrowBlock block) throws IOException {
        long size = channel.size();
        long offset = block.getOffset();
        int metadata = block.getMetadataLength();
        long body = block.getBodyLength();
        if (offset < 0 || metadata < 8 || body < 0 || offset + metadata > size || offset + metadata + body > size) {
            throw new IOException("a block at offset " + offset + " of " + metadata + " + " + body
                    + " bytes in a file of " + size + " bytes");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(prefix, offset);
        int length = prefix.getInt(0);
        if (length == -1) {
            length = prefix.getInt(4); // continuation marker, then the length
        }
        if (length < 0 || length > metadata) {
            throw new IOException("a message of " + length + " bytes in a block of " + metadata + " bytes");
        }
    }

    /**
     * Checks a record batch's header as Arrow's {@code MessageSerializer.deserializeRecordBatch} will read it, before
     * any pass reads the batch: Arrow reads the body into a buffer first and does not release it when the header then
     * proves invalid (a leak that its allocator reports on closing), so a damaged header is refused here, where no
     * body has been read. Row and node counts in 0..2^31-1, null counts within them, every buffer inside the body, and
     * the compression table readable.
     */
    private static void checkRecordBatch(RecordBatch header, ArrowBlock block) throws IOException {
        if (header.length() < 0 || header.length() > Integer.MAX_VALUE) {
            throw new IOException("a record batch of " + header.length() + " rows");
        }
        FieldNode node = new FieldNode();
        for (int i = 0; i < header.nodesLength(); i++) {
            header.nodes(node, i);
            if (node.length() < 0
                    || node.length() > Integer.MAX_VALUE
                    || node.nullCount() < 0
                    || node.nullCount() > node.length()) {
                throw new IOException("a column of " + node.length() + " values with " + node.nullCount() + " nulls");
            }
        }
        Buffer buffer = new Buffer();
        for (int i = 0; i < header.buffersLength(); i++) {
            header.buffers(buffer, i);
            if (buffer.offset() < 0
                    || buffer.length() < 0
                    || buffer.offset() + buffer.length() > block.getBodyLength()) {
                throw new IOException("a buffer at " + buffer.offset() + " of " + buffer.length()
                        + " bytes in a body of " + block.getBodyLength() + " bytes");
            }
        }
        header.compression();
    }

    /** Starts a builder for {@code file}; memory comes from a child of {@code allocator}. */
    public static Builder builder(Path file, BufferAllocator allocator) {
        return new Builder(file, allocator);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** The number of rows, from the record batch headers. */
    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean labelled() {
        return columns.labelled();
    }

    /**
     * A new pass over the file in batches of {@code batchSize} samples (the last may be smaller); batches span record
     * batch boundaries. {@link Iterator#next()} throws {@link ArrowExportException} for a null pixel or label and
     * an {@link ArrowExportException} of kind {@link Kind#IO} when the file cannot be read.
     */
    @Override
    public Iterator<Batch> batches(int batchSize) {
        if (batchSize < 1) {
            throw new ArrowExportException("batchSize must be at least 1, got " + batchSize);
        }
        if (closed) {
            throw new ArrowExportException("the image source " + file + " is closed; open a new one");
        }
        try {
            Pass pass = new Pass(batchSize);
            open.add(pass);
            return pass;
        } catch (IOException e) {
            throw new ArrowExportException(
                    Kind.IO, "cannot open " + file + ": " + e.getMessage() + "; check that the file is readable", e);
        }
    }

    /** Closes every open pass and releases the memory. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Pass pass : List.copyOf(open)) {
                pass.close();
            }
            allocator.close();
        }
    }

    /** One pass: an open reader and a position in the current record batch. */
    private final class Pass implements Iterator<Batch> {
        private final int batchSize;
        private final FileChannel channel;
        private final ArrowFileReader reader;
        private final List<ArrowBlock> blocks;
        private int nextBlock;
        private int rowInBatch;
        private long batchFirstRow;
        private long rowsBefore;
        private boolean finished;

        Pass(int batchSize) throws IOException {
            this.batchSize = batchSize;
            this.channel = FileChannel.open(file);
            try {
                this.reader = new ArrowFileReader(channel, allocator, Compression.readerFactory());
                this.blocks = reader.getRecordBlocks();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /** True when the loaded record batch has rows left, loading further batches as needed. */
        private boolean ensureRows() throws IOException {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (!finished && (nextBlock == 0 || rowInBatch >= root.getRowCount())) {
                if (nextBlock == blocks.size()) {
                    close();
                    return false;
                }
                if (nextBlock > 0) {
                    rowsBefore += root.getRowCount();
                }
                reader.loadRecordBatch(blocks.get(nextBlock++));
                batchFirstRow = rowsBefore;
                rowInBatch = 0;
            }
            return !finished;
        }

        @Override
        public boolean hasNext() {
            try {
                return ensureRows();
            } catch (OnnxInspectException e) {
                closeAfter(e);
                throw e;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                OnnxInspectException damaged = DatasetException.damaged(file, e);
                closeAfter(damaged);
                throw damaged;
            }
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the pass over " + file + " is finished");
            }
            int sampleSize = columns.sampleSize();
            float[] data = new float[batchSize * sampleSize];
            int[] labels = columns.labelled() ? new int[batchSize] : null;
            int filled = 0;
            try {
                while (filled < batchSize && ensureRows()) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    int take = Math.min(batchSize - filled, root.getRowCount() - rowInBatch);
                    columns.copy(root, rowInBatch, take, data, labels, filled, batchFirstRow);
                    rowInBatch += take;
                    filled += take;
                }
            } catch (OnnxInspectException e) {
                closeAfter(e);
                throw e;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                OnnxInspectException damaged = DatasetException.damaged(file, e);
                closeAfter(damaged);
                throw damaged;
            }
            if (filled < batchSize) {
                data = Arrays.copyOf(data, filled * sampleSize);
                labels = labels == null ? null : Arrays.copyOf(labels, filled);
            }
            return new Batch(data, filled, sampleShape, labels);
        }

        /** Closes the pass after {@code failure}, which a failure to close must not replace. */
        private void closeAfter(RuntimeException failure) {
            try {
                close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }

        void close() {
            if (!finished) {
                finished = true;
                open.remove(this);
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new ArrowExportException(Kind.IO, "cannot close " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** Options of an image source; {@link #build()} opens the file and checks its schema. */
    public static final class Builder {
        private final Path file;
        private final BufferAllocator allocator;
        private String name;
        private String imageColumn;
        private List<String> pixelColumns;
        private String labelColumn;
        private boolean labelled = true;
        private int[] sampleShape;

        private Builder(Path file, BufferAllocator allocator) {
            this.file = file;
            this.allocator = allocator;
        }

        /** The source's name in tables (default: the file name without {@code .arrow}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The FixedSizeList&lt;float32|float64&gt; column holding one image per row. */
        public Builder imageColumn(String column) {
            this.imageColumn = column;
            this.pixelColumns = null;
            return this;
        }

        /** One float32/float64 column per pixel, in sample order. */
        public Builder pixelColumns(List<String> columns) {
            this.pixelColumns = List.copyOf(columns);
            this.imageColumn = null;
            return this;
        }

        /** The integer label column (default: {@code label} when the file has one). */
        public Builder labelColumn(String column) {
            this.labelColumn = column;
            this.labelled = true;
            return this;
        }

        /** Ignore any label column. */
        public Builder unlabelled() {
            this.labelColumn = null;
            this.labelled = false;
            return this;
        }

        /** The shape of one sample, e.g. {@code 1, 28, 28} (default: one dimension of all pixels). */
        public Builder sampleShape(int... shape) {
            this.sampleShape = shape.clone();
            return this;
        }

        /**
         * Opens the file and resolves the columns. Defaults: the column {@code image}, else the only FixedSizeList
         * column, else every floating-point column other than the label, in schema order.
         *
         * @throws IOException          if the file cannot be read
         * @throws ArrowExportException if a column is missing or has the wrong type
         */
        public ArrowImageSource build() throws IOException {
            return new ArrowImageSource(this);
        }
    }
}
