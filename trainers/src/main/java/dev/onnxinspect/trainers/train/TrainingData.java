package dev.onnxinspect.trainers.train;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Shapes;

/**
 * A labelled data set held as plain arrays: n samples of a fixed per-sample shape, stored flat and row-major, and
 * one class label per sample. Deeply immutable: the constructor copies, accessors copy or read single values.
 */
public final class TrainingData {
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int numClasses;
    private final int sampleSize;

    /**
     * @param features    n * prod(sampleShape) finite values, sample after sample; copied
     * @param labels      n labels in [0, numClasses); copied
     * @param sampleShape the shape of one sample, e.g. [784] or [1, 28, 28]; copied
     * @param numClasses  K &gt;= 2
     */
    public TrainingData(float[] features, int[] labels, int[] sampleShape, int numClasses) {
        if (sampleShape.length == 0) {
            throw new TrainingException("the sample shape needs at least one axis, e.g. [784]");
        }
        for (int s : sampleShape) {
            if (s <= 0) {
                throw new TrainingException("sample shape axes must be positive, got " + Shapes.text(sampleShape));
            }
        }
        if (numClasses < 2) {
            throw new TrainingException("expected at least 2 classes, got " + numClasses);
        }
        this.sampleShape = sampleShape.clone();
        this.sampleSize = Shapes.size(sampleShape);
        this.numClasses = numClasses;
        if (features.length != (long) labels.length * sampleSize) {
            throw new TrainingException("expected " + labels.length + " samples x " + sampleSize + " values = "
                    + (long) labels.length * sampleSize + " features (one label per sample), got " + features.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new TrainingException(
                        "label of sample " + i + " is " + labels[i] + ", expected a class in [0, " + numClasses + ")");
            }
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new TrainingException("feature " + (i % sampleSize) + " of sample " + (i / sampleSize) + " is "
                        + features[i] + "; every feature must be finite");
            }
        }
        this.features = features.clone();
        this.labels = labels.clone();
    }

    /**
     * The samples, labels and sample shape of an inspect-core dataset (for example
     * {@code dev.onnxinspect.data.FashionMnist.train()}), in the dataset's order; copied.
     *
     * @param numClasses K &gt;= 2; every label must lie in [0, K)
     * @throws TrainingException if the dataset has no labels, or as the constructor
     */
    public static TrainingData from(InMemoryDataset dataset, int numClasses) {
        if (!dataset.labelled()) {
            throw new TrainingException("dataset " + dataset.name() + " has no labels; training needs one label per"
                    + " sample, so give a labelled dataset");
        }
        int n = Math.toIntExact(dataset.size());
        int size = dataset.sampleSize();
        float[] features = new float[Math.multiplyExact(n, size)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(dataset.sample(i), 0, features, i * size, size);
        }
        return new TrainingData(features, dataset.labels(), dataset.sampleShape(), numClasses);
    }

    /** n, the number of samples. */
    public int size() {
        return labels.length;
    }

    /** prod(sampleShape), the number of values per sample. */
    public int sampleSize() {
        return sampleSize;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int numClasses() {
        return numClasses;
    }

    /** The label of sample i. */
    public int label(int sample) {
        return labels[sample];
    }

    /** All labels; a copy. */
    public int[] labels() {
        return labels.clone();
    }

    /** All features; a copy. */
    public float[] features() {
        return features.clone();
    }

    /** Value j of sample i. */
    public float feature(int sample, int j) {
        return features[sample * sampleSize + j];
    }

    /** Copies sample i's features into {@code destination} at {@code offset}. */
    public void copySample(int sample, float[] destination, int offset) {
        System.arraycopy(features, sample * sampleSize, destination, offset, sampleSize);
    }

    /** The samples at {@code indices}, in that order (repeats allowed). */
    public TrainingData subset(int[] indices) {
        float[] x = new float[indices.length * sampleSize];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size()) {
                throw new TrainingException("sample index " + indices[i] + " is out of range [0, " + size() + ")");
            }
            copySample(indices[i], x, i * sampleSize);
            y[i] = labels[indices[i]];
        }
        return new TrainingData(x, y, sampleShape, numClasses);
    }

    /** The first {@code n} samples. */
    public TrainingData head(int n) {
        if (n < 0 || n > size()) {
            throw new TrainingException("cannot take " + n + " samples of " + size());
        }
        return subset(java.util.stream.IntStream.range(0, n).toArray());
    }

    /** The same features with other labels. */
    public TrainingData withLabels(int[] newLabels) {
        return new TrainingData(features, newLabels, sampleShape, numClasses);
    }

    /** The same labels with other features of the same shape. */
    public TrainingData withFeatures(float[] newFeatures) {
        return new TrainingData(newFeatures, labels, sampleShape, numClasses);
    }

    /** This data followed by {@code other}; both must have the same sample shape and classes. */
    public TrainingData concat(TrainingData other) {
        if (!java.util.Arrays.equals(sampleShape, other.sampleShape) || numClasses != other.numClasses) {
            throw new TrainingException("cannot append data of shape " + Shapes.text(other.sampleShape) + " with "
                    + other.numClasses + " classes to data of shape " + Shapes.text(sampleShape) + " with "
                    + numClasses + " classes");
        }
        float[] x = java.util.Arrays.copyOf(features, features.length + other.features.length);
        System.arraycopy(other.features, 0, x, features.length, other.features.length);
        int[] y = java.util.Arrays.copyOf(labels, labels.length + other.labels.length);
        System.arraycopy(other.labels, 0, y, labels.length, other.labels.length);
        return new TrainingData(x, y, sampleShape, numClasses);
    }

    @Override
    public String toString() {
        return "TrainingData[" + size() + " samples of " + Shapes.text(sampleShape) + ", " + numClasses + " classes]";
    }
}
