package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;

/**
 * What a "neuron" of a layer is (SPEC, notation): by default every unit of the flattened activation; for a
 * convolutional map of unit shape {@code [C, H, W]} (any rank >= 2: {@code [C, ...]}) the channel views reduce
 * each channel's {@code H * W} values to one neuron first, giving C neurons; for a sequence layer of unit shape
 * {@code [T, d]} (a batch {@code [N, T, d]}) fed an attention mask, {@link #MASKED_MEAN} averages each of the d
 * features over the positions whose mask is 1, giving d neurons.
 * <p>Choice: {@link #CHANNEL_MEAN} sums the channel in float64 (in index order), divides by {@code H * W} and
 * rounds the mean to float32, so that every view feeds the same float32 significance rules as the raw
 * activations (S1 compares the float32 view value with tau, as it compares a raw activation). {@link #CHANNEL_MAX}
 * is exact. Non-finite values are never reduced: a sample with any NaN or infinite unit is excluded before the
 * view is applied.
 * <p>Choice: {@link #MASKED_MEAN} follows the rule of {@link #CHANNEL_MEAN}: feature j of a sample is
 * {@code (float) (sum_t a[t, j] / m)} over the m positions t with mask 1, the sum in float64 in ascending t, the
 * division in float64, then rounded once to float32. Only the positions with mask 1 belong to the sample: padding
 * positions are neither read into the mean nor checked for finiteness. A sample with m = 0 is invalid: it is left
 * out of every statistic and counted as an empty-mask sample (never divided by 0). The sequence length T may differ
 * from batch to batch (sequences padded per batch); the mask's length must equal the layer's T.
 */
public enum NeuronView {
    /** Every unit of the flattened {@code C * H * W} map is a neuron. */
    FLATTENED,
    /** One neuron per channel: the mean of the channel's values. */
    CHANNEL_MEAN,
    /** One neuron per channel: the maximum of the channel's values. */
    CHANNEL_MAX,
    /**
     * One neuron per feature of a sequence layer {@code [T, d]}: the mean over the positions whose attention mask
     * is 1 (SPEC preamble). Needs the batch's {@link SequenceMask}.
     */
    MASKED_MEAN;

