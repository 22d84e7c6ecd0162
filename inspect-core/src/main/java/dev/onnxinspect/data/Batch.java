package dev.onnxinspect.data;

import java.util.Arrays;

/**
 * One batch of input samples, as the data sources hand them to an inspection.
 *
 * @param data        the samples, row-major: sample i occupies {@code data[i * sampleSize() .. (i+1) * sampleSize())}
 * @param size        the number of samples in the batch (at least 1)
 * @param sampleShape the shape of one sample, e.g. {@code [784]} or {@code [1, 28, 28]}
 * @param labels      the class label of each sample, or {@code null} for unlabelled data
 *                    <p>The arrays are owned by the batch once it is built: the producer must not change them
 *                    afterwards and consumers must not change them at all (they are not copied, for speed).
 *                    A size, shape, data length or number of labels that do not fit together is refused with a
 *                    {@link DatasetException}.
 */
public record Batch(float[] data, int size, int[] sampleShape, int[] labels) {
    public Batch {
        if (size <= 0) {
            throw new DatasetException("a batch needs at least one sample, got size " + size
                    + "; a data source ends its pass instead of returning an empty batch");
        }
        long per = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new DatasetException("sample shape must be positive, got " + Arrays.toString(sampleShape));
            }
            per *= d;
        }
        if (data.length != per * size) {
            throw new DatasetException("batch of " + size + " samples of shape " + Arrays.toString(sampleShape)
                    + " needs " + per * size + " floats, got " + data.length + "; give size x sample size floats,"
                    + " row-major");
        }
        if (labels != null && labels.length != size) {
            throw new DatasetException("batch of " + size + " samples has " + labels.length + " labels; give one"
                    + " label per sample, or null for unlabelled data");
        }
        sampleShape = sampleShape.clone();
    }

    /** Number of floats in one sample (the product of the sample shape). */
    public int sampleSize() {
        return data.length / size;
    }

    public boolean labelled() {
        return labels != null;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }
}
