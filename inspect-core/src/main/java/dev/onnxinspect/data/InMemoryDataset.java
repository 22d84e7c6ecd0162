package dev.onnxinspect.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A dataset held in memory as one flat float array, with optional integer labels. Deeply immutable: the arrays are
 * copied on the way in ({@link #of}) and on the way out; {@link #subset} and {@link #reshaped} share the
 * underlying (never modified) array instead of copying it. Each {@link Batch} handed out owns fresh copies.
 * Safe to use from many threads at once; every {@link #batches(int)} call starts an independent pass.
 */
public final class InMemoryDataset implements DataSource {
    private final String name;
    private final float[] images;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleSize;
    private final int first;
    private final int count;

    private InMemoryDataset(String name, float[] images, int[] labels, int[] sampleShape, int first, int count) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.sampleShape = sampleShape;
        this.sampleSize = productOf(sampleShape);
        this.first = first;
        this.count = count;
    }

    /**
     * A dataset of {@code images.length / product(sampleShape)} samples; copies both arrays.
     *
     * @param images      row-major samples: sample i is {@code images[i * sampleSize .. (i+1) * sampleSize)}
     * @param labels      one label per sample, or {@code null} for unlabelled data
     * @param sampleShape the shape of one sample, every dimension at least 1
     * @throws DatasetException when the lengths do not fit the shape or a label is negative
     */
    public static InMemoryDataset of(String name, float[] images, int[] labels, int... sampleShape) {
        return wrap(name, images.clone(), labels == null ? null : labels.clone(), sampleShape.clone());
    }

    /** As {@link #of} but takes ownership of the arrays (no copy): the caller must never change them again. */
    static InMemoryDataset wrap(String name, float[] images, int[] labels, int[] sampleShape) {
        if (name == null || name.isBlank()) {
            throw new DatasetException("a dataset needs a non-blank name");
        }
        int size = productOf(sampleShape);
        if (images.length % size != 0) {
            throw new DatasetException("dataset " + name + ": " + images.length + " floats are not a whole number of"
                    + " samples of shape " + Arrays.toString(sampleShape) + " (" + size + " floats each)");
        }
        int n = images.length / size;
        if (labels != null) {
            if (labels.length != n) {
                throw new DatasetException("dataset " + name + " has " + n + " samples but " + labels.length
                        + " labels; every sample needs exactly one label");
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0) {
                    throw new DatasetException("dataset " + name + ": sample " + i + " has the negative label "
                            + labels[i] + "; labels must be class indices 0, 1, ...");
                }
            }
        }
        return new InMemoryDataset(name, images, labels, sampleShape, 0, n);
    }

    private static int productOf(int[] shape) {
        if (shape.length == 0) {
            throw new DatasetException("a sample shape needs at least one dimension, got []");
        }
        long product = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new DatasetException(
                        "every dimension of a sample shape must be at least 1, got " + Arrays.toString(shape));
            }
            product *= d;
        }
        if (product > Integer.MAX_VALUE) {
            throw new DatasetException("sample shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) product;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Number of floats in one sample (the product of the sample shape). */
    public int sampleSize() {
        return sampleSize;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public boolean labelled() {
        return labels != null;
    }

    /** A copy of sample i's values, row-major. */
    public float[] sample(int i) {
        checkIndex(i);
        int from = (first + i) * sampleSize;
        return Arrays.copyOfRange(images, from, from + sampleSize);
    }

    /** The label of sample i. */
    public int label(int i) {
        checkIndex(i);
        requireLabels();
        return labels[first + i];
    }

    /** A copy of all labels, in sample order. */
    public int[] labels() {
        requireLabels();
        return Arrays.copyOfRange(labels, first, first + count);
    }

    /**
     * The samples {@code from} (inclusive) to {@code to} (exclusive), named {@code name[from:to]}; shares memory
     * with this dataset.
     */
    public InMemoryDataset subset(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new DatasetException("subset [" + from + ", " + to + ") of dataset " + name + " with " + count
                    + " samples: need 0 <= from <= to <= " + count);
        }
        return new InMemoryDataset(
                name + "[" + from + ":" + to + "]", images, labels, sampleShape, first + from, to - from);
    }

    /**
     * The same samples seen with another sample shape of the same size, e.g. {@code reshaped(784)} for a dense
     * network and {@code reshaped(1, 28, 28)} for a convolutional one; shares memory with this dataset.
     */
    public InMemoryDataset reshaped(int... shape) {
        int[] copy = shape.clone();
        if (productOf(copy) != sampleSize) {
            throw new DatasetException("cannot reshape the samples of dataset " + name + " from "
                    + Arrays.toString(sampleShape) + " (" + sampleSize + " values) to " + Arrays.toString(copy)
                    + " (" + productOf(copy) + " values); the sizes must be equal");
        }
        return new InMemoryDataset(name, images, labels, copy, first, count);
    }

    /** The same samples under another name; shares memory with this dataset. */
    public InMemoryDataset named(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new DatasetException("a dataset needs a non-blank name");
        }
        return new InMemoryDataset(newName, images, labels, sampleShape, first, count);
    }

    /** Batches in sample order; each batch owns copies of its values and labels. */
    @Override
    public Iterator<Batch> batches(int batchSize) {
        if (batchSize <= 0) {
            throw new DatasetException("batch size must be at least 1, got " + batchSize);
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Batch next() {
                if (next >= count) {
                    throw new NoSuchElementException("dataset " + name + " has no more batches");
                }
                int n = Math.min(batchSize, count - next);
                int from = first + next;
                float[] data = Arrays.copyOfRange(images, from * sampleSize, (from + n) * sampleSize);
                int[] batchLabels = labels == null ? null : Arrays.copyOfRange(labels, from, from + n);
                next += n;
                return new Batch(data, n, sampleShape, batchLabels);
            }
        };
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new DatasetException(
                    "sample index " + i + " is outside dataset " + name + " with " + count + " samples");
        }
    }

    private void requireLabels() {
        if (labels == null) {
            throw new DatasetException("dataset " + name + " has no labels");
        }
    }

    @Override
    public String toString() {
        return "InMemoryDataset[" + name + ", " + count + " samples of " + Arrays.toString(sampleShape)
                + (labels == null ? ", unlabelled]" : ", labelled]");
    }
}
