package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes small image tables with the plain Arrow API (tests only). Image {@code s} (file-wide index) has pixel
 * {@code k} equal to {@code s * 10 + k} and label {@code s % 3}, so any value can be checked by hand.
 */
final class ImageTables {
    private ImageTables() {}

    static float pixel(int sample, int k) {
        return sample * 10 + k;
    }

    /**
     * A FixedSizeList image column {@code image} of {@code pixels} floats (float64 when {@code doubles}) and an int32
     * {@code label} column, in record batches of the given sizes. {@code nullPixelRow} >= 0 puts a null pixel 1 in
     * that row.
     */
    static void writeList(
            Path file, BufferAllocator allocator, int pixels, boolean doubles, int[] batchSizes, int nullPixelRow)
            throws IOException {
        writeList(file, allocator, pixels, doubles, batchSizes, nullPixelRow, Compression.NONE);
    }

    /** As above, with the record batches compressed. */
    static void writeList(
            Path file,
            BufferAllocator allocator,
            int pixels,
            boolean doubles,
            int[] batchSizes,
            int nullPixelRow,
            Compression compression)
            throws IOException {
        ArrowType pixelType =
                new ArrowType.FloatingPoint(doubles ? FloatingPointPrecision.DOUBLE : FloatingPointPrecision.SINGLE);
        Field image = new Field(
                "image",
                FieldType.nullable(new ArrowType.FixedSizeList(pixels)),
                List.of(new Field("pixel", FieldType.nullable(pixelType), null)));
        Field label = new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null);
        Schema schema = new Schema(List.of(image, label));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(
                        root,
                        null,
                        channel,
                        null,
                        org.apache.arrow.vector.ipc.message.IpcOption.DEFAULT,
                        compression.codecFactory(),
                        compression.codecType())) {
            writer.start();
            int sample = 0;
            for (int size : batchSizes) {
                root.allocateNew();
                FixedSizeListVector list = (FixedSizeListVector) root.getVector("image");
                FieldVector child = list.getDataVector();
                IntVector labels = (IntVector) root.getVector("label");
                for (int r = 0; r < size; r++, sample++) {
                    list.setNotNull(r);
                    for (int k = 0; k < pixels; k++) {
                        int index = r * pixels + k;
                        if (sample == nullPixelRow && k == 1) {
                            child.setNull(index);
                        } else if (doubles) {
                            ((Float8Vector) child).setSafe(index, pixel(sample, k));
                        } else {
                            ((Float4Vector) child).setSafe(index, pixel(sample, k));
                        }
                    }
                    labels.setSafe(r, sample % 3);
                }
                child.setValueCount(size * pixels);
                root.setRowCount(size);
                writer.writeBatch();
            }
            writer.end();
        }
    }

    /** One float32 column per pixel ({@code p0, p1, ...}), a {@code label} column with a null in {@code nullLabelRow}. */
    static void writeColumns(Path file, BufferAllocator allocator, int pixels, int rows, int nullLabelRow)
            throws IOException {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null));
        for (int k = 0; k < pixels; k++) {
            fields.add(new Field(
                    "p" + k, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null));
        }
        fields.add(new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            root.allocateNew();
            for (int r = 0; r < rows; r++) {
                ((org.apache.arrow.vector.BigIntVector) root.getVector("id")).setSafe(r, 1000 + r);
                for (int k = 0; k < pixels; k++) {
                    ((Float4Vector) root.getVector("p" + k)).setSafe(r, pixel(r, k));
                }
                if (r == nullLabelRow) {
                    ((IntVector) root.getVector("label")).setNull(r);
                } else {
                    ((IntVector) root.getVector("label")).setSafe(r, r % 3);
                }
            }
            root.setRowCount(rows);
            writer.writeBatch();
            writer.end();
        }
    }
}
