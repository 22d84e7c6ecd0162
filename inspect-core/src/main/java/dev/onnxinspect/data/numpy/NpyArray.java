package dev.onnxinspect.data.numpy;

import dev.onnxinspect.data.DatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One array of a NumPy file: its header, checked against the bytes the file holds, and a way to open a stream at its
 * first data byte (the whole {@code .npy} file, or an {@code .npz} entry, inflated as it is read).
 */
final class NpyArray {
    private final String where;
    private final NpyHeader header;
    private final Path file;
    private final ZipFile zip;
    private final ZipEntry entry;

    private NpyArray(String where, NpyHeader header, Path file, ZipFile zip, ZipEntry entry) {
        this.where = where;
        this.header = header;
        this.file = file;
        this.zip = zip;
        this.entry = entry;
    }

    /** The array of an {@code .npy} file. */
    static NpyArray file(Path file) throws IOException {
        String where = file.toString();
        NpyHeader header;
        try (InputStream in = Files.newInputStream(file)) {
            header = NpyHeader.read(in, where);
        }
        NpyArray array = new NpyArray(where, header, file, null, null);
        array.check(Files.size(file));
        return array;
    }

    /** The array of an {@code .npz} entry; the zip file stays the caller's. */
    static NpyArray entry(Path file, ZipFile zip, ZipEntry entry) throws IOException {
        String where = "array '" + entry.getName().replaceFirst("\\.npy$", "") + "' of " + file;
        NpyHeader header;
        try (InputStream in = zip.getInputStream(entry)) {
            header = NpyHeader.read(in, where);
        }
        NpyArray array = new NpyArray(where, header, file, zip, entry);
        if (entry.getSize() >= 0) {
            array.check(entry.getSize());
        }
        return array;
    }

    private void check(long totalBytes) {
        long[] shape = header.shape();
        if (shape.length == 0) {
            throw new DatasetException(where + " holds a single value (shape ()); give an array with one row per"
                    + " sample, e.g. np.save(f, a.reshape(-1))");
        }
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] == 0) {
                throw new DatasetException(where + " has shape " + shapeText() + ", an empty sample; give samples of"
                        + " at least one value");
            }
        }
        if (header.fortran() && nonTrivialDims(shape) > 1) {
            throw new DatasetException(where + " is in Fortran (column-major) order, which onnx-inspect does not"
                    + " read; save it in C order: np.save(f, np.ascontiguousarray(a))");
        }
        if (header.rowSize() > Integer.MAX_VALUE) {
            throw new DatasetException(where + " has " + header.rowSize() + " values per sample; at most "
                    + Integer.MAX_VALUE + " fit one batch");
        }
        long expected = header.dataOffset() + header.dataBytes();
        if (totalBytes < expected) {
            throw new DatasetException(where + " is truncated: its header says shape " + shapeText() + " of "
                    + header.dtype() + " (" + header.dataBytes() + " bytes of data) but it holds "
                    + Math.max(0, totalBytes - header.dataOffset()) + "; write it again with np.save");
        }
    }

    private static int nonTrivialDims(long[] shape) {
        int n = 0;
        for (long d : shape) {
            if (d > 1) {
                n++;
            }
        }
        return n;
    }

    /** The shape as Python prints it, e.g. {@code (3, 4)}. */
    String shapeText() {
        long[] shape = header.shape();
        StringBuilder s = new StringBuilder("(");
        for (int d = 0; d < shape.length; d++) {
            s.append(d == 0 ? "" : ", ").append(shape[d]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    String where() {
        return where;
    }

    NpyHeader header() {
        return header;
    }

    /** A new stream at the first data byte; the caller closes it. */
    InputStream openData() throws IOException {
        InputStream in = zip == null ? Files.newInputStream(file) : zip.getInputStream(entry);
        try {
            in.skipNBytes(header.dataOffset());
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
