package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where one model input's values come from: a file (or an image folder) and, in a file of several columns or arrays,
 * which of them; with the element type and per-sample shape the input takes, and how variable-length rows are
 * padded. Immutable; the {@code with...} methods return changed copies. Part of a {@link DataSpec}.
 *
 * <p>What {@code columns} names, by format:
 * <ul>
 * <li>Arrow IPC ({@code .arrow}, {@code .feather}) and Parquet ({@code .parquet}): one column (a list, a fixed-size
 *     list, an {@code arrow.fixed_shape_tensor} or a number per row), or several number columns that together make a
 *     vector per row;</li>
 * <li>{@code .npz}: one array (the name given to {@code np.savez}, with or without {@code .npy});</li>
 * <li>{@code .npy} and image folders: nothing (the whole file; the folder's images).</li>
 * </ul>
 *
 * @param input         the model input fed, or null for the model's only input
 * @param file          the file or image folder
 * @param columns       the columns or array read (empty: the whole file)
 * @param type          the element type the input takes, or null for the type stored in the file (values are
 *                      converted by the rules of {@link ElementWriter})
 * @param sampleShape   the shape of one sample without the batch dimension, or null for the shape stored in the file
 *                      (a flat list is then one dimension); must hold as many values as a row
 * @param padValue      the value that pads variable-length rows up to the longest row of their batch (default 0)
 * @param maskOf        for the padding mask of another input: that input's name (this input then gets 1 where the
 *                      other has a value read from the file and 0 where it was padded, in the other's shape;
 *                      {@code file} is the other's file, {@code columns} empty); null otherwise. Only inputs read
 *                      from variable-length list columns have a padding mask.
 * @param preprocessing how images are turned into tensors (image folders only; null elsewhere)
 */
public record InputMapping(
        String input,
        Path file,
        List<String> columns,
        ElementType type,
        long[] sampleShape,
        double padValue,
        String maskOf,
        ImagePreprocessing preprocessing) {
    public InputMapping {
        if (file == null && maskOf == null) {
            throw new NullPointerException("file");
        }
        columns = List.copyOf(columns);
        sampleShape = sampleShape == null ? null : sampleShape.clone();
        if (sampleShape != null) {
            for (long d : sampleShape) {
                if (d <= 0) {
                    throw new DatasetException("input " + InputTensor.label(input) + " from " + file + ": sample shape "
                            + Arrays.toString(sampleShape) + " must have positive dimensions");
                }
            }
        }
        if (type != null && !InputTensor.SUPPORTED.contains(type)) {
            throw new DatasetException("input " + InputTensor.label(input) + " from " + file + " is declared " + type
                    + ", which onnx-inspect cannot feed; supported: " + InputTensor.SUPPORTED);
        }
        if (maskOf != null && maskOf.equals(input)) {
            throw new DatasetException("input " + input + " cannot be the padding mask of itself; name the input whose"
                    + " padding it marks (e.g. input_ids)");
        }
        if (Double.isNaN(padValue) || Double.isInfinite(padValue)) {
            throw new DatasetException("input " + InputTensor.label(input) + " from " + file + ": pad value must be"
                    + " finite, got " + padValue);
        }
    }

    /** A column (or an {@code .npz} array) of a file feeds an input. */
    public static InputMapping column(String input, Path file, String column) {
        return new InputMapping(
                input, file, List.of(Objects.requireNonNull(column, "column")), null, null, 0, null, null);
    }

    /** Several number columns of a table together feed an input: one vector per row, in the order given. */
    public static InputMapping columns(String input, Path file, List<String> columns) {
        if (columns.isEmpty()) {
            throw new DatasetException(
                    "input " + InputTensor.label(input) + " from " + file + ": name at least one" + " column");
        }
        return new InputMapping(input, file, columns, null, null, 0, null, null);
    }

    /** The whole of a file (an {@code .npy} array) feeds an input. */
    public static InputMapping file(String input, Path file) {
        return new InputMapping(input, file, List.of(), null, null, 0, null, null);
    }

    /** The images of a folder, preprocessed, feed an input (see {@link ImagePreprocessing}). */
    public static InputMapping imageFolder(String input, Path folder, ImagePreprocessing preprocessing) {
        return new InputMapping(
                input, folder, List.of(), null, null, 0, null, Objects.requireNonNull(preprocessing, "preprocessing"));
    }

    /** A copy that converts the values to {@code type} (the model input's element type). */
    public InputMapping withType(ElementType type) {
        return new InputMapping(input, file, columns, type, sampleShape, padValue, maskOf, preprocessing);
    }

    /** A copy that gives each sample {@code shape} (as many values as a row holds), e.g. {@code 3, 32, 32}. */
    public InputMapping withSampleShape(long... shape) {
        return new InputMapping(input, file, columns, type, shape, padValue, maskOf, preprocessing);
    }

    /** A copy that pads variable-length rows with {@code value} (e.g. the tokenizer's pad id). */
    public InputMapping withPadValue(double value) {
        return new InputMapping(input, file, columns, type, sampleShape, value, maskOf, preprocessing);
    }

    /**
     * An input fed with the padding mask of input {@code of} (read from a variable-length list column): 1 where a row
     * of {@code of} has a value from the file, 0 where it was padded; the shape of {@code of}'s tensor, element type
     * INT64 unless {@link #withType} says otherwise. The file is {@code of}'s ({@link DataSpec} fills it in).
     */
    public static InputMapping maskOf(String input, String of) {
        return new InputMapping(
                Objects.requireNonNull(input, "input"),
                null,
                List.of(),
                null,
                null,
                0,
                Objects.requireNonNull(of, "of"),
                null);
    }

    /** A copy reading from {@code file} (used to give a mask the file of the input it marks). */
    public InputMapping withFile(Path file) {
        return new InputMapping(input, file, columns, type, sampleShape, padValue, maskOf, preprocessing);
    }

    /** An input's name for messages: the name, or "(the model's only input)" for null. */
    public static String label(String input) {
        return InputTensor.label(input);
    }

    /** What this mapping reads, for messages: e.g. {@code column 'ids' of /data/x.parquet}. */
    public String describe() {
        if (maskOf != null) {
            return "the padding mask of input " + maskOf + (file == null ? "" : " (" + file + ")");
        }
        if (columns.isEmpty()) {
            return file.toString();
        }
        return (columns.size() == 1 ? "column '" + columns.get(0) + "'" : "columns " + columns) + " of " + file;
    }

    @Override
    public long[] sampleShape() {
        return sampleShape == null ? null : sampleShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputMapping m
                && Objects.equals(input, m.input)
                && Objects.equals(file, m.file)
                && columns.equals(m.columns)
                && type == m.type
                && Arrays.equals(sampleShape, m.sampleShape)
                && Double.compare(padValue, m.padValue) == 0
                && Objects.equals(maskOf, m.maskOf)
                && Objects.equals(preprocessing, m.preprocessing);
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, file, columns, type, Arrays.hashCode(sampleShape), padValue, maskOf, preprocessing);
    }

    @Override
    public String toString() {
        return InputTensor.label(input) + " <- " + describe();
    }
}
