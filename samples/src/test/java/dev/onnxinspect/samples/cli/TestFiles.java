package dev.onnxinspect.samples.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Writes the users' files of the end-to-end tests: NumPy .npy/.npz and PNG images. */
final class TestFiles {
    private TestFiles() {}

    /** A float32 .npy of the given shape (C order, little-endian). */
    static byte[] npy(float[] values, long... shape) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        return npy("<f4", data.array(), shape);
    }

    /** An int64 .npy of the given shape. */
    static byte[] npy(long[] values, long... shape) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            data.putLong(v);
        }
        return npy("<i8", data.array(), shape);
    }

    /** A complex64 .npy (a dtype no model input takes), for the error tests. */
    static byte[] npyComplex(int rows, int cols) {
        return npy("<c8", new byte[rows * cols * 8], rows, cols);
    }

    /** The .npy format 1.0: magic, version, header length, a Python dict padded to 64 bytes, the data. */
    static byte[] npy(String descr, byte[] data, long... shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + dims.toString().trim() + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    /** An .npz (a stored zip of .npy files, as np.savez writes) with the arrays by name. */
    static Path npz(Path file, Map<String, byte[]> arrays) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** A PNG of 8-bit RGB pixels: rgb[y][x] = {r, g, b}. */
    static Path png(Path file, int[][][] rgb) throws IOException {
        int h = rgb.length;
        int w = rgb[0].length;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (rgb[y][x][0] << 16) | (rgb[y][x][1] << 8) | rgb[y][x][2]);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
        return file;
    }
}
