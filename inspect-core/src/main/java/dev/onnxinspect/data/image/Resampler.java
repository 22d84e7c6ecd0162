package dev.onnxinspect.data.image;

/**
 * PIL's bilinear resampling of one plane of floats (see {@link dev.onnxinspect.data.ImagePreprocessing}): separable,
 * rows first, then columns; output pixel x covers source coordinates around {@code (x + 0.5) * in / out}; weights
 * {@code max(0, 1 - |d| / f)} with {@code f = max(1, in / out)}, normalised over the source pixels inside the image.
 * Without rounding between the passes. Stateless.
 */
final class Resampler {
    private Resampler() {}

    /** The weights of one axis: output i reads {@code count[i]} source pixels from {@code first[i]}. */
    record Weights(int[] first, int[] count, double[][] weights) {}

    /** The weights of resampling an axis of {@code in} pixels to {@code out} pixels (PIL's precompute_coeffs). */
    static Weights weights(int in, int out) {
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle filter's support is 1
        int[] first = new int[out];
        int[] count = new int[out];
        double[][] weights = new double[out][];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), in);
            double[] w = new double[max - min];
            double total = 0;
            for (int x = 0; x < w.length; x++) {
                double d = Math.abs((x + min - center + 0.5) / filterScale);
                w[x] = d < 1 ? 1 - d : 0;
                total += w[x];
            }
            if (total != 0) {
                for (int x = 0; x < w.length; x++) {
                    w[x] /= total;
                }
            }
            first[i] = min;
            count[i] = w.length;
            weights[i] = w;
        }
        return new Weights(first, count, weights);
    }

    /** {@code plane} ({@code width x height}, row-major) resampled to {@code outWidth x outHeight}. */
    static float[] resize(float[] plane, int width, int height, int outWidth, int outHeight) {
        float[] rows = plane;
        if (outWidth != width) {
            Weights wx = weights(width, outWidth);
            rows = new float[outWidth * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < outWidth; x++) {
                    double sum = 0;
                    double[] w = wx.weights()[x];
                    int base = y * width + wx.first()[x];
                    for (int k = 0; k < w.length; k++) {
                        sum += w[k] * plane[base + k];
                    }
                    rows[y * outWidth + x] = (float) sum;
                }
            }
        }
        if (outHeight == height) {
            return rows;
        }
        Weights wy = weights(height, outHeight);
        float[] out = new float[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            double[] w = wy.weights()[y];
            int first = wy.first()[y];
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * rows[(first + k) * outWidth + x];
                }
                out[y * outWidth + x] = (float) sum;
            }
        }
        return out;
    }
}
