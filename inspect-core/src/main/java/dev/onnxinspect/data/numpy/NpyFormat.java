package dev.onnxinspect.data.numpy;

import dev.onnxinspect.data.DataFormat;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.LabelMapping;
import dev.onnxinspect.data.TableReader;
import dev.onnxinspect.io.FileErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * NumPy files, what Python users hand over: an {@code .npy} holds one array ({@code np.save}), an {@code .npz} a zip
 * of {@code .npy} arrays named by the keywords of {@code np.savez} or {@code np.savez_compressed} (entries stored or
 * deflated; {@code arr_0}, {@code arr_1}, ... for positional arrays).
 *
 * <ul>
 * <li>An array's first dimension is the sample: an array of shape {@code (N, 3, 32, 32)} feeds N samples of
 *     {@code [3, 32, 32]} (or of a declared {@link InputMapping#withSampleShape sample shape} of as many values); a
 *     1-D array feeds one number per sample.</li>
 * <li>The dtypes of {@link NpyHeader} (float16/32/64, int8/16/32/64, uint8, bool; little- or big-endian), converted
 *     to a declared element type by the rules of {@link dev.onnxinspect.data.ElementWriter}.</li>
 * <li>C order only: a Fortran-order array is refused with the call that fixes it
 *     ({@code np.ascontiguousarray}).</li>
 * <li>Labels: an integer array of one value per sample (shape {@code (N,)} or {@code (N, 1)}), values &gt;= 0.</li>
 * </ul>
 *
 * <p>Streaming: a pass reads each array's rows in order from the file (or from the zip entry, inflating as it goes),
 * one block at a time; nothing holds a whole array. Arrays in an {@code .npz} are read side by side.
 */
public final class NpyFormat implements DataFormat {
    @Override
    public String name() {
        return "NumPy .npy/.npz";
    }

    @Override
    public boolean reads(Path file) {
        String name = fileName(file);
        return (name.endsWith(".npy") || name.endsWith(".npz")) && !Files.isDirectory(file);
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public TableReader open(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        for (InputMapping m : inputs) {
            if (m.maskOf() != null) {
                throw new DatasetException("input " + m.input() + " is declared the padding mask of input "
                        + m.maskOf() + ", but " + file + " holds fixed-length arrays, which have no padding; save the"
                        + " mask as its own array and map it like any input");
            }
        }
        try {
            return fileName(file).endsWith(".npz") ? openNpz(file, inputs, labels) : openNpy(file, inputs, labels);
        } catch (FileSystemException e) {
            throw FileErrors.cannot("read", file, e);
        } catch (IOException | RuntimeException e) {
            throw DatasetException.damaged(file, e);
        }
    }

    private static TableReader openNpy(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        if (inputs.size() + (labels == null ? 0 : 1) > 1) {
            throw new DatasetException(file + " is one .npy array but feeds " + describe(inputs, labels) + "; save"
                    + " the arrays in one .npz (np.savez(f, x=..., y=...)) or in one .npy each");
        }
        for (InputMapping m : inputs) {
            if (!m.columns().isEmpty()) {
                throw new DatasetException("input " + InputMapping.label(m.input()) + " reads column "
                        + m.columns() + " of " + file + ", but a .npy holds one unnamed array: map the whole file"
                        + " (no column), or save named arrays in an .npz");
            }
        }
        if (labels != null && labels.column() != null) {
            throw new DatasetException("the labels read column '" + labels.column() + "' of " + file + ", but a .npy"
                    + " holds one unnamed array: map the whole file, or save named arrays in an .npz");
        }
        NpyArray array = NpyArray.file(file);
        List<NpyColumn> columns = new ArrayList<>();
        for (InputMapping m : inputs) {
            columns.add(NpyColumn.input(m, array));
        }
        if (labels != null) {
            columns.add(NpyColumn.labels(labels.describe(), array));
        }
        return new NpyTable(file, columns, null);
    }

    private static TableReader openNpz(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new DatasetException(file + " is not an .npz (not a zip file: " + e.getMessage() + "); write it with"
                    + " np.savez or np.savez_compressed");
        }
        try {
            List<NpyColumn> columns = new ArrayList<>();
            for (InputMapping m : inputs) {
                if (m.columns().size() != 1) {
                    throw new DatasetException("input " + InputMapping.label(m.input()) + " reads " + file + ", an"
                            + " .npz: name exactly one of its arrays " + arrayNames(zip) + " (e.g. "
                            + file.getFileName() + ":x)");
                }
                columns.add(NpyColumn.input(
                        m,
                        NpyArray.entry(
                                file,
                                zip,
                                entry(zip, file, m.columns().get(0), "input " + InputMapping.label(m.input())))));
            }
            if (labels != null) {
                if (labels.column() == null) {
                    throw new DatasetException(
                            "the labels read " + file + ", an .npz: name one of its arrays " + arrayNames(zip));
                }
                columns.add(NpyColumn.labels(
                        labels.describe(), NpyArray.entry(file, zip, entry(zip, file, labels.column(), "the labels"))));
            }
            return new NpyTable(file, columns, zip);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static ZipEntry entry(ZipFile zip, Path file, String array, String what) {
        ZipEntry entry = zip.getEntry(array.endsWith(".npy") ? array : array + ".npy");
        if (entry == null) {
            throw new DatasetException(what + " reads array '" + array + "' of " + file + ", which has no such array;"
                    + " its arrays are " + arrayNames(zip));
        }
        return entry;
    }

    private static List<String> arrayNames(ZipFile zip) {
        List<String> names = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String n = entries.nextElement().getName();
            names.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
        }
        return names;
    }

    private static String describe(List<InputMapping> inputs, LabelMapping labels) {
        List<String> what = new ArrayList<>();
        inputs.forEach(m -> what.add("input " + InputMapping.label(m.input())));
        if (labels != null) {
            what.add("the labels");
        }
        return String.join(" and ", what);
    }
}
