package dev.onnxinspect.data.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import dev.onnxinspect.data.DatasetException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG files to red, green and blue planes of values in 0..255, through {@code javax.imageio} with
 * TwelveMonkeys' JPEG reader registered first.
 *
 * <p>Choice, measured on files written by PIL 9.4: the JDK's own reader decodes baseline and progressive JPEG and
 * every PNG the same as PIL, but returns a CMYK JPEG's raw ink values (and {@code getRGB} then gives wrong colours:
 * (189, 249, 165) where PIL gives (130, 242, 96)); TwelveMonkeys' reader converts CMYK and YCCK to RGB as PIL does
 * (130, 242, 96), and tolerates broken ICC profiles. Pixels are read from the raster, not through {@code getRGB},
 * which applies a gamma to gray images (the JDK's gray colour space is linear: a stored 176 comes back as 216).
 * Gray images give their value in all three planes; alpha is dropped; palette images give their palette colours;
 * samples of 16 (or 1, 2, 4) bits are scaled to 0..255 ({@code v * 255 / (2^bits - 1)}).
 */
final class ImageDecoder {
    static {
        // Registered here, not only by ImageIO's scan of the class path, which depends on the context class loader
        // at the first use of ImageIO (web containers, plugins). Replaces an instance the scan registered.
        IIORegistry.getDefaultInstance().registerServiceProvider(new JPEGImageReaderSpi());
    }

    /** An image as planes of floats in 0..255, row-major; {@code green} and {@code blue} are {@code red} for gray. */
    record Planes(int width, int height, float[] red, float[] green, float[] blue) {}

    private ImageDecoder() {}

    /**
     * The size (width, height) of an image, from its header, refused as {@link #decode} refuses it (empty, or more
     * than {@link #maxPixels}): callers size their buffers from it before any image is decoded.
     */
    static int[] size(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = reader(file, in);
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkSize(file, width, height);
                return new int[] {width, height};
            } finally {
                reader.dispose();
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw undecodable(file, e);
        }
    }

    /** Decodes {@code file}. */
    static Planes decode(Path file) {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = reader(file, in);
            try {
                reader.setInput(in, true, true);
                checkSize(file, reader.getWidth(0), reader.getHeight(0));
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw undecodable(file, e);
        } catch (OutOfMemoryError e) {
            // a reader that allocates more than its header declared (the header check above passed): the one
            // allocation failed and nothing else holds memory, so the run can go on with a refusal
            throw new DatasetException(
                    "image " + file + " is too large to decode in this Java heap ("
                            + (Runtime.getRuntime().maxMemory() >> 20)
                            + " MiB); resize it, or run with a larger heap (-Xmx; for"
                            + " the onnx-inspect script, e.g. ONNX_INSPECT_JAVA_OPTS=-Xmx12g)",
                    e);
        }
        return planes(file, image);
    }

    /**
     * The most pixels an image may have: a decompression bomb (a few hundred bytes declaring 17490 x 18760 pixels
     * were found by fuzzing) is refused before the reader allocates it. Choice: PIL's default
     * {@code MAX_IMAGE_PIXELS} (89,478,485, beyond which PIL warns), or fewer where the heap is small: a decoded
     * pixel takes up to 20 bytes here (a raster of up to 8 bytes and three float planes of 4), and one image may
     * use at most half of the maximum heap.
     */
    static long maxPixels() {
        return Math.min(89_478_485L, Runtime.getRuntime().maxMemory() / 2 / 20);
    }

    private static void checkSize(Path file, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new DatasetException("image " + file + " declares " + width + " x " + height + " pixels (empty);"
                    + " the file is damaged: remove it from the folder or save it again");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels()) {
            throw new DatasetException(
                    "image " + file + " declares " + width + " x " + height + " = " + pixels
                            + " pixels, more than the " + maxPixels() + " this Java heap ("
                            + (Runtime.getRuntime().maxMemory() >> 20)
                            + " MiB) decodes safely; resize it, or run with a"
                            + " larger heap (-Xmx; for the onnx-inspect script, e.g. ONNX_INSPECT_JAVA_OPTS=-Xmx12g) if it is genuine");
        }
    }

    private static ImageReader reader(Path file, ImageInputStream in) {
        if (in == null) {
            throw new DatasetException("cannot read image " + file + "; check that it exists and is readable");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new DatasetException("cannot decode image " + file + ": not a PNG or JPEG file (or damaged); remove"
                    + " it from the folder or save it again as PNG or JPEG");
        }
        return readers.next();
    }

    private static DatasetException undecodable(Path file, Exception e) {
        if (e instanceof DatasetException d) {
            return d;
        }
        return new DatasetException(
                "cannot decode image " + file + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); the file is damaged or truncated:"
                        + " remove it from the folder or save it again",
                e);
    }

    private static Planes planes(Path file, BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int space = cm.getColorSpace().getType();
        boolean components = cm instanceof ComponentColorModel || cm instanceof DirectColorModel;
        if (components && space == ColorSpace.TYPE_GRAY) {
            float[] gray = band(raster, 0, cm.getComponentSize(0), w, h);
            return new Planes(w, h, gray, gray, gray);
        }
        if (components && space == ColorSpace.TYPE_RGB) {
            return new Planes(
                    w,
                    h,
                    band(raster, 0, cm.getComponentSize(0), w, h),
                    band(raster, 1, cm.getComponentSize(1), w, h),
                    band(raster, 2, cm.getComponentSize(2), w, h));
        }
        if (!components) {
            // palette (IndexColorModel) and packed images: the colour model's sRGB values are exact
            float[] r = new float[w * h];
            float[] g = new float[w * h];
            float[] b = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    r[y * w + x] = (argb >> 16) & 0xff;
                    g[y * w + x] = (argb >> 8) & 0xff;
                    b[y * w + x] = argb & 0xff;
                }
            }
            return new Planes(w, h, r, g, b);
        }
        throw new DatasetException("image " + file + " has a colour space of type " + space + " (not RGB or gray,"
                + " e.g. CMYK without a reader that converts it); convert it to RGB and save it again");
    }

    private static float[] band(Raster raster, int band, int bits, int w, int h) {
        float[] values = raster.getSamples(0, 0, w, h, band, new float[w * h]);
        if (bits != 8) {
            float max = (float) ((1L << bits) - 1);
            for (int i = 0; i < values.length; i++) {
                values[i] = values[i] * 255f / max;
            }
        }
        return values;
    }
}
