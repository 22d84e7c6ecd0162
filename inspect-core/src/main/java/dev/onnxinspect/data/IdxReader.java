package dev.onnxinspect.data;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or plain: compression is detected from the
 * gzip magic bytes {@code 1f 8b}, not from the file name.
 *
 * <p>Supported: unsigned-byte images (magic {@code 0x00000803}, dimensions count x rows x columns) and unsigned-byte
 * labels (magic {@code 0x00000801}, dimension count). Pixels become floats {@code byte / 255f} in [0, 1], row-major,
 * in file order. Choice: bytes after the last item are an error (the file is not what its header says).
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Reads an images file and a labels file into one labelled dataset with sample shape {@code [rows, columns]}.
     *
     * @throws DatasetException when a file is missing, malformed or truncated, or the counts differ
     */
    public static InMemoryDataset read(String name, Path imagesFile, Path labelsFile) {
        Images images = readImageData(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DatasetException("IDX files disagree: " + imagesFile + " holds " + images.count()
                    + " images but " + labelsFile + " holds " + labels.length + " labels; use the labels file that"
                    + " belongs to this images file");
        }
        return InMemoryDataset.wrap(name, images.pixels(), labels, new int[] {images.rows(), images.columns()});
    }

    /** Reads an images file into an unlabelled dataset with sample shape {@code [rows, columns]}. */
    public static InMemoryDataset readImages(String name, Path imagesFile) {
        Images images = readImageData(imagesFile);
        return InMemoryDataset.wrap(name, images.pixels(), null, new int[] {images.rows(), images.columns()});
    }

    /** Reads a labels file: one value in [0, 255] per item, in file order. */
    public static int[] readLabels(Path labelsFile) {
        try (DataInputStream in = open(labelsFile)) {
            checkMagic(labelsFile, in.readInt(), LABELS_MAGIC, "labels");
            int count = readDimension(labelsFile, in, "item count");
            byte[] bytes = readBody(labelsFile, in, count, "labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        } catch (EOFException e) {
            throw truncated(labelsFile, e);
        } catch (IOException e) {
            throw new DatasetException(Kind.IO, "cannot read IDX labels file " + labelsFile + ": " + e.getMessage(), e);
        }
    }

    private record Images(float[] pixels, int count, int rows, int columns) {}

    private static Images readImageData(Path file) {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in.readInt(), IMAGES_MAGIC, "images");
            int count = readDimension(file, in, "image count");
            int rows = readDimension(file, in, "row count");
            int columns = readDimension(file, in, "column count");
            long total = (long) count * rows * columns;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetException("IDX images file " + file + " declares " + count + " images of " + rows
                        + " x " + columns + " pixels, more than one Java array can hold");
            }
            byte[] bytes = readBody(file, in, (int) total, "pixels");
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = (bytes[i] & 0xff) / 255f;
            }
            return new Images(pixels, count, rows, columns);
        } catch (EOFException e) {
            throw truncated(file, e);
        } catch (IOException e) {
            throw new DatasetException(Kind.IO, "cannot read IDX images file " + file + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new DatasetException(Kind.IO, "IDX file " + file + " does not exist", e);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return new DataInputStream(raw);
    }

    private static void checkMagic(Path file, int magic, int expected, String kind) {
        if (magic != expected) {
            throw new DatasetException(String.format(
                    "%s is not an IDX unsigned-byte %s file: magic number 0x%08x,"
                            + " expected 0x%08x (images 0x%08x, labels 0x%08x)",
                    file, kind, magic, expected, IMAGES_MAGIC, LABELS_MAGIC));
        }
    }

    private static int readDimension(Path file, DataInputStream in, String what) throws IOException {
        int value = in.readInt();
        if (value < 0) {
            throw new DatasetException(
                    "IDX file " + file + " declares a negative " + what + " (" + value + "); the header is corrupt");
        }
        return value;
    }

    private static byte[] readBody(Path file, DataInputStream in, int length, String what) throws IOException {
        byte[] bytes = new byte[length];
        int read = in.readNBytes(bytes, 0, length);
        if (read < length) {
            throw new DatasetException("IDX file " + file + " is truncated: its header declares " + length + " " + what
                    + " but only " + read + " follow; fetch the file again");
        }
        if (in.read() != -1) {
            throw new DatasetException("IDX file " + file + " has bytes after the " + length + " " + what
                    + " its header declares; the file is not what its header says");
        }
        return bytes;
    }

    private static DatasetException truncated(Path file, EOFException e) {
        return new DatasetException(
                "IDX file " + file + " is truncated (ends inside the header or the compressed" + " stream: "
                        + e.getMessage() + "); fetch the file again",
                e);
    }
}
