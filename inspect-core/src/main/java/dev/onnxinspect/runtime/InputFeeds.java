package dev.onnxinspect.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches what a caller feeds (a {@link Batch}'s tensors, {@link TypedTensor}s, or a data source's
 * {@link InputSpec}s) to a model's inputs by name, checks types and shapes, and makes the ONNX Runtime tensors.
 * Every refusal is one {@link InferenceException} line naming the input, what the model expects, what it received
 * and the fix. Types are converted by {@link InputConversion}'s rule.
 */
final class InputFeeds {
    /** How the fed values arrive, for the wording of messages and the batch dimension's checks. */
    private enum Origin {
        BATCH("the batch"),
        DATA("the data"),
        TENSORS("the tensors");

        final String text;

        Origin(String text) {
            this.text = text;
        }
    }

    /** One fed tensor: the name it gives (null = the only input), its type, its full shape (-1 unknown), values. */
    private record Feed(String name, ElementType type, long[] shape, Object data) {}

    /** The ONNX Runtime tensors made for one run; closing closes them all. */
    static final class Fed implements AutoCloseable {
        private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        Map<String, OnnxTensor> tensors() {
            return tensors;
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
            tensors.clear();
        }
    }

    private final List<ModelInput> inputs;
    /** Each input's position in {@link #inputs}, by name. */
    private final Map<String, Integer> index = new HashMap<>();

    InputFeeds(List<ModelInput> inputs) {
        this.inputs = List.copyOf(inputs);
        for (int i = 0; i < inputs.size(); i++) {
            index.put(inputs.get(i).name(), i);
        }
    }

    List<ModelInput> inputs() {
        return inputs;
    }

    /** The model's inputs as one line, e.g. {@code [ids INT64 [batch, sequence], mask INT64 [batch, sequence]]}. */
    String inputsText() {
        return inputs.stream().map(ModelInput::format).toList().toString();
    }

    /** Checks a data source's inputs against the model (a variable dimension, -1, is checked per batch). */
    void check(List<InputSpec> specs) {
        List<Feed> feeds = new ArrayList<>();
        for (InputSpec s : specs) {
            long[] sample = s.sampleShape();
            long[] shape = new long[sample.length + 1];
            shape[0] = -1;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            feeds.add(new Feed(s.name(), s.type(), shape, null));
        }
        match(feeds, Origin.DATA);
    }

    /** The tensors for a batch, checked; the caller closes them. */
    Fed create(OrtEnvironment env, Batch batch) throws OrtException {
        List<Feed> feeds = new ArrayList<>();
        for (InputTensor t : batch.inputs()) {
            feeds.add(new Feed(t.name(), t.type(), t.shape(), t.data()));
        }
        return create(env, match(feeds, Origin.BATCH));
    }

    /** The tensors for inputs of any shape, checked; the caller closes them. */
    Fed create(OrtEnvironment env, List<TypedTensor> tensors) throws OrtException {
        List<Feed> feeds = new ArrayList<>();
        for (TypedTensor t : tensors) {
            feeds.add(new Feed(t.name(), t.type(), t.shape(), t.array()));
        }
        return create(env, match(feeds, Origin.TENSORS));
    }

    private Fed create(OrtEnvironment env, Feed[] matched) throws OrtException {
        Fed fed = new Fed();
        try {
            for (int i = 0; i < matched.length; i++) {
                ModelInput in = inputs.get(i);
                Feed f = matched[i];
                Object data = InputConversion.convert(f.data(), f.type(), in.type());
                fed.tensors.put(in.name(), tensor(env, in.type(), data, f.shape()));
            }
            return fed;
        } catch (OrtException | RuntimeException e) {
            fed.close();
            throw e;
        }
    }

    /** The feed for each model input, in model order, after every check. */
    private Feed[] match(List<Feed> feeds, Origin origin) {
        Feed[] matched = new Feed[inputs.size()];
        for (Feed f : feeds) {
            int i = target(f, feeds.size(), origin);
            if (matched[i] != null) {
                throw new InferenceException(origin.text + " feeds model input "
                        + inputs.get(i).name() + " twice;" + " give one tensor per input");
            }
            matched[i] = f;
        }
        for (int i = 0; i < matched.length; i++) {
            if (matched[i] == null) {
                throw new InferenceException("model input " + inputs.get(i).format() + " is not fed: " + origin.text
                        + " has " + fedNames(feeds) + "; give every model input a tensor of its name");
            }
        }
        for (int i = 0; i < matched.length; i++) {
            checkType(inputs.get(i), matched[i], origin);
            checkShape(inputs.get(i), matched[i].shape(), origin);
        }
        return matched;
    }

