package dev.onnxinspect.arrow;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.columns.ArrowColumns;
import dev.onnxinspect.arrow.columns.ArrowTable;
import dev.onnxinspect.data.DataFormat;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.LabelMapping;
import dev.onnxinspect.data.TableReader;
import dev.onnxinspect.io.FileErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow IPC files ({@code .arrow}, {@code .feather}: the Arrow file format, which Feather version 2 is), their
 * columns feeding inputs by name as {@link ArrowColumns} describes; uncompressed or compressed with LZ4 frames or
 * Zstandard. Written by pyarrow ({@code pa.ipc.new_file}, {@code pyarrow.feather.write_feather}), polars
 * ({@code write_ipc}), pandas ({@code to_feather}) and Arrow in every language. The row count comes from the record
 * batch headers; a pass reads one record batch at a time (memory: one record batch and one output block).
 * The Arrow stream format and Feather version 1 are refused with the call that writes the file format.
 *
 * <p>Each table owns a {@link RootAllocator} of its own, closed with it: a leak fails the close.
 *
 * <p>A damaged file (truncated, or with bytes changed) is refused in one line naming it
 * ({@link DatasetException#damaged}, exit code 3), its buffers released first. The blocks of the footer are checked
 * against the file before Arrow reads them. Choice: an {@link OutOfMemoryError} while Arrow decodes the file's
 * metadata is taken for damage too (a changed byte in a flatbuffer's length makes Arrow ask for an array of 2^31
 * elements: "Requested array size exceeds VM limit", thrown before anything is allocated); the message keeps the
 * error's name, so a file really too large for the heap is still recognisable.
 */
public final class ArrowIpcFormat implements DataFormat {
    @Override
    public String name() {
        return "Arrow IPC .arrow/.feather";
    }

    @Override
    public boolean reads(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        return (n.endsWith(".arrow") || n.endsWith(".feather")) && !Files.isDirectory(file);
    }

    @Override
    public TableReader open(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file);
        } catch (IOException e) {
            throw FileErrors.cannot("read", file, e);
        }
        BufferAllocator allocator = new RootAllocator(directMemoryLimit());
        try {
            Schema schema;
            long rows;
            try (channel;
                    ArrowFileReader reader = new ArrowFileReader(channel, allocator, Compression.readerFactory())) {
                schema = schema(file, reader);
                for (ArrowBlock block : reader.getDictionaryBlocks()) {
                    ArrowImageSource.checkBlock(channel, block);
                }
                rows = ArrowImageSource.countRows(channel, reader.getRecordBlocks());
            } catch (OnnxInspectException e) {
                throw e;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                throw DatasetException.damaged(file, e);
            }
            ArrowColumns columns = ArrowColumns.plan(file, schema, inputs, labels);
            return new ArrowTable(file, rows, columns, () -> stream(file, allocator), allocator);
        } catch (RuntimeException e) {
            closeAfter(allocator, e);
            throw e;
        }
    }

    /**
     * The most Arrow memory one table may hold at a time: half the JVM's maximum heap (at least 64 MiB). Choice: a
     * compressed record batch declares its decompressed length, and a small damaged or hostile file can declare
     * gigabytes of highly compressible data (a fuzzed 923-byte file took 12 GB of memory); beyond this limit Arrow
     * refuses the allocation, and the file is refused as damaged, naming it. Real batches are far smaller (the
     * table is read one record batch at a time); raise -Xmx for a file whose single batch needs more.
     */
    static long directMemoryLimit() {
        return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
    }

    /**
     * Closes the table's allocator after a failure: the failure stays the error, a leak found on closing is added to
     * it as suppressed (never logged in its place).
     */
    static void closeAfter(BufferAllocator allocator, Exception failure) {
        try {
            allocator.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static Schema schema(Path file, ArrowFileReader reader) {
        try {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new DatasetException(
                    file + " is not an Arrow IPC file (" + DatasetException.oneLine(e) + "); write it in the"
                            + " Arrow file format (pyarrow: pa.ipc.new_file or feather.write_feather, polars:"
                            + " write_ipc)",
                    e);
        }
    }

    private static ArrowTable.BatchStream stream(Path file, BufferAllocator allocator) throws IOException {
        FileChannel channel = FileChannel.open(file);
        ArrowFileReader reader;
        try {
            reader = new ArrowFileReader(channel, allocator, Compression.readerFactory());
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
        return new ArrowTable.BatchStream() {
            @Override
            public ArrowReader reader() {
                return reader;
            }

            @Override
            public void close() throws IOException {
                reader.close(); // closes the channel too
            }
        };
    }
}
