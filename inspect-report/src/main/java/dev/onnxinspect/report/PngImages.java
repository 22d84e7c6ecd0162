package dev.onnxinspect.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * PNG images as {@code data:} URIs, the one way the report shows raster images (its Content-Security-Policy allows
 * {@code img-src data:} only). A heatmap of thousands of cells is one image of one pixel per cell (a few KB), not
 * thousands of SVG elements. Stateless.
 */
final class PngImages {
    /** The pixel of a cell, as packed {@code 0xrrggbb}. */
    interface Pixels {
        int rgb(int row, int column);
    }

    private PngImages() {}

    /** A {@code rows} x {@code columns} RGB image as a PNG data URI. */
    static String dataUri(int rows, int columns, Pixels pixels) {
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                image.setRGB(c, r, pixels.rgb(r, c));
            }
        }
        return encode(image);
    }

    /**
     * A grey-scale or RGB thumbnail of an image input: {@code values} of a sample laid out as {@code [C, H, W]}
     * (C = 1 or 3), scaled from [min, max] of the sample to [0, 255] (so that any preprocessing shows).
     */
    static String image(float[] values, int channels, int height, int width) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double range = max > min ? max - min : 1;
        int plane = height * width;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    float v = values[(channels == 3 ? k * plane : 0) + y * width + x];
                    int level = Float.isFinite(v) ? (int) Math.round((v - min) / range * 255) : 0;
                    rgb = rgb << 8 | Math.max(0, Math.min(255, level));
                }
                image.setRGB(x, y, rgb);
            }
        }
        return encode(image);
    }

    private static String encode(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("this JDK has no PNG writer (javax.imageio)");
            }
        } catch (IOException e) {
            // writing into memory does not fail on I/O
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
