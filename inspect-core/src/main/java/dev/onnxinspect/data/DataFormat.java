package dev.onnxinspect.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * A file format that users' data come in, found through {@link ServiceLoader}: inspect-core registers NumPy
 * ({@code .npy}, {@code .npz}) and image folders, arrow-export Arrow IPC ({@code .arrow}, {@code .feather}), and the
 * parquet-import module Parquet ({@code .parquet}). A format whose module is not on the class path is named in the
 * error that refuses its files.
 */
public interface DataFormat {
    /** The format's name for messages, e.g. {@code NumPy .npy/.npz}. */
    String name();

    /** Whether this format reads {@code file} (by its name ending, or a folder). */
    boolean reads(Path file);

    /**
     * Opens {@code file} to feed {@code inputs} (each with this file, in order; a mask mapping follows the input it
     * marks) and, if {@code labels} is not null, the labels. Checks every column against the mappings.
     *
     * @throws DatasetException when a column or array does not exist or cannot feed its input (the message names the
     *                          input, the file and the fix)
     * @throws IOException      when the file cannot be read
     */
    TableReader open(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException;

    /**
     * The format that reads {@code file}, among the formats on the class path.
     *
     * @throws DatasetException when none does (naming the module to add for the known endings)
     */
    static DataFormat forFile(Path file) {
        List<String> known = new ArrayList<>();
        for (DataFormat format : ServiceLoader.load(DataFormat.class, DataFormat.class.getClassLoader())) {
            if (format.reads(file)) {
                return format;
            }
            known.add(format.name());
        }
        String name = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String module = name.endsWith(".parquet")
                ? "dev.onnxinspect:parquet-import"
                : name.endsWith(".arrow") || name.endsWith(".feather") ? "dev.onnxinspect:arrow-export" : null;
        if (module != null) {
            throw new DatasetException("cannot read " + file + ": its format needs the module " + module + " on the"
                    + " class path (add the dependency)");
        }
        throw new DatasetException("cannot read " + file + ": not a format onnx-inspect reads (readers on the class"
                + " path: " + known + "); give an .npy, .npz, .arrow, .feather or .parquet file or an image folder");
    }
}
