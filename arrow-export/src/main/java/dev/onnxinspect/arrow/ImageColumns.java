package dev.onnxinspect.arrow;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where the pixels and labels of an image table are, checked against the file's schema: either one
 * FixedSizeList&lt;float32|float64&gt; column or one float32/float64 column per pixel, and an optional integer
 * label column. Copies one record batch's rows into float arrays, rejecting nulls.
 */
final class ImageColumns {
    private final Path file;
    private final String imageColumn;
    private final List<String> pixelColumns;
    private final String labelColumn;
    private final int sampleSize;

    private ImageColumns(Path file, String imageColumn, List<String> pixelColumns, String labelColumn, int sampleSize) {
        this.file = file;
        this.imageColumn = imageColumn;
        this.pixelColumns = pixelColumns;
        this.labelColumn = labelColumn;
        this.sampleSize = sampleSize;
    }

    /**
     * Resolves the columns. {@code imageColumn} and {@code pixelColumns} null: a column named {@code image} if there is
     * one, else the only FixedSizeList column, else every floating-point column but the label, in schema order.
     * {@code labelColumn} null and {@code labelled} true: the column {@code label} if there is one.
     */
    static ImageColumns resolve(
            Path file,
            Schema schema,
            String imageColumn,
            List<String> pixelColumns,
            String labelColumn,
            boolean labelled) {
        List<String> names = schema.getFields().stream().map(Field::getName).toList();
        String label = null;
        if (labelled) {
            if (labelColumn != null) {
                label = require(file, schema, labelColumn, "label");
            } else if (names.contains("label")) {
                label = "label";
            }
            if (label != null && !(schema.findField(label).getType() instanceof ArrowType.Int)) {
                throw new ArrowExportException("label column '" + label + "' of " + file + " has type "
                        + schema.findField(label).getType() + "; expected an integer type; name another column with"
                        + " labelColumn(...) or read the file unlabelled()");
            }
        }
        if (imageColumn == null && pixelColumns == null) {
            List<String> lists = schema.getFields().stream()
                    .filter(f -> f.getType() instanceof ArrowType.FixedSizeList)
                    .map(Field::getName)
                    .toList();
            if (names.contains("image")) {
                imageColumn = "image";
            } else if (lists.size() == 1) {
                imageColumn = lists.get(0);
            } else if (lists.size() > 1) {
                throw new ArrowExportException(file + " has several FixedSizeList columns " + lists
                        + "; name the image column with imageColumn(...)");
            } else {
                final String l = label;
                pixelColumns = schema.getFields().stream()
                        .filter(f -> f.getType() instanceof ArrowType.FloatingPoint
                                && !f.getName().equals(l))
                        .map(Field::getName)
                        .toList();
                if (pixelColumns.isEmpty()) {
                    throw new ArrowExportException(file + " has no image column: expected a FixedSizeList<float32>"
                            + " column (e.g. 'image') or float32/float64 pixel columns; columns are " + names);
                }
            }
        }
        if (imageColumn != null) {
            require(file, schema, imageColumn, "image");
            Field field = schema.findField(imageColumn);
            if (!(field.getType() instanceof ArrowType.FixedSizeList list)
                    || !isFloat(field.getChildren().get(0).getType())) {
                throw new ArrowExportException("image column '" + imageColumn + "' of " + file + " has type "
                        + describe(field) + "; expected FixedSizeList<float32> or FixedSizeList<float64>, one list"
                        + " per image");
            }
            return new ImageColumns(file, imageColumn, null, label, list.getListSize());
        }
        if (pixelColumns.isEmpty()) {
            throw new ArrowExportException("pixelColumns must name at least one column of " + file);
        }
        for (String pixel : pixelColumns) {
            require(file, schema, pixel, "pixel");
            Field field = schema.findField(pixel);
            if (!isFloat(field.getType())) {
                throw new ArrowExportException("pixel column '" + pixel + "' of " + file + " has type "
                        + describe(field) + "; expected float32 or float64");
            }
        }
        return new ImageColumns(file, null, List.copyOf(pixelColumns), label, pixelColumns.size());
    }

