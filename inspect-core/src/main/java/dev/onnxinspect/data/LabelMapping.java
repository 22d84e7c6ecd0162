package dev.onnxinspect.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the class labels of a {@link DataSpec} come from: an integer column of a table, an integer array of an
 * {@code .npz}, or a whole {@code .npy} of integers ({@code column} null). Labels are class indices &gt;= 0, one per
 * row; nulls and negative values are errors naming the row. Image folders carry their labels in their class folders and
 * need no label mapping.
 *
 * @param file   the file
 * @param column the column or array, or null for the whole file (an {@code .npy})
 */
public record LabelMapping(Path file, String column) {
    public LabelMapping {
        Objects.requireNonNull(file, "file");
    }

    /** What this mapping reads, for messages. */
    public String describe() {
        return column == null ? file.toString() : "column '" + column + "' of " + file;
    }
}
