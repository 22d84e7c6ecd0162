package dev.onnxinspect.data.numpy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Writes .npy files as np.save does (format 1.0, header padded to a multiple of 64 bytes), for tests. */
final class NpyFiles {
    private NpyFiles() {}

    /** The .npy bytes of an array whose data are {@code data} (already in the dtype's byte order). */
    static byte[] bytes(String dtype, long[] shape, byte[] data) {
        byte[] header = header(dtype, shape, false);
        byte[] out = new byte[header.length + data.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(data, 0, out, header.length, data.length);
        return out;
    }

    static Path write(Path file, String dtype, long[] shape, byte[] data) throws IOException {
        Files.write(file, bytes(dtype, shape, data));
        return file;
    }

    /** Writes the header, then lets {@code rows} write the data to the stream (for large files). */
    static Path write(Path file, String dtype, long[] shape, Consumer<OutputStream> rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header(dtype, shape, false));
            rows.accept(out);
        }
        return file;
    }

    static byte[] header(String dtype, long[] shape, boolean fortran) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String text = "{'descr': '" + dtype + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + (shape.length == 1 ? shape[0] + "," : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2))
                + "), }";
        int total = 10 + text.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String padding = " ".repeat(padded - total);
        byte[] dict = (text + padding + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) dict.length)
                .put(dict);
        return b.array();
    }

    static byte[] floats(ByteOrder order, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] longs(ByteOrder order, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(order);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] ints(ByteOrder order, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] shorts(ByteOrder order, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(order);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }
}
