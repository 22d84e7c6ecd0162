package dev.onnxinspect.trainers.train;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Token sequences ({@link TokenData}) as a data source of the text classifier's two int64 inputs,
 * {@value TextClassifier#INPUT_IDS} and {@value TextClassifier#ATTENTION_MASK} [N, T]: each batch is padded (id 0,
 * mask 0) to its own longest sequence, so T varies from batch to batch. In the data's order; labels where the data
 * has them. Optionally cycles over the data to give more samples than it holds (benchmarks). Streams: one batch at
 * a time.
 */
public final class TokenSource implements DataSource {
    private final String name;
    private final TokenData data;
    private final long size;

    private TokenSource(String name, TokenData data, long size) {
        this.name = Objects.requireNonNull(name, "name");
        this.data = Objects.requireNonNull(data, "data");
        if (size < 1) {
            throw new TrainingException("a token source needs at least one sample, got " + size);
        }
        this.size = size;
    }

    /** The sequences of {@code data}, once each. */
    public static TokenSource of(String name, TokenData data) {
        return new TokenSource(name, data, data.size());
    }

    /** {@code samples} sequences: the data's, repeated from the first when it holds fewer. */
    public static TokenSource cycling(String name, TokenData data, long samples) {
        return new TokenSource(name, data, samples);
    }

    @Override
    public String name() {
        return name;
    }

    /** Token sequences have no fixed sample shape: see {@link #inputs()}. */
    @Override
    public int[] sampleShape() {
        throw new TrainingException("token sequences vary in length; read the inputs of " + name + " with inputs()");
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                new InputSpec(TextClassifier.INPUT_IDS, ElementType.INT64, new long[] {-1}),
                new InputSpec(TextClassifier.ATTENTION_MASK, ElementType.INT64, new long[] {-1}));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean labelled() {
        return data.labelled();
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        if (batchSize < 1) {
            throw new TrainingException("batch size must be at least 1, got " + batchSize);
        }
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = (int) Math.min(batchSize, size - next);
                int length = 1;
                for (int i = 0; i < n; i++) {
                    length = Math.max(length, data.length(sample(next + i)));
                }
                long[] ids = new long[n * length];
                long[] mask = new long[n * length];
                int[] labels = data.labelled() ? new int[n] : null;
                for (int i = 0; i < n; i++) {
                    int sample = sample(next + i);
                    data.copyPadded(sample, length, ids, mask, i * length);
                    if (labels != null) {
                        labels[i] = data.label(sample);
                    }
                }
                next += n;
                return new Batch(
                        n,
                        List.of(
                                InputTensor.longs(TextClassifier.INPUT_IDS, ids, n, length),
                                InputTensor.longs(TextClassifier.ATTENTION_MASK, mask, n, length)),
                        labels);
            }
        };
    }

    private int sample(long index) {
        return (int) (index % data.size());
    }

    @Override
    public String toString() {
        return "TokenSource[" + name + ", " + size + " sequences]";
    }
}