    private static String require(Path file, Schema schema, String name, String role) {
        List<String> names = schema.getFields().stream().map(Field::getName).toList();
        if (!names.contains(name)) {
            throw new ArrowExportException(
                    "the " + role + " column '" + name + "' is not in " + file + "; its columns are " + names);
        }
        return name;
    }

    private static boolean isFloat(ArrowType type) {
        return type instanceof ArrowType.FloatingPoint fp
                && (fp.getPrecision() == FloatingPointPrecision.SINGLE
                        || fp.getPrecision() == FloatingPointPrecision.DOUBLE);
    }

    private static String describe(Field field) {
        return field.getChildren().isEmpty()
                ? field.getType().toString()
                : field.getType() + "<" + field.getChildren().get(0).getType() + ">";
    }

    int sampleSize() {
        return sampleSize;
    }

    boolean labelled() {
        return labelColumn != null;
    }

    /**
     * Copies rows {@code [from, from + count)} of the loaded batch into {@code data} at sample {@code at}, and their
     * labels into {@code labels} (if labelled). {@code firstRow} is the file-wide index of the batch's row 0, for
     * error messages.
     */
    void copy(VectorSchemaRoot root, int from, int count, float[] data, int[] labels, int at, long firstRow) {
        if (imageColumn != null) {
            copyList((FixedSizeListVector) root.getVector(imageColumn), from, count, data, at, firstRow);
        } else {
            for (int c = 0; c < pixelColumns.size(); c++) {
                copyPixel(root.getVector(pixelColumns.get(c)), c, from, count, data, at, firstRow);
            }
        }
        if (labelColumn != null) {
            BaseIntVector vector = (BaseIntVector) root.getVector(labelColumn);
            for (int r = 0; r < count; r++) {
                if (vector.isNull(from + r)) {
                    throw nullError(labelColumn, firstRow + from + r, "a label");
                }
                long value = vector.getValueAsLong(from + r);
                if (value < 0 || value > Integer.MAX_VALUE) {
                    throw new ArrowExportException("row " + (firstRow + from + r) + " of " + file + " has label "
                            + value + "; expected a class index >= 0");
                }
                labels[at + r] = (int) value;
            }
        }
    }

    private void copyList(FixedSizeListVector list, int from, int count, float[] data, int at, long firstRow) {
        for (int r = 0; r < count; r++) {
            if (list.isNull(from + r)) {
                throw nullError(imageColumn, firstRow + from + r, "an image");
            }
        }
        FieldVector child = list.getDataVector();
        long start = (long) from * sampleSize;
        int n = count * sampleSize;
        if (child.getNullCount() > 0) {
            for (int i = 0; i < n; i++) {
                if (child.isNull((int) (start + i))) {
                    throw nullError(
                            imageColumn,
                            firstRow + from + i / sampleSize,
                            "a null pixel " + i % sampleSize + " in the image");
                }
            }
        }
        if (child instanceof Float4Vector) {
            child.getDataBuffer()
                    .nioBuffer(start * Float.BYTES, n * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(data, at * sampleSize, n);
        } else {
            var doubles = child.getDataBuffer()
                    .nioBuffer(start * Double.BYTES, n * Double.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer();
            int base = at * sampleSize;
            for (int i = 0; i < n; i++) {
                data[base + i] = (float) doubles.get(i);
            }
        }
    }

    private void copyPixel(FieldVector vector, int c, int from, int count, float[] data, int at, long firstRow) {
        for (int r = 0; r < count; r++) {
            int row = from + r;
            if (vector.isNull(row)) {
                throw nullError(pixelColumns.get(c), firstRow + row, "a pixel");
            }
            float value = vector instanceof Float4Vector f ? f.get(row) : (float) ((Float8Vector) vector).get(row);
            data[(at + r) * sampleSize + c] = value;
        }
    }

    private ArrowExportException nullError(String column, long row, String what) {
        return new ArrowExportException("row " + row + " of " + file + " has " + what + " that is null in column '"
                + column + "'; image tables must not contain nulls: drop or fill those rows first");
    }
}
