package dev.onnxinspect.data;

import java.util.Iterator;
import java.util.List;

/**
 * A source of labelled or unlabelled input samples, read in batches. Implementations stream: iterating must not
 * need the whole dataset in memory unless the source already holds it. Each call to {@link #batches(int)} starts a
 * new pass from the first sample, in the source's fixed, documented order.
 */
public interface DataSource {
    /** A short name used in tables and reports, e.g. {@code fashion-mnist-test}. */
    String name();

    /**
     * Shape of one sample of a single-input source, e.g. {@code [784]} or {@code [1, 28, 28]}; a source of several
     * inputs gives the shape of its first input (variable dimensions as -1 are not allowed here: see
     * {@link #inputs()}).
     */
    int[] sampleShape();

    /**
     * The model inputs this source feeds, each with the element type and the per-sample shape of its values. The
     * default: one unnamed float32 input (the model's only input) of shape {@link #sampleShape()}.
     */
    default List<InputSpec> inputs() {
        return List.of(InputSpec.floats(sampleShape()));
    }

    /** Number of samples, or -1 when unknown in advance. */
    long size();

    /** Whether the batches carry labels. */
    boolean labelled();

    /** A new pass over the data in batches of at most {@code batchSize} samples (the last may be smaller). */
    Iterator<Batch> batches(int batchSize);
}
