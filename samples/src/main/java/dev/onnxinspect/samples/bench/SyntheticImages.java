package dev.onnxinspect.samples.bench;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Synthetic images {@code [3, S, S]} made when a batch is asked for (nothing is kept: memory does not grow with the
 * samples), each a function of its index and a seed, so that every pass sees the same images.
 * <ul>
 *   <li>{@link Kind#STRUCTURED} (in-distribution): sample i has class {@code c = i mod labelClasses} and shows a
 *   plane wave of that class, {@code sin(2 pi (fx x + fy y) / S + phase_ch)} with {@code fx = 1 + c mod 7},
 *   {@code fy = 1 + (c / 7) mod 7} and a per-channel phase {@code 0.37 c (ch + 1)}, plus Gaussian noise of standard
 *   deviation 0.5: values of the order of ImageNet-normalised pixels;</li>
 *   <li>{@link Kind#NOISE} (out-of-distribution): uniform noise in [-2, 2], no structure.</li>
 * </ul>
 */
final class SyntheticImages implements DataSource {
    /** What the images show. */
    enum Kind {
        STRUCTURED,
        NOISE
    }

    private final String name;
    private final Kind kind;
    private final int size;
    private final int resolution;
    private final int labelClasses;
    private final boolean labelled;
    private final long seed;

    /**
     * @param labelClasses the classes the labels cycle over (labels {@code i mod labelClasses})
     * @param labelled     whether batches carry the labels
     */
    SyntheticImages(String name, Kind kind, int size, int resolution, int labelClasses, boolean labelled, long seed) {
        this.name = name;
        this.kind = kind;
        this.size = size;
        this.resolution = resolution;
        this.labelClasses = labelClasses;
        this.labelled = labelled;
        this.seed = seed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {3, resolution, resolution};
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean labelled() {
        return labelled;
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, size - next);
                int pixels = 3 * resolution * resolution;
                float[] data = new float[n * pixels];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = (next + i) % labelClasses;
                    image(next + i, labels[i], data, i * pixels);
                }
                next += n;
                return new Batch(data, n, sampleShape(), labelled ? labels : null);
            }
        };
    }

    private void image(int index, int label, float[] out, int offset) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        int s = resolution;
        double fx = 1 + label % 7;
        double fy = 1 + (label / 7) % 7;
        int k = offset;
        for (int ch = 0; ch < 3; ch++) {
            double phase = 0.37 * label * (ch + 1);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    out[k++] = kind == Kind.NOISE
                            ? (float) (random.nextDouble() * 4 - 2)
                            : (float) (Math.sin(2 * Math.PI * (fx * x + fy * y) / s + phase)
                                    + 0.5 * random.nextGaussian());
                }
            }
        }
    }
}
