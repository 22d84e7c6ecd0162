package dev.onnxinspect.stats;

import dev.onnxinspect.data.InputTensor;
import java.util.Arrays;

/**
 * The attention mask of one batch of sequences, {@code [N, T]}: position t of sample i is a real token when the
 * mask is 1 and padding when it is 0. {@link NeuronView#MASKED_MEAN} averages a sequence layer {@code [N, T, d]}
 * over the positions whose mask is 1 (SPEC preamble); a sample whose mask has no 1 is invalid.
 * <p>Immutable: the values are copied into bytes (0 or 1) when the mask is made, and every sample's number of
 * positions is counted once.
 */
public final class SequenceMask {
    private final String input;
    private final int samples;
    private final int length;
    private final byte[] on;
    private final int[] positions;

    private SequenceMask(String input, int samples, int length, byte[] on) {
        this.input = input;
        this.samples = samples;
        this.length = length;
        this.on = on;
        this.positions = new int[samples];
        for (int i = 0; i < samples; i++) {
            int count = 0;
            for (int t = 0; t < length; t++) {
                count += on[i * length + t];
            }
            positions[i] = count;
        }
    }

    /**
     * The mask held by an input tensor of a batch: shape {@code [N, T]}, values 0 or 1 of any element type an
     * input may have (bool, integers, floats; {@code -0.0} is 0).
     *
     * @throws StatsException when the tensor is not of rank 2, or holds a value other than 0 and 1 (the message
     *                        names the input, the sample and the position)
     */
    public static SequenceMask of(InputTensor tensor) {
        long[] shape = tensor.shape();
        String name = tensor.name() == null ? "(the model's only input)" : tensor.name();
        if (shape.length != 2) {
            throw new StatsException("the attention mask " + name + " has shape " + Arrays.toString(shape)
                    + "; a mask is [N, T] (samples x sequence positions), 1 for a token and 0 for padding");
        }
        int samples = Math.toIntExact(shape[0]);
        int length = Math.toIntExact(shape[1]);
        byte[] on = new byte[samples * length];
        for (int k = 0; k < on.length; k++) {
            double v = tensor.valueAsDouble(k);
            if (v == 1.0) {
                on[k] = 1;
            } else if (v != 0.0) {
                throw new StatsException("the attention mask " + name + " has value " + v + " at sample " + k / length
                        + ", position " + k % length + "; a mask holds 0 (padding) or 1 (token) only");
            }
        }
        return new SequenceMask(name, samples, length, on);
    }

    /**
     * A mask from rows of 0 and 1, one row per sample, all of one length (e.g. for tests and for callers that
     * build the mask themselves).
     *
     * @param input a name for messages (e.g. the model input it came from)
     * @throws StatsException for rows of different lengths or a value other than 0 and 1
     */
    public static SequenceMask of(String input, int[][] rows) {
        int length = rows.length == 0 ? 0 : rows[0].length;
        byte[] on = new byte[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != length) {
                throw new StatsException("the attention mask " + input + " has rows of " + length + " and "
                        + rows[i].length + " positions; every sample of a batch has the same length (padded)");
            }
            for (int t = 0; t < length; t++) {
                int v = rows[i][t];
                if (v != 0 && v != 1) {
                    throw new StatsException("the attention mask " + input + " has value " + v + " at sample " + i
                            + ", position " + t + "; a mask holds 0 (padding) or 1 (token) only");
                }
                on[i * length + t] = (byte) v;
            }
        }
        return new SequenceMask(input, rows.length, length, on);
    }

    /** The name of the input the mask came from (for messages). */
    public String input() {
        return input;
    }

    /** N, the number of samples. */
    public int samples() {
        return samples;
    }

    /** T, the number of positions of every sample (padded). */
    public int length() {
        return length;
    }

    /** Whether position t of sample i is a token (mask 1). */
    public boolean on(int sample, int position) {
        return on[index(sample, position)] != 0;
    }

    /** The number of positions of sample i whose mask is 1 (0: the sample is invalid for MASKED_MEAN). */
    public int positions(int sample) {
        if (sample < 0 || sample >= samples) {
            throw new IndexOutOfBoundsException("sample " + sample + " of a mask of " + samples + " samples");
        }
        return positions[sample];
    }

    /** The mask of the first {@code count} samples. */
    public SequenceMask head(int count) {
        if (count < 0 || count > samples) {
            throw new StatsException("cannot take the first " + count + " samples of a mask of " + samples);
        }
        return count == samples ? this : new SequenceMask(input, count, length, Arrays.copyOf(on, count * length));
    }

    private int index(int sample, int position) {
        if (sample < 0 || sample >= samples || position < 0 || position >= length) {
            throw new IndexOutOfBoundsException(
                    "position (" + sample + ", " + position + ") of a mask of " + samples + " x " + length);
        }
        return sample * length + position;
    }

    /** Whether position t of sample i is a token, without bounds checks (for the reader's loops). */
    boolean onUnchecked(int sample, int position) {
        return on[sample * length + position] != 0;
    }

    @Override
    public String toString() {
        return "SequenceMask[" + input + ", " + samples + " x " + length + "]";
    }
}