    /**
     * The number of neurons this view gives for a layer of the given unit shape.
     *
     * @throws StatsException when a channel view is asked of a unit shape of rank below 2, MASKED_MEAN of one of
     *                        rank other than 2, or the shape is empty
     */
    public int neurons(int[] unitShape) {
        long units = units(unitShape);
        if (this == FLATTENED) {
            return (int) units;
        }
        if (this == MASKED_MEAN) {
            if (unitShape.length != 2) {
                throw new StatsException("MASKED_MEAN needs a sequence layer of unit shape [T, d] (a batch [N, T, d])"
                        + ", got " + Arrays.toString(unitShape) + "; use another view for this layer");
            }
            return unitShape[1];
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
     * @throws StatsException for {@link #MASKED_MEAN}, which needs the sample's mask
     *                        ({@link #reduce(float[], int, int[], SequenceMask, int, float[])})
     */
    public void reduce(float[] values, int offset, int[] unitShape, float[] out) {
        int n = neurons(unitShape);
        if (this == MASKED_MEAN) {
            throw new StatsException("MASKED_MEAN needs the sample's attention mask; call reduce with the mask");
        }
        if (this == FLATTENED) {
            System.arraycopy(values, offset, out, 0, n);
            return;
        }
        int spatial = (int) (units(unitShape) / n);
        reduceChannels(values, offset, n, spatial, out);
    }

    /**
     * Reduces one sample to its neurons, reading the mask where the view needs one ({@link #MASKED_MEAN}; the other
     * views ignore it).
     *
     * @param values    the raw units; the sample occupies {@code values[offset .. offset + units)}; for MASKED_MEAN
     *                  the positions with mask 1 must be finite (padding positions are not read)
     * @param unitShape the layer's unit shape ({@code [T, d]} for MASKED_MEAN)
     * @param mask      the batch's mask, or null for the views that need none
     * @param sample    the sample's index in the mask
     * @param out       receives the {@link #neurons} values
     * @return false when the view is MASKED_MEAN and the sample's mask has no 1 (then {@code out} is unchanged:
     *         the sample has no value and is invalid), else true
     * @throws StatsException when MASKED_MEAN gets no mask, or a mask whose length is not the layer's T
     */
    public boolean reduce(float[] values, int offset, int[] unitShape, SequenceMask mask, int sample, float[] out) {
        if (this != MASKED_MEAN) {
            reduce(values, offset, unitShape, out);
            return true;
        }
        int d = neurons(unitShape);
        checkMask(mask, unitShape[0], "this sample");
        return maskedMean(values, offset, unitShape[0], d, mask, sample, new double[d], out);
    }

    /**
     * The activations of a batch seen through this view: {@code [N, neurons]}, in a new array (float32 as the
     * statistics see them), with unit shape {@code [neurons]}; {@link #FLATTENED} returns {@code acts} itself.
     * <p>Choice: what the per-sample consumers (e.g. the per-layer OOD detectors, which must score every sample) get
     * for a sample the statistics leave out: a sample with a non-finite unit gets what the arithmetic gives (NaN or
     * infinite neurons); a sample whose mask has no 1 (MASKED_MEAN) gets zeros: no neuron of an empty sequence is
     * active (its S1 pattern is empty), and no NaN is invented (the mean over no position is never computed).
     *
     * @param mask the batch's mask for {@link #MASKED_MEAN}, else ignored (may be null)
     * @throws StatsException as {@link #reduce(float[], int, int[], SequenceMask, int, float[])}
     */
    public LayerActivations apply(LayerActivations acts, SequenceMask mask) {
        if (this == FLATTENED) {
            return acts;
        }
        int[] unitShape = acts.unitShape();
        int n = neurons(unitShape);
        int samples = acts.samples();
        if (this == MASKED_MEAN) {
            checkMask(mask, unitShape[0], "layer " + acts.layer());
            if (mask.samples() != samples) {
                throw new StatsException("layer " + acts.layer() + " has " + samples + " samples but the attention "
                        + "mask " + mask.input() + " has " + mask.samples() + "; pass the batch's own mask");
            }
        }
        float[] raw = new float[acts.units()];
        float[] row = new float[n];
        double[] sums = new double[n];
        float[] out = new float[samples * n];
        for (int i = 0; i < samples; i++) {
            acts.readRow(i, raw);
            if (this == MASKED_MEAN) {
                if (!maskedMean(raw, 0, unitShape[0], n, mask, i, sums, row)) {
                    Arrays.fill(row, 0f);
                }
            } else {
                reduceChannels(raw, 0, n, acts.units() / n, row);
            }
            System.arraycopy(row, 0, out, i * n, n);
        }
        return new LayerActivations(acts.layer(), out, samples, new int[] {n});
    }

    static void checkMask(SequenceMask mask, int positions, String what) {
        if (mask == null) {
            throw new StatsException("MASKED_MEAN needs the attention mask of " + what + "; name the mask input"
                    + " (e.g. Audit.Builder#mask) or pass the batch's SequenceMask");
        }
        if (mask.length() != positions) {
            throw new StatsException("the attention mask " + mask.input() + " has " + mask.length() + " positions per"
                    + " sample but " + what + " has T = " + positions + " (unit shape [T, d]); MASKED_MEAN needs a"
                    + " layer whose sequence axis is the mask's");
        }
    }

    /**
     * The masked mean of one sample of a sequence layer: {@code out[j] = (float) (sum_t a[t, j] / m)} over the m
     * positions with mask 1, summed in float64 in ascending t (into {@code sums}, d entries of scratch).
     *
     * @return false, leaving {@code out} unchanged, when m = 0
     */
    static boolean maskedMean(
            float[] values,
            int offset,
            int positions,
            int d,
            SequenceMask mask,
            int sample,
            double[] sums,
            float[] out) {
        int m = mask.positions(sample);
        if (m == 0) {
            return false;
        }
        Arrays.fill(sums, 0, d, 0.0);
        for (int t = 0; t < positions; t++) {
            if (mask.onUnchecked(sample, t)) {
                int row = offset + t * d;
                for (int j = 0; j < d; j++) {
                    sums[j] += values[row + j];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            out[j] = (float) (sums[j] / m);
        }
        return true;
    }

    /**
     * {@link #reduceChannels} and the finiteness check of every value in one pass over the sample (which, for a
     * large map, is read from memory once instead of twice); the reduced values are the same.
     *
     * @return false when a value is NaN or infinite (then {@code out} is not to be used)
     */
    boolean reduceChannelsIfFinite(float[] values, int offset, int channels, int spatial, float[] out) {
        int bad = 0;
        for (int c = 0; c < channels; c++) {
            int start = offset + c * spatial;
            if (this == CHANNEL_MAX) {
                float max = values[start];
                for (int k = 0; k < spatial; k++) {
                    float v = values[start + k];
                    // the sign bit is set iff the exponent is all ones (NaN or infinite)
                    bad |= (Float.floatToRawIntBits(v) & 0x7F800000) + 0x00800000;
                    max = Math.max(max, v);
                }
                out[c] = max;
            } else {
                double sum = 0.0;
                for (int k = 0; k < spatial; k++) {
                    float v = values[start + k];
                    bad |= (Float.floatToRawIntBits(v) & 0x7F800000) + 0x00800000;
                    sum += v;
                }
                out[c] = (float) (sum / spatial);
            }
        }
        return bad >= 0;
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
