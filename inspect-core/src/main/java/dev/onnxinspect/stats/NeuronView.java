package dev.onnxinspect.stats;

import java.util.Arrays;

/**
 * What a "neuron" of a layer is (SPEC, notation): by default every unit of the flattened activation; for a
 * convolutional map of unit shape {@code [C, H, W]} (any rank >= 2: {@code [C, ...]}) the channel views reduce
 * each channel's {@code H * W} values to one neuron first, giving C neurons.
 * <p>Choice: {@link #CHANNEL_MEAN} sums the channel in float64 (in index order), divides by {@code H * W} and
 * rounds the mean to float32, so that every view feeds the same float32 significance rules as the raw
 * activations. {@link #CHANNEL_MAX} is exact. Non-finite values are never reduced: a sample with any NaN or
 * infinite unit is excluded before the view is applied.
 */
public enum NeuronView {
    /** Every unit of the flattened {@code C * H * W} map is a neuron. */
    FLATTENED,
    /** One neuron per channel: the mean of the channel's values. */
    CHANNEL_MEAN,
    /** One neuron per channel: the maximum of the channel's values. */
    CHANNEL_MAX;

    /**
     * The number of neurons this view gives for a layer of the given unit shape.
     *
     * @throws StatsException when a channel view is asked of a unit shape of rank below 2, or the shape is empty
     */
    public int neurons(int[] unitShape) {
        long units = units(unitShape);
        if (this == FLATTENED) {
            return (int) units;
        }
        if (unitShape.length < 2) {
            throw new StatsException(this + " needs a unit shape [C, H, W] (rank >= 2), got "
                    + Arrays.toString(unitShape) + "; use NeuronView.FLATTENED for dense layers");
        }
        return unitShape[0];
    }

    /**
     * Reduces one sample to its neurons.
     *
     * @param values    the raw units; the sample occupies {@code values[offset .. offset + units)}, all finite
     * @param unitShape the layer's unit shape
     * @param out       receives the {@link #neurons} values
     */
    public void reduce(float[] values, int offset, int[] unitShape, float[] out) {
        int n = neurons(unitShape);
        if (this == FLATTENED) {
            System.arraycopy(values, offset, out, 0, n);
            return;
        }
        int spatial = (int) (units(unitShape) / n);
        reduceChannels(values, offset, n, spatial, out);
    }

    void reduceChannels(float[] values, int offset, int channels, int spatial, float[] out) {
        for (int c = 0; c < channels; c++) {
            int start = offset + c * spatial;
            if (this == CHANNEL_MAX) {
                float max = values[start];
                for (int k = 1; k < spatial; k++) {
                    max = Math.max(max, values[start + k]);
                }
                out[c] = max;
            } else {
                double sum = 0.0;
                for (int k = 0; k < spatial; k++) {
                    sum += values[start + k];
                }
                out[c] = (float) (sum / spatial);
            }
        }
    }

    static long units(int[] unitShape) {
        long units = 1;
        for (int d : unitShape) {
            if (d <= 0) {
                throw new StatsException("a layer's unit shape must be positive, got " + Arrays.toString(unitShape));
            }
            units *= d;
        }
        if (units > Integer.MAX_VALUE - 8) {
            throw new StatsException("a layer of unit shape " + Arrays.toString(unitShape) + " has " + units
                    + " units, more than a Java array holds");
        }
        return units;
    }
}
