package dev.onnxinspect.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.onnxinspect.data.Batch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ONNX model opened in ONNX Runtime, ready to compute the outputs (logits, instrumented layers) of batches.
 *
 * <p>Lifecycle: {@link #open} creates and owns one native {@code OrtSession}; {@link #close()} releases it
 * (idempotent; it waits for runs in progress). {@link #run} copies every requested output into Java arrays and
 * closes the native values before it returns, so its result needs no closing.
 *
 * <p>Threads: {@link #run} may be called from many threads at once (ONNX Runtime sessions are thread-safe); ONNX
 * Runtime parallelises inside a run with its own intra-op threads ({@link SessionConfig#intraOpThreads()}).
 *
 * <p>Choice: only models with exactly one input, of type float32, are supported for now (MLPs and CNNs over
 * images); every requested output must be float32 with the batch dimension first.
 */
public final class InferenceSession implements AutoCloseable {
    private final OrtSession session;
    private final Device device;
    private final String deviceReason;
    private final String inputName;
    private final TensorInfo inputInfo;
    private final Map<String, TensorInfo> outputs;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private InferenceSession(SessionFactory.Created created, String what) {
        this.session = created.session();
        this.device = created.device();
        this.deviceReason = created.reason();
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw new InferenceException(what + " has " + inputs.size() + " inputs " + inputs.keySet()
                        + "; onnx-inspect supports models with exactly one input for now");
            }
            Map.Entry<String, NodeInfo> input = inputs.entrySet().iterator().next();
            this.inputName = input.getKey();
            if (!(input.getValue().getInfo() instanceof TensorInfo)) {
                throw new InferenceException(what + ": input " + inputName + " is not a tensor but "
                        + input.getValue().getInfo() + "; onnx-inspect needs a float32 tensor input");
            }
            this.inputInfo = (TensorInfo) input.getValue().getInfo();
            Map<String, TensorInfo> outs = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo) {
                    outs.put(e.getKey(), (TensorInfo) e.getValue().getInfo());
                }
            }
            this.outputs = Collections.unmodifiableMap(outs);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, e);
            if (e instanceof InferenceException inferenceException) {
                throw inferenceException;
            }
            throw new InferenceException("cannot read the inputs and outputs of " + what + ": " + e.getMessage(), e);
        }
    }

    /** Opens a model file with {@link SessionConfig#defaults()} (CPU). */
    public static InferenceSession open(Path modelFile) {
        return open(modelFile, SessionConfig.defaults());
    }

    /**
     * Opens a model file.
     *
     * @throws InferenceException when the file is missing, ONNX Runtime rejects the model, the model has more than
     *                            one input, or {@link Device#CUDA} was requested and cannot be loaded
     */
    public static InferenceSession open(Path modelFile, SessionConfig config) {
        if (!Files.isRegularFile(modelFile)) {
            throw new InferenceException("model file " + modelFile + " does not exist");
        }
        String what = "model " + modelFile;
        return new InferenceSession(SessionFactory.create(new SessionFactory.ModelSource() {
            @Override
            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
                return env.createSession(modelFile.toString(), options);
            }

            @Override
            public String describe() {
                return what;
            }
        }, config), what);
    }

    /** Opens a serialised ONNX model ({@code ModelProto} bytes); see {@link #open(Path, SessionConfig)}. */
    public static InferenceSession open(byte[] model, SessionConfig config) {
        byte[] copy = model.clone();
        String what = "in-memory model (" + copy.length + " bytes)";
        return new InferenceSession(SessionFactory.create(new SessionFactory.ModelSource() {
            @Override
            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
                return env.createSession(copy, options);
            }

            @Override
            public String describe() {
                return what;
            }
        }, config), what);
    }

    /** The device the model runs on: {@link Device#CPU} or {@link Device#CUDA}, never AUTO. */
    public Device device() {
        return device;
    }

    /** Why {@link #device()} was chosen, e.g. the reason AUTO fell back to CPU. */
    public String deviceReason() {
        return deviceReason;
    }

    public String inputName() {
        return inputName;
    }

    /** The model input's shape including the batch dimension; -1 marks a symbolic (free) dimension. */
    public long[] inputShape() {
        return inputInfo.getShape();
    }

    /** The names of the model's tensor outputs, in model order. */
    public List<String> outputNames() {
        return List.copyOf(outputs.keySet());
    }

    /** An output's shape including the batch dimension; -1 marks a symbolic dimension. */
    public long[] outputShape(String outputName) {
        return outputInfo(outputName).getShape();
    }

    /**
     * Checks that samples of the given shape fit the model input: float32, rank = 1 + sample rank, every fixed
     * dimension after the batch dimension equal (symbolic dimensions accept any size).
     *
     * @throws InferenceException naming the expected and the received shape
     */
    public void checkInput(int[] sampleShape) {
        checkInput(sampleShape, -1);
    }

    private void checkInput(int[] sampleShape, int batchSize) {
        if (inputInfo.type != OnnxJavaType.FLOAT) {
            throw new InferenceException("model input " + inputName + " has type " + inputInfo.type
                    + "; onnx-inspect feeds float32 only");
        }
        long[] expected = inputInfo.getShape();
        boolean fits = expected.length == sampleShape.length + 1;
        for (int d = 0; fits && d < sampleShape.length; d++) {
            fits = expected[d + 1] < 0 || expected[d + 1] == sampleShape[d];
        }
        if (fits && batchSize > 0 && expected[0] >= 0 && expected[0] != batchSize) {
            throw new InferenceException("model input " + inputName + " has the fixed batch size " + expected[0]
                    + " but the batch holds " + batchSize + " samples; use batch size " + expected[0]);
        }
        if (!fits) {
            throw new InferenceException("samples of shape " + Arrays.toString(sampleShape) + " (received batch shape "
                    + batchShapeText(sampleShape, batchSize) + ") do not fit model input " + inputName
                    + " of shape " + shapeText(inputInfo) + "; reshape the data (e.g. InMemoryDataset.reshaped)");
        }
    }

    /**
     * Runs the model on a batch and returns the requested outputs as activations, in the order requested.
     *
     * @param outputNames output tensor names (graph outputs; duplicates are ignored), at least one
     * @return an unmodifiable map from output name to its activations; nothing in it needs closing
     * @throws InferenceException when the batch does not fit the input, an output name is unknown, an output is
     *                            not float32 or lacks the batch dimension, or ONNX Runtime fails
     */
    public Map<String, LayerActivations> run(Batch batch, List<String> outputNames) {
        LinkedHashSet<String> requested = new LinkedHashSet<>(outputNames);
        if (requested.isEmpty()) {
            throw new InferenceException("no output requested; expected one or more of " + outputs.keySet());
        }
        for (String name : requested) {
            outputInfo(name);
        }
        checkInput(batch.sampleShape(), batch.size());
        lock.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("the inference session is closed");
            }
            long[] shape = batchShape(batch.sampleShape(), batch.size());
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, input), requested)) {
                Map<String, LayerActivations> activations = new LinkedHashMap<>();
                for (String name : requested) {
                    activations.put(name, copyOut(name, result.get(name).orElseThrow(), batch.size()));
                }
                return Collections.unmodifiableMap(activations);
            } catch (OrtException e) {
                throw new InferenceException("ONNX Runtime failed to run the model on a batch of " + batch.size()
                        + " samples of shape " + Arrays.toString(batch.sampleShape()) + ": " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reusable native buffers for the given outputs and batches of up to {@code capacity} samples, or empty when
     * an output cannot be written into a buffer made in advance: its type is not float32, or a dimension after
     * the batch dimension is not fixed in the model (a symbolic dimension, e.g. a free image size). Use
     * {@link #run(Batch, List)} then.
     *
     * @param outputNames output tensor names (graph outputs; duplicates are ignored), at least one
     * @throws InferenceException when an output name is unknown or no output is named
     */
    public Optional<OutputBuffers> outputBuffers(List<String> outputNames, int capacity) {
        LinkedHashSet<String> requested = new LinkedHashSet<>(outputNames);
        if (requested.isEmpty()) {
            throw new InferenceException("no output requested; expected one or more of " + outputs.keySet());
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : requested) {
            TensorInfo info = outputInfo(name);
            long[] shape = info.getShape();
            if (info.type != OnnxJavaType.FLOAT || shape.length < 1 || (shape[0] >= 0 && shape[0] != capacity)) {
                return Optional.empty();
            }
            int[] unitShape = new int[shape.length - 1];
            for (int d = 1; d < shape.length; d++) {
                if (shape[d] < 0 || shape[d] > Integer.MAX_VALUE) {
                    return Optional.empty();
                }
                unitShape[d - 1] = (int) shape[d];
            }
            shapes.put(name, unitShape);
        }
        return Optional.of(new OutputBuffers(shapes, capacity));
    }

    /**
     * Runs the model on a batch and has ONNX Runtime write the buffers' outputs straight into them. The returned
     * activations lie in the buffers and are readable until {@link OutputBuffers#release()} (see
     * {@link LayerActivations}); nothing is copied.
     *
     * @return an unmodifiable map from output name to its activations, in the buffers' order
     * @throws InferenceException when the buffers still hold an unreleased batch, the batch is larger than they
     *                            hold or does not fit the input, or ONNX Runtime fails (e.g. an output's actual
     *                            shape differs from the shape the model declares; {@link #run(Batch, List)} then
     *                            still works)
     */
    @SuppressWarnings("try") // the run's Result is opened only to be closed: the outputs live in the buffers
    public Map<String, LayerActivations> run(Batch batch, OutputBuffers into) {
        if (batch.size() > into.capacity()) {
            throw new InferenceException("a batch of " + batch.size() + " samples does not fit output buffers made"
                    + " for " + into.capacity() + "; make them for the largest batch");
        }
        checkInput(batch.sampleShape(), batch.size());
        if (!into.claim()) {
            throw new InferenceException("the output buffers still hold a batch or are being filled; release() them"
                    + " before the next run, and give every thread its own buffers");
        }
        boolean handedOut = false;
        lock.readLock().lock();
        List<OnnxTensor> pinned = new ArrayList<>();
        try {
            if (closed) {
                throw new InferenceException("the inference session is closed");
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Map<String, OnnxTensor> targets = new LinkedHashMap<>();
            Map<String, LayerActivations> activations = new LinkedHashMap<>();
            for (OutputBuffers.Slot slot : into.slots().values()) {
                int bytes = slot.units() * batch.size() * Float.BYTES;
                ByteBuffer memory = slot.memory().duplicate().order(ByteOrder.nativeOrder());
                memory.limit(bytes);
                long[] shape = new long[slot.unitShape().length + 1];
                shape[0] = batch.size();
                for (int d = 0; d < slot.unitShape().length; d++) {
                    shape[d + 1] = slot.unitShape()[d];
                }
                OnnxTensor target = OnnxTensor.createTensor(env, memory.asFloatBuffer(), shape);
                pinned.add(target);
                targets.put(slot.name(), target);
                activations.put(slot.name(), LayerActivations.ofBuffer(slot.name(), memory, batch.size(),
                        slot.unitShape()));
            }
            long[] shape = batchShape(batch.sampleShape(), batch.size());
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data()), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, input), Set.of(), targets)) {
                into.fill(List.copyOf(activations.values()));
                handedOut = true;
                return Collections.unmodifiableMap(activations);
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed to run the model on a batch of " + batch.size()
                    + " samples of shape " + Arrays.toString(batch.sampleShape()) + " into reused output buffers: "
                    + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : pinned) {
                t.close(); // releases the native tensor header only: the memory belongs to the buffers
            }
            lock.readLock().unlock();
            if (!handedOut) {
                into.unclaim();
            }
        }
    }

    private static LayerActivations copyOut(String name, OnnxValue value, int samples) throws OrtException {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException("output " + name + " is a " + value.getType() + ", not a tensor");
        }
        TensorInfo info = tensor.getInfo();
        if (info.type != OnnxJavaType.FLOAT) {
            throw new InferenceException("output " + name + " has type " + info.type + "; onnx-inspect reads float32"
                    + " outputs only: add a Cast to float to the model, or choose another output");
        }
        long[] shape = info.getShape();
        if (shape.length == 0 || shape[0] != samples) {
            throw new InferenceException("output " + name + " has shape " + Arrays.toString(shape) + " for a batch of "
                    + samples + " samples; expected the batch dimension " + samples + " first");
        }
        int[] unitShape = new int[shape.length - 1];
        for (int d = 1; d < shape.length; d++) {
            unitShape[d - 1] = Math.toIntExact(shape[d]);
        }
        return new LayerActivations(name, floats(tensor), samples, unitShape);
    }

    /**
     * The tensor's values in a new array. {@link OnnxTensor#getFloatBuffer()} already copies the native values into
     * a new heap buffer; its backing array is used as it is when it holds exactly the values (as ONNX Runtime 1.28
     * makes it), which saves a second copy of every output (for a CNN's feature maps, tens of MB per batch).
     */
    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.array().length == buffer.remaining()) {
            return buffer.array();
        }
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private TensorInfo outputInfo(String name) {
        TensorInfo info = outputs.get(name);
        if (info == null) {
            throw new InferenceException("Unknown output name " + name + ", expected one of " + outputs.keySet()
                    + " (an inner layer must first be made a graph output, e.g. by instrumenting the model)");
        }
        return info;
    }

    private static long[] batchShape(int[] sampleShape, int batchSize) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batchSize;
        for (int d = 0; d < sampleShape.length; d++) {
            shape[d + 1] = sampleShape[d];
        }
        return shape;
    }

    private static String batchShapeText(int[] sampleShape, int batchSize) {
        List<String> dims = new ArrayList<>();
        dims.add(batchSize > 0 ? Integer.toString(batchSize) : "n");
        for (int d : sampleShape) {
            dims.add(Integer.toString(d));
        }
        return dims.toString();
    }

    /** A shape with symbolic dimensions written by name (or "?"), e.g. {@code [batch, 784]}. */
    private static String shapeText(TensorInfo info) {
        long[] shape = info.getShape();
        String[] names = info.getDimensionNames();
        List<String> dims = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            boolean named = names != null && d < names.length && names[d] != null && !names[d].isEmpty();
            dims.add(shape[d] >= 0 ? Long.toString(shape[d]) : named ? names[d] : "?");
        }
        return dims.toString();
    }

    /** Releases the native session; waits for runs in progress. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession session, Exception primary) {
        try {
            session.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "InferenceSession[input " + inputName + " " + shapeText(inputInfo) + ", outputs " + outputs.keySet()
                + ", device " + device + "]";
    }
}
