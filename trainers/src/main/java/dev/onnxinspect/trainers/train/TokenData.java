package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;
import java.util.Arrays;

/**
 * Token sequences with an attention mask, optionally labelled: the data of a
 * {@link dev.onnxinspect.trainers.arch.TextClassifier}. Sample i is the token ids {@code ids[i]} and the mask
 * {@code mask[i]} of the same length (1 = token, 0 = padding); samples may have different lengths. A batch of
 * several samples is padded to its longest sample with id 0 and mask 0 ({@link #copyPadded}), which changes
 * nothing the masked pooling computes. Deeply immutable: the factories copy, accessors copy or read single values.
 */
public final class TokenData {
    private final long[][] ids;
    private final long[][] mask;
    private final int[] labels;
    private final int numClasses;
    private final int maxLength;

    private TokenData(long[][] ids, long[][] mask, int[] labels, int numClasses) {
        if (ids.length != mask.length) {
            throw new TrainingException("expected one mask row per id row, got " + ids.length + " id rows and "
                    + mask.length + " mask rows");
        }
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length == 0 || ids[i].length != mask[i].length) {
                throw new TrainingException("sample " + i + " has " + ids[i].length + " ids and " + mask[i].length
                        + " mask values; expected the same number, at least 1");
            }
            for (int t = 0; t < ids[i].length; t++) {
                if (ids[i][t] < 0) {
                    throw new TrainingException(
                            "token " + t + " of sample " + i + " is " + ids[i][t] + "; token ids must be >= 0");
                }
                if (mask[i][t] != 0 && mask[i][t] != 1) {
                    throw new TrainingException("mask value " + t + " of sample " + i + " is " + mask[i][t]
                            + "; expected 0 (padding) or 1 (token)");
                }
            }
            longest = Math.max(longest, ids[i].length);
        }
        if (labels != null) {
            if (numClasses < 2) {
                throw new TrainingException("expected at least 2 classes, got " + numClasses);
            }
            if (labels.length != ids.length) {
                throw new TrainingException("expected one label per sample (" + ids.length + "), got " + labels.length);
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= numClasses) {
                    throw new TrainingException("label of sample " + i + " is " + labels[i]
                            + ", expected a class in [0, " + numClasses + ")");
                }
            }
        }
        this.ids = deepCopy(ids);
        this.mask = deepCopy(mask);
        this.labels = labels == null ? null : labels.clone();
        this.numClasses = numClasses;
        this.maxLength = longest;
    }

    /**
     * Labelled sequences.
     *
     * @param ids        n rows of token ids, each at least 1 long; ids &gt;= 0; copied
     * @param mask       n rows of 0/1, each as long as its id row; copied
     * @param labels     n labels in [0, numClasses); copied
     * @param numClasses K &gt;= 2
     */
    public static TokenData labelled(long[][] ids, long[][] mask, int[] labels, int numClasses) {
        return new TokenData(ids, mask, labels.clone(), numClasses);
    }

    /** Sequences without labels (e.g. out-of-distribution data); as {@link #labelled} otherwise. */
    public static TokenData unlabelled(long[][] ids, long[][] mask) {
        return new TokenData(ids, mask, null, 0);
    }

    /** n, the number of samples. */
    public int size() {
        return ids.length;
    }

    /** Whether every sample has a label. */
    public boolean labelled() {
        return labels != null;
    }

    /** K, for labelled data. */
    public int numClasses() {
        requireLabels();
        return numClasses;
    }

    /** The label of sample i, for labelled data. */
    public int label(int sample) {
        requireLabels();
        return labels[sample];
    }

    /** All labels; a copy. */
    public int[] labels() {
        requireLabels();
        return labels.clone();
    }

    /** The length of sample i (ids and mask). */
    public int length(int sample) {
        return ids[sample].length;
    }

    /** The length of the longest sample (0 for no samples). */
    public int maxLength() {
        return maxLength;
    }

    /** The largest token id of any sample, at a masked position or not (-1 for no samples). */
    public long maxId() {
        long max = -1;
        for (long[] row : ids) {
            for (long id : row) {
                max = Math.max(max, id);
            }
        }
        return max;
    }

    /** The token ids of sample i; a copy. */
    public long[] ids(int sample) {
        return ids[sample].clone();
    }

    /** The mask of sample i; a copy. */
    public long[] mask(int sample) {
        return mask[sample].clone();
    }

    /** Every sample's ids padded with 0 to {@link #maxLength()}: an n x maxLength array, a copy. */
    public long[][] paddedIds() {
        return padded(ids);
    }

    /** Every sample's mask padded with 0 to {@link #maxLength()}: an n x maxLength array, a copy. */
    public long[][] paddedMask() {
        return padded(mask);
    }

    /**
     * Writes sample i, padded with id 0 and mask 0 to {@code length}, into row-major [*, length] arrays at
     * {@code offset}.
     *
     * @param length at least {@link #length(int)} of the sample
     */
    public void copyPadded(int sample, int length, long[] idsOut, long[] maskOut, int offset) {
        int n = ids[sample].length;
        if (length < n) {
            throw new TrainingException(
                    "sample " + sample + " has " + n + " tokens, more than the padded length " + length);
        }
        System.arraycopy(ids[sample], 0, idsOut, offset, n);
        System.arraycopy(mask[sample], 0, maskOut, offset, n);
        Arrays.fill(idsOut, offset + n, offset + length, 0L);
        Arrays.fill(maskOut, offset + n, offset + length, 0L);
    }

    /** The samples at {@code indices}, in that order (repeats allowed), with their labels if labelled. */
    public TokenData subset(int[] indices) {
        long[][] i2 = new long[indices.length][];
        long[][] m2 = new long[indices.length][];
        int[] y2 = labels == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= size()) {
                throw new TrainingException("sample index " + indices[k] + " is out of range [0, " + size() + ")");
            }
            i2[k] = ids[indices[k]];
            m2[k] = mask[indices[k]];
            if (y2 != null) {
                y2[k] = labels[indices[k]];
            }
        }
        return new TokenData(i2, m2, y2, numClasses);
    }

    private void requireLabels() {
        if (labels == null) {
            throw new TrainingException(
                    "these " + size() + " sequences have no labels; use labelled data for " + "training and accuracy");
        }
    }

    private long[][] padded(long[][] rows) {
        long[][] out = new long[rows.length][maxLength];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out[i], 0, rows[i].length);
        }
        return out;
    }

    private static long[][] deepCopy(long[][] rows) {
        long[][] copy = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return "TokenData[" + size() + " sequences of up to " + maxLength + " tokens"
                + (labels == null ? ", unlabelled]" : ", " + numClasses + " classes]");
    }
}
