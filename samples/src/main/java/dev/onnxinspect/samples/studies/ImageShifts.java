package dev.onnxinspect.samples.studies;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;

/**
 * Covariate shifts of a set of square greyscale images that keep each image's content and label (the KL study's
 * shifted copies of the ID set): rotation about the centre and Gaussian blur. The project's SPEC §11 image corruptions
 * (random or shuffled pixels, Gaussian noise with the data's moments) replace the content and are no covariate shift
 * of the same class. Pure functions; the input set is not changed.
 */
public final class ImageShifts {
    private ImageShifts() {}

    /**
     * Every image rotated by {@code degrees} counter-clockwise about its centre, bilinear interpolation, pixels that
     * come from outside the image set to 0 (the background of the MNIST-style sets).
     */
    public static InMemoryDataset rotated(InMemoryDataset images, double degrees) {
        int side = side(images);
        double angle = Math.toRadians(degrees);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double centre = (side - 1) / 2.0;
        return map(images, "rotated" + fmt(degrees), side, (in, out) -> {
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    // the source of output pixel (r, c): the inverse rotation (image rows grow downwards)
                    double dx = c - centre;
                    double dy = centre - r;
                    double sx = cos * dx + sin * dy + centre;
                    double sy = centre - (-sin * dx + cos * dy);
                    out[r * side + c] = (float) bilinear(in, side, sy, sx);
                }
            }
        });
    }

    /**
     * Every image convolved with a Gaussian of standard deviation {@code sigma} pixels (kernel radius ceil(3 sigma),
     * weights normalised to sum 1, separable: rows then columns), pixels outside the image taken as 0.
     */
    public static InMemoryDataset blurred(InMemoryDataset images, double sigma) {
        if (!(sigma > 0) || sigma > 10) {
            throw new OnnxInspectException("blur sigma must be in (0, 10] pixels, got " + sigma);
        }
        int side = side(images);
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= total;
        }
        return map(images, "blurred" + fmt(sigma), side, (in, out) -> {
            double[] rows = new double[side * side];
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int cc = c + k;
                        if (cc >= 0 && cc < side) {
                            sum += kernel[k + radius] * in[r * side + cc];
                        }
                    }
                    rows[r * side + c] = sum;
                }
            }
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int rr = r + k;
                        if (rr >= 0 && rr < side) {
                            sum += kernel[k + radius] * rows[rr * side + c];
                        }
                    }
                    out[r * side + c] = (float) sum;
                }
            }
        });
    }

    private interface Transform {
        void apply(float[] in, float[] out);
    }

    private static InMemoryDataset map(InMemoryDataset images, String suffix, int side, Transform transform) {
        int n = (int) images.size();
        int size = side * side;
        float[] all = new float[n * size];
        float[] out = new float[size];
        for (int i = 0; i < n; i++) {
            transform.apply(images.sample(i), out);
            System.arraycopy(out, 0, all, i * size, size);
        }
        return InMemoryDataset.of(
                images.name() + "-" + suffix, all, images.labelled() ? images.labels() : null, images.sampleShape());
    }

    private static double bilinear(float[] image, int side, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (1 - fy) * ((1 - fx) * pixel(image, side, y0, x0) + fx * pixel(image, side, y0, x0 + 1))
                + fy * ((1 - fx) * pixel(image, side, y0 + 1, x0) + fx * pixel(image, side, y0 + 1, x0 + 1));
    }

    private static double pixel(float[] image, int side, int r, int c) {
        return r < 0 || c < 0 || r >= side || c >= side ? 0 : image[r * side + c];
    }

    /** The side of the square images: a sample of n values with n a perfect square (e.g. 784 = 28 x 28). */
    private static int side(InMemoryDataset images) {
        int n = images.sampleSize();
        int side = (int) Math.round(Math.sqrt(n));
        if (side * side != n || side < 2) {
            throw new OnnxInspectException("dataset " + images.name() + " has samples of " + n + " values; rotation"
                    + " and blur need square greyscale images (e.g. 784 = 28 x 28)");
        }
        return side;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
