package dev.onnxinspect.samples.bench;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InMemoryDataset;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A labelled source of {@code size} samples that cycles over the concatenation of labelled datasets of one sample
 * shape (sample i is sample {@code i mod total} of the concatenation), so that a pass of 100,000 samples needs no
 * more memory than the datasets themselves: each batch is built when the iterator asks for it and nothing else is
 * kept.
 */
final class CyclingSource implements DataSource {
    private final List<InMemoryDataset> parts;
    private final long size;
    private final long total;

    CyclingSource(List<InMemoryDataset> parts, long size) {
        long sum = 0;
        for (InMemoryDataset part : parts) {
            if (!part.labelled() || part.sampleSize() != parts.get(0).sampleSize()) {
                throw new IllegalArgumentException(
                        "every part must be labelled with the sample shape of the first," + " got " + parts);
            }
            sum += part.size();
        }
        if (size < 1 || sum < 1) {
            throw new IllegalArgumentException(
                    "a cycling source needs at least one sample, got " + size + " samples over " + parts);
        }
        this.parts = List.copyOf(parts);
        this.size = size;
        this.total = sum;
    }

    @Override
    public String name() {
        return parts.get(0).name() + "-cycled-" + size;
    }

    @Override
    public int[] sampleShape() {
        return parts.get(0).sampleShape();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean labelled() {
        return true;
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        int per = parts.get(0).sampleSize();
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Batch next() {
                if (next >= size) {
                    throw new NoSuchElementException(name() + " has no more batches");
                }
                int n = (int) Math.min(batchSize, size - next);
                float[] data = new float[n * per];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    long k = (next + i) % total;
                    int p = 0;
                    while (k >= parts.get(p).size()) {
                        k -= parts.get(p).size();
                        p++;
                    }
                    System.arraycopy(parts.get(p).sample((int) k), 0, data, i * per, per);
                    labels[i] = parts.get(p).label((int) k);
                }
                next += n;
                return new Batch(data, n, sampleShape(), labels);
            }
        };
    }
}
