package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.ElementWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes small Arrow IPC files with the plain Arrow API, for tests. */
final class IpcFiles {
    static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    static final ArrowType INT64 = new ArrowType.Int(64, true);
    static final ArrowType INT32 = new ArrowType.Int(32, true);

    private IpcFiles() {}

    static Field scalar(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    static Field list(String name, ArrowType item) {
        return new Field(name, FieldType.nullable(new ArrowType.List()), List.of(scalar("item", item)));
    }

    static Field fixedList(String name, int size, ArrowType item) {
        return new Field(name, FieldType.nullable(new ArrowType.FixedSizeList(size)), List.of(scalar("item", item)));
    }

    /** A FixedSizeList field carrying the arrow.fixed_shape_tensor extension metadata. */
    static Field tensor(String name, int size, ArrowType item, String metadataJson) {
        Map<String, String> metadata = Map.of(
                "ARROW:extension:name", ArrowColumns.FIXED_SHAPE_TENSOR, "ARROW:extension:metadata", metadataJson);
        return new Field(
                name,
                new FieldType(true, new ArrowType.FixedSizeList(size), null, metadata),
                List.of(scalar("item", item)));
    }

    /** Writes one record batch per filler; each sets the vectors of {@code rows[i]} rows. */
    static Path write(
            Path file, BufferAllocator allocator, Schema schema, int[] rows, List<Consumer<VectorSchemaRoot>> fillers)
            throws IOException {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            for (int b = 0; b < rows.length; b++) {
                root.allocateNew();
                fillers.get(b).accept(root);
                root.setRowCount(rows[b]);
                writer.writeBatch();
            }
            writer.end();
        }
        return file;
    }

    /** Sets integer or float values (null as a null) of a number vector. */
    static void numbers(VectorSchemaRoot root, String column, Number... values) {
        BaseFixedWidthVector v = (BaseFixedWidthVector) root.getVector(column);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else if (v instanceof Float2Vector halves) {
                halves.set(i, ElementWriter.floatToHalf(values[i].floatValue()));
            } else if (v instanceof BitVector bits) {
                bits.set(i, values[i].intValue());
            } else if (v instanceof BaseIntVector ints) {
                ints.setWithPossibleTruncate(i, values[i].longValue());
            } else {
                ((FloatingPointVector) v).setWithPossibleTruncate(i, values[i].doubleValue());
            }
        }
        v.setValueCount(values.length);
    }

    /** Sets the rows of a List column of integers (a null row as null). */
    static void longLists(VectorSchemaRoot root, String column, long[]... rows) {
        ListVector v = (ListVector) root.getVector(column);
        BaseIntVector child = (BaseIntVector) v.getDataVector();
        int at = 0;
        for (int r = 0; r < rows.length; r++) {
            int start = v.startNewValue(r);
            long[] row = rows[r] == null ? new long[0] : rows[r];
            for (int i = 0; i < row.length; i++) {
                child.setWithPossibleTruncate(start + i, row[i]);
            }
            v.endValue(r, row.length);
            if (rows[r] == null) {
                v.setNull(r);
            }
            at = start + row.length;
        }
        v.getDataVector().setValueCount(at);
        v.setValueCount(rows.length);
    }

    /** Sets the rows of a FixedSizeList (or tensor) column of floats. */
    static void floatLists(VectorSchemaRoot root, String column, float[]... rows) {
        FixedSizeListVector v = (FixedSizeListVector) root.getVector(column);
        var child = (FloatingPointVector) v.getDataVector();
        int size = v.getListSize();
        for (int r = 0; r < rows.length; r++) {
            v.setNotNull(r);
            for (int i = 0; i < size; i++) {
                child.setWithPossibleTruncate(r * size + i, rows[r][i]);
            }
        }
        v.getDataVector().setValueCount(rows.length * size);
        v.setValueCount(rows.length);
    }
}