    /** The position of the model input a feed names. */
    private int target(Feed f, int feeds, Origin origin) {
        if (f.name() == null) {
            if (inputs.size() == 1 && feeds == 1) {
                return 0;
            }
            throw new InferenceException(origin.text + " has an unnamed tensor, but the model has " + inputs.size()
                    + " inputs " + inputsText() + "; name each tensor after the model input it feeds");
        }
        Integer i = index.get(f.name());
        if (i == null) {
            throw new InferenceException(origin.text + " feeds input " + f.name() + ", which the model does not have;"
                    + " its inputs are " + inputsText() + "; name each tensor after the model input it feeds"
                    + (inputs.size() == 1 ? " (or leave it unnamed)" : ""));
        }
        return i;
    }

    private static void checkType(ModelInput in, Feed f, Origin origin) {
        if (!InputConversion.isLossless(f.type(), in.type())) {
            throw new InferenceException("model input " + in.format() + " cannot take the " + f.type() + " values "
                    + origin.text + " gives: converting " + f.type() + " to " + in.type() + " would change values;"
                    + " give " + in.type() + " values (convert the data) or add a Cast to the model");
        }
    }

    /**
     * Rank and fixed dimensions. A model input of rank 0 (a scalar, or a shape the model does not declare) is left
     * to ONNX Runtime. {@code shape} has -1 where the size is not known yet (a data source's batch size and
     * variable dimensions).
     */
    private static void checkShape(ModelInput in, long[] shape, Origin origin) {
        int rank = in.rank();
        if (rank == 0) {
            return;
        }
        if (shape.length != rank) {
            throw new InferenceException(
                    origin == Origin.TENSORS
                            ? "model input " + in.format() + " has rank " + rank + " but the tensor fed has shape "
                                    + Arrays.toString(shape) + " (rank " + shape.length + "); give it a tensor of rank "
                                    + rank
                            : "model input " + in.format() + " has rank " + rank + " but " + origin.text
                                    + " gives samples of shape " + sampleText(shape) + " (rank " + shape.length
                                    + " with the batch dimension); give each sample the shape " + in.sampleShapeText());
        }
        for (int d = 0; d < rank; d++) {
            long expected = in.dim(d);
            if (expected < 0 || shape[d] < 0 || expected == shape[d]) {
                continue;
            }
            if (d == 0 && origin != Origin.TENSORS) {
                throw new InferenceException("model input " + in.name() + " has the fixed batch size " + expected
                        + " but the batch holds " + shape[0] + " samples; use batch size " + expected);
            }
            throw new InferenceException(
                    origin == Origin.TENSORS
                            ? "model input " + in.format() + " does not fit a tensor of shape " + Arrays.toString(shape)
                                    + ": dimension " + d + " is " + expected
                                    + " in the model; give it a tensor of shape "
                                    + in.shapeText()
                            : "model input " + in.format() + " does not fit samples of shape " + sampleText(shape)
                                    + " (received batch shape " + batchText(shape) + "): dimension " + d + " is "
                                    + expected
                                    + " in the model; give samples of shape " + in.sampleShapeText()
                                    + " (reshape the data)");
        }
    }

    private static String sampleText(long[] shape) {
        return dimsText(Arrays.copyOfRange(shape, 1, shape.length));
    }

    private static String batchText(long[] shape) {
        List<String> text = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            text.add(shape[d] >= 0 ? Long.toString(shape[d]) : d == 0 ? "n" : "?");
        }
        return text.toString();
    }

    private static String dimsText(long[] dims) {
        List<String> text = new ArrayList<>();
        for (long d : dims) {
            text.add(d < 0 ? "?" : Long.toString(d));
        }
        return text.toString();
    }

    private static List<String> fedNames(List<Feed> feeds) {
        return feeds.stream()
                .map(f -> f.name() == null ? "(an unnamed tensor)" : f.name())
                .toList();
    }

    /** An ONNX Runtime tensor of the given type holding the values (heap arrays are copied by ONNX Runtime). */
    static OnnxTensor tensor(OrtEnvironment env, ElementType type, Object data, long[] shape) throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
            case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
            case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.INT16);
            case FLOAT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.FLOAT16);
            case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.BOOL);
            default ->
                throw new InferenceException(
                        Kind.UNSUPPORTED,
                        "onnx-inspect cannot feed " + type + " tensors; supported: " + InputTensor.SUPPORTED);
        };
    }
}
