package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A data source whose samples are given another shape with the same number of values, e.g. flat {@code [784]}
 * images for a CNN that takes {@code [1, 28, 28]}. The values are not copied. Used by every command and API that
 * runs a model on a data source (audit, guard), so that all of them accept the same data.
 */
public final class ReshapedSource implements DataSource {
    private final DataSource source;
    private final int[] shape;

    private ReshapedSource(DataSource source, int[] shape) {
        this.source = source;
        this.shape = shape.clone();
    }

    /**
     * The source as the model's input wants it: unchanged when the shapes already agree, the input has symbolic
     * dimensions, or the source does not feed one unnamed float32 input (a source of several or named inputs, or of
     * another element type, is left as it is: its tensors are matched to the model's inputs by name); reshaped when
     * the input's fixed per-sample shape has as many values as a sample.
     *
     * @param inputShape the model input's shape including the batch dimension, -1 for symbolic dimensions (for a
     *                   model of several inputs, pass an empty array: nothing is reshaped)
     */
    public static DataSource fitTo(DataSource source, long[] inputShape) {
        if (inputShape.length < 2) {
            return source;
        }
        List<InputSpec> inputs = source.inputs();
        if (inputs.size() != 1 || inputs.get(0).name() != null || inputs.get(0).type() != ElementType.FLOAT) {
            return source;
        }
        int[] wanted = new int[inputShape.length - 1];
        long values = 1;
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] <= 0) {
                return source;
            }
            wanted[i - 1] = (int) inputShape[i];
            values *= inputShape[i];
        }
        int[] have = source.sampleShape();
        long haveValues = Arrays.stream(have).asLongStream().reduce(1, (a, b) -> a * b);
        if (Arrays.equals(have, wanted) || haveValues != values) {
            return source;
        }
        return new ReshapedSource(source, wanted);
    }

    /**
     * The source with each sample given {@code shape} (e.g. {@code [3, 32, 32]} for rows of 3,072 floats feeding a
     * model whose image size is free, {@code [N, 3, H, W]}).
     *
     * @throws DatasetException when the source does not feed one unnamed float32 input of fixed sample shape, or
     *                          {@code shape} holds another number of values than a sample
     */
    public static DataSource to(DataSource source, int... shape) {
        List<InputSpec> inputs = source.inputs();
        if (inputs.size() != 1 || inputs.get(0).name() != null || inputs.get(0).type() != ElementType.FLOAT) {
            throw new DatasetException("data " + source.name() + " feeds " + inputs + "; only a source of one unnamed"
                    + " float32 input (images, vectors) can be reshaped");
        }
        long want = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new DatasetException("sample shape " + Arrays.toString(shape) + " has a dimension <= 0; every"
                        + " dimension of a sample is positive");
            }
            want *= d;
        }
        int[] have = source.sampleShape();
        long haveValues = Arrays.stream(have).asLongStream().reduce(1, (a, b) -> a * b);
        if (haveValues != want) {
            throw new DatasetException("data " + source.name() + " has samples of " + Arrays.toString(have) + " ("
                    + haveValues + " values), which cannot take the shape " + Arrays.toString(shape) + " (" + want
                    + " values); give a shape of " + haveValues + " values");
        }
        return Arrays.equals(have, shape) ? source : new ReshapedSource(source, shape);
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public boolean labelled() {
        return source.labelled();
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        Iterator<Batch> it = source.batches(batchSize);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Batch next() {
                Batch b = it.next();
                return new Batch(b.data(), b.size(), shape, b.labels());
            }
        };
    }
}
