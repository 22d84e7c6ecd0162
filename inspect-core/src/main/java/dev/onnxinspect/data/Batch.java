package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One batch of input samples, as the data sources hand them to an inspection: one {@link InputTensor} per model
 * input it feeds (by name; a single unnamed tensor feeds a single-input model), all with the same batch size, and
 * the samples' labels where the source has them.
 *
 * <p>Ownership: the tensors' arrays and the labels are owned by the batch once it is built: the producer must not
 * change them afterwards and consumers must not change them at all (they are not copied, for speed).
 */
public final class Batch {
    private final int size;
    private final List<InputTensor> inputs;
    private final int[] labels;

    /**
     * A batch of named input tensors.
     *
     * @param size   the number of samples (at least 1); every tensor's first dimension
     * @param inputs one tensor per model input fed; names unique (at most one unnamed tensor, and then the only one)
     * @param labels the class label of each sample, or {@code null} for unlabelled data
     */
    public Batch(int size, List<InputTensor> inputs, int[] labels) {
        if (size <= 0) {
            throw new DatasetException("a batch needs at least one sample, got size " + size);
        }
        if (inputs.isEmpty()) {
            throw new DatasetException("a batch needs at least one input tensor");
        }
        Set<String> names = new HashSet<>();
        for (InputTensor t : inputs) {
            if (t.shape()[0] != size) {
                throw new DatasetException("input " + InputTensor.label(t.name()) + " has " + t.shape()[0]
                        + " samples in a batch of " + size + "; every input of a batch has the batch size first");
            }
            if (!names.add(t.name() == null ? "\u0000" : t.name())) {
                throw new DatasetException("a batch feeds input " + InputTensor.label(t.name()) + " twice");
            }
            if (t.name() == null && inputs.size() > 1) {
                throw new DatasetException("a batch of several inputs must name each of them; got "
                        + inputs.stream().map(InputTensor::name).toList());
            }
        }
        if (labels != null && labels.length != size) {
            throw new DatasetException("batch of " + size + " samples has " + labels.length + " labels; give one"
                    + " label per sample, or null for unlabelled data");
        }
        this.size = size;
        this.inputs = List.copyOf(inputs);
        this.labels = labels;
    }

    /**
     * A batch of one unnamed float32 input (the model's only input), e.g. images.
     *
     * @param data        the samples, row-major: sample i occupies {@code data[i * sampleSize() .. (i+1) *
     * sampleSize())}
     * @param size        the number of samples in the batch (at least 1)
     * @param sampleShape the shape of one sample, e.g. {@code [784]} or {@code [1, 28, 28]}
     * @param labels      the class label of each sample, or {@code null} for unlabelled data
     */
    public Batch(float[] data, int size, int[] sampleShape, int[] labels) {
        this(size, List.of(InputTensor.floats(null, data, batchShape(size, sampleShape))), labels);
    }

    private static long[] batchShape(int size, int[] sampleShape) {
        if (size <= 0) {
            throw new DatasetException("a batch needs at least one sample, got size " + size);
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = size;
        for (int d = 0; d < sampleShape.length; d++) {
            if (sampleShape[d] <= 0) {
                throw new DatasetException("sample shape must be positive, got " + Arrays.toString(sampleShape));
            }
            shape[d + 1] = sampleShape[d];
        }
        return shape;
    }

    /** The number of samples in the batch. */
    public int size() {
        return size;
    }

    /** The input tensors, in the order given. */
    public List<InputTensor> inputs() {
        return inputs;
    }

    /** The tensor feeding the named input (null = the unnamed tensor of a single-input batch). */
    public InputTensor input(String name) {
        for (InputTensor t : inputs) {
            if (Objects.equals(t.name(), name)) {
                return t;
            }
        }
        List<String> names = new ArrayList<>();
        inputs.forEach(t -> names.add(InputTensor.label(t.name())));
        throw new DatasetException("the batch has no input " + InputTensor.label(name) + "; it has " + names);
    }

    /** The class label of each sample, or {@code null} for unlabelled data (not copied: do not change it). */
    public int[] labels() {
        return labels;
    }

    public boolean labelled() {
        return labels != null;
    }

    /** Whether this is a batch of one float32 input (the form of the built-in image datasets). */
    public boolean singleFloatInput() {
        return inputs.size() == 1 && inputs.get(0).type() == ElementType.FLOAT;
    }

    /**
     * The values of the batch's only input, when it is float32 (not copied: do not change them).
     *
     * @throws DatasetException for a batch of several inputs or of another element type
     */
    public float[] data() {
        return (float[]) single().data();
    }

    /** The shape of one sample of the batch's only float32 input, e.g. {@code [784]}. */
    public int[] sampleShape() {
        long[] shape = single().sampleShape();
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = Math.toIntExact(shape[d]);
        }
        return out;
    }

    /** Number of floats in one sample of the batch's only float32 input. */
    public int sampleSize() {
        return Math.toIntExact(single().sampleSize());
    }

    private InputTensor single() {
        if (!singleFloatInput()) {
            throw new DatasetException("this batch has inputs " + inputs + "; a single float32 input was expected"
                    + " here: read the tensors by name with input(name)");
        }
        return inputs.get(0);
    }

    /**
     * A new batch of the samples marked in {@code keep}, in order: every input tensor's rows and the labels copied.
     *
     * @param keep per sample of this batch, whether it stays (length at least {@link #size()})
     * @throws DatasetException when no sample is marked (a batch has at least one sample)
     */
    public Batch select(boolean[] keep) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            kept += keep[i] ? 1 : 0;
        }
        List<InputTensor> selected = new ArrayList<>(inputs.size());
        for (InputTensor t : inputs) {
            int row = Math.toIntExact(t.sampleSize());
            Object data = Array.newInstance(t.data().getClass().getComponentType(), kept * row);
            int to = 0;
            for (int i = 0; i < size; i++) {
                if (keep[i]) {
                    System.arraycopy(t.data(), i * row, data, to * row, row);
                    to++;
                }
            }
            long[] shape = t.shape();
            shape[0] = kept;
            selected.add(new InputTensor(t.name(), t.type(), shape, data));
        }
        int[] selectedLabels = null;
        if (labels != null) {
            selectedLabels = new int[kept];
            int to = 0;
            for (int i = 0; i < size; i++) {
                if (keep[i]) {
                    selectedLabels[to++] = labels[i];
                }
            }
        }
        return new Batch(kept, selected, selectedLabels);
    }

    @Override
    public String toString() {
        return "Batch[" + size + " samples, " + inputs + (labels == null ? ", unlabelled" : ", labelled") + "]";
    }
}
