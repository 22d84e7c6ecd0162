package dev.onnxinspect.runtime;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.ModelFormatException;
import dev.onnxinspect.onnx.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * (idempotent; it waits for runs in progress). {@link #run} and {@link #runTensors} copy every requested output into
 * Java arrays and close the native values before they return, so their results need no closing.
 *
 * <p>Threads: {@link #run} may be called from many threads at once (ONNX Runtime sessions are thread-safe); ONNX
 * Runtime parallelises inside a run with its own intra-op threads ({@link SessionConfig#intraOpThreads()}).
 *
 * <p>Inputs: any number of tensor inputs ({@link #inputs()}), of the element types {@link InputTensor} holds
 * (float32, float64, float16, int8, uint8, int16, int32, int64, bool), with fixed or symbolic dimensions (batch,
 * sequence length, image size). A batch feeds each model input from its tensor of that name; a single unnamed
 * tensor feeds a single-input model. A tensor of another type is converted when no value changes, else refused
 * ({@link InputConversion}). Refused when the model is opened, in one line naming the feature: sequence and map
 * inputs, inputs of another element type (string, bfloat16, uint16/32/64, float8, ...); ONNX Runtime's Java API
 * itself cannot open models with optional-type inputs or outputs.
 *
 * <p>Outputs: {@link #run} gives float32 {@link LayerActivations} of any output whose first dimension is the batch
 * (SPEC preamble: activations are float32 as the runtime gives them; other numeric types are converted by
 * {@link TypedTensor#toFloats()}'s rule); {@link #runTensors} gives exact typed copies of any tensor output.
 */
public final class InferenceSession implements AutoCloseable {
    /** The element types onnx-inspect feeds, in a fixed order for messages. */
    private static final String FEEDABLE = "FLOAT, DOUBLE, FLOAT16, INT8, UINT8, INT16, INT32, INT64 and BOOL tensors";

    private final OrtSession session;
    private final Device device;
    private final String deviceReason;
    private final InputFeeds feeds;
    private final Map<String, TensorInfo> outputs;
    /** Outputs that are not tensors (sequences, maps), with what they are, for messages. */
    private final Map<String, String> otherOutputs;
    /** Outputs ONNX Runtime hands over in its blocked channel layout, with their block ({@link ChannelBlocks}). */
    private final Map<String, Integer> channelBlocks;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private InferenceSession(SessionFactory.Created created, String what) {
        this.session = created.session();
        this.device = created.device();
        this.deviceReason = created.reason();
        this.channelBlocks = Map.copyOf(created.channelBlocks());
        try {
            List<ModelInput> inputs = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                inputs.add(modelInput(what, e.getKey(), e.getValue().getInfo()));
            }
            this.feeds = new InputFeeds(inputs);
            Map<String, TensorInfo> outs = new LinkedHashMap<>();
            Map<String, String> others = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo) {
                    outs.put(e.getKey(), (TensorInfo) e.getValue().getInfo());
                } else {
                    others.put(e.getKey(), String.valueOf(e.getValue().getInfo()));
                }
            }
            this.outputs = Collections.unmodifiableMap(outs);
            this.otherOutputs = Collections.unmodifiableMap(others);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, e);
            if (e instanceof InferenceException inferenceException) {
                throw inferenceException;
            }
            if (String.valueOf(e.getMessage()).contains("Invalid ONNXType")) {
                // ONNX Runtime's Java API has no type for optional values, so it cannot describe such inputs/outputs
                throw new InferenceException(
                        Kind.UNSUPPORTED,
                        what + " has an input or output of optional type,"
                                + " which ONNX Runtime's Java API cannot describe (optional inputs and outputs are not"
                                + " supported); make them plain tensors in the model",
                        e);
            }
            throw new InferenceException(
                    Kind.of(e), "cannot read the inputs and outputs of " + what + ": " + e.getMessage(), e);
        }
    }

    /** A model input as onnx-inspect feeds it, or a one-line refusal naming the unsupported feature. */
    private static ModelInput modelInput(String what, String name, ValueInfo info) {
        if (info instanceof SequenceInfo) {
            throw new InferenceException(
                    Kind.UNSUPPORTED,
                    what + ": input " + name + " is a sequence (" + info + "); onnx-inspect feeds"
                            + " tensor inputs only (sequence inputs are not supported)");
        }
        if (info instanceof MapInfo) {
            throw new InferenceException(
                    Kind.UNSUPPORTED,
                    what + ": input " + name + " is a map (" + info + "); onnx-inspect feeds"
                            + " tensor inputs only (map inputs are not supported)");
        }
        if (!(info instanceof TensorInfo tensor)) {
            throw new InferenceException(
                    Kind.UNSUPPORTED,
                    what + ": input " + name + " is a " + info
                            + ", not a tensor; onnx-inspect feeds tensor inputs only");
        }
        ElementType type = OutputReader.elementType(tensor);
        if (!InputTensor.SUPPORTED.contains(type)) {
            throw new InferenceException(
                    Kind.UNSUPPORTED,
                    what + ": input " + name + " is a " + type + " tensor, which onnx-inspect"
                            + " cannot feed (" + (type == ElementType.STRING ? "string tensors are" : type + " is")
                            + " not supported); it feeds " + FEEDABLE);
        }
        long[] shape = tensor.getShape();
        String[] names = tensor.getDimensionNames();
        List<String> dimNames = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            String n = names != null && d < names.length && names[d] != null ? names[d] : "";
            dimNames.add(shape[d] >= 0 ? "" : n);
        }
        return new ModelInput(name, type, shape, dimNames);
    }

    /** Opens a model file with {@link SessionConfig#defaults()} (CPU). */
    public static InferenceSession open(Path modelFile) {
        return open(modelFile, SessionConfig.defaults());
    }

    /**
     * Opens a model file.
     *
     * @throws InferenceException when the file is missing, ONNX Runtime rejects the model, an input is not a
     *                            tensor onnx-inspect can feed (see the class Javadoc), or {@link Device#CUDA} was
     *                            requested and cannot be loaded
     */
    public static InferenceSession open(Path modelFile, SessionConfig config) {
        if (!Files.isRegularFile(modelFile)) {
            throw new InferenceException(
                    Kind.IO, "model file " + modelFile + " does not exist or is not a regular" + " file");
        }
        String what = "model " + modelFile;
        return new InferenceSession(
                SessionFactory.create(
                        new SessionFactory.ModelSource() {
                            @Override
                            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options)
                                    throws OrtException {
                                return env.createSession(modelFile.toString(), options);
                            }

                            @Override
                            public String describe() {
                                return what;
                            }
                        },
                        config),
                what);
    }

    /**
     * Opens a serialised ONNX model ({@code ModelProto} bytes); see {@link #open(Path, SessionConfig)}.
     *
     * <p>Bytes in which any tensor keeps its data in an external file are refused before ONNX Runtime sees them: given
     * bytes, it would look for that file relative to the process's working directory. Load such a model with
     * {@link OnnxModel#load(Path)}, which reads the data from the model's own directory, and open its
     * {@link OnnxModel#toBytes()}.
     *
     * @throws InferenceException as {@link #open(Path, SessionConfig)}, and for bytes that are no ONNX model or that
     *                            name external data
     */
    public static InferenceSession open(byte[] model, SessionConfig config) {
        byte[] copy = model.clone();
        String what = "in-memory model (" + copy.length + " bytes)";
        try {
            OnnxModel.requireSelfContained(copy, what);
        } catch (ModelFormatException e) {
            throw new InferenceException(e.kind(), e.getMessage(), e);
        }
        return new InferenceSession(
                SessionFactory.create(
                        new SessionFactory.ModelSource() {
                            @Override
                            public OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options)
                                    throws OrtException {
                                return env.createSession(copy, options);
                            }

                            @Override
                            public String describe() {
                                return what;
                            }
                        },
                        config),
                what);
    }

    /**
     * The outputs this session hands over in ONNX Runtime's blocked channel layout, with their channel block
     * ({@link SessionConfig#blockedChannels()}, {@link ChannelBlocks}); empty unless asked for and possible. Every
     * {@link LayerActivations} and {@link TypedTensor} this session returns still reads in NCHW order.
     */
    public Map<String, Integer> channelBlocks() {
        return channelBlocks;
    }

    /** The device the model runs on: {@link Device#CPU} or {@link Device#CUDA}, never AUTO. */
    public Device device() {
        return device;
    }

    /** Why {@link #device()} was chosen, e.g. the reason AUTO fell back to CPU. */
    public String deviceReason() {
        return deviceReason;
    }

    /**
     * The model's tensor inputs in model order: name, element type, shape (-1 for symbolic dimensions) and the
     * symbolic dimensions' names.
     */
    public List<ModelInput> inputs() {
        return feeds.inputs();
    }

    /**
     * The name of the model's only input.
     *
     * @throws InferenceException for a model of several inputs (or none): use {@link #inputs()}
     */
    public String inputName() {
        return onlyInput("inputName()").name();
    }

    /**
     * The shape of the model's only input, including the batch dimension; -1 marks a symbolic (free) dimension.
     *
     * @throws InferenceException for a model of several inputs (or none): use {@link #inputs()}
     */
    public long[] inputShape() {
        return onlyInput("inputShape()").shape();
    }

    private ModelInput onlyInput(String method) {
        List<ModelInput> inputs = feeds.inputs();
        if (inputs.size() != 1) {
            throw new InferenceException("the model has " + inputs.size() + " inputs " + feeds.inputsText() + "; "
                    + method + " is for single-input models: use inputs()");
        }
        return inputs.get(0);
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
     * The values per sample of an output (the product of its dimensions after the batch dimension), or -1 when one of
     * them is symbolic or the product exceeds {@code Integer.MAX_VALUE}.
     */
    public int outputWidth(String outputName) {
        long[] shape = outputShape(outputName);
        long d = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            d *= shape[i];
            if (d > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) d;
    }

    /** An output's exact element type (e.g. UINT32, which ONNX Runtime's Java type calls INT32). */
    public ElementType outputType(String outputName) {
        return OutputReader.elementType(outputInfo(outputName));
    }

    /**
     * Checks that samples of the given shape, float32, fit the model's only input: rank = 1 + sample rank, every
     * fixed dimension after the batch dimension equal (symbolic dimensions accept any size), and float32 accepted
     * ({@link InputConversion}).
     *
     * @throws InferenceException naming the expected and the received shape, or the inputs left unfed for a model
     *                            of several inputs
     */
    public void checkInput(int[] sampleShape) {
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new InferenceException("sample shape " + Arrays.toString(sampleShape) + " has a dimension <= 0;"
                        + " every dimension of a sample is positive");
            }
        }
        checkInputs(List.of(InputSpec.floats(sampleShape)));
    }

    /**
     * Checks a data source's inputs ({@link dev.onnxinspect.data.DataSource#inputs()}) against the model before any
     * work: every model input fed exactly once by name (an unnamed spec only for a single-input model), no spec
     * naming an input the model lacks, each element type equal or {@link InputConversion#isLossless losslessly}
     * convertible, the rank right and every dimension fixed in both equal. Variable dimensions (-1) and the batch
     * size are checked on each batch.
     *
     * @throws InferenceException in one line naming the input, what the model expects, what the data gives and the fix
     */
    public void checkInputs(List<InputSpec> specs) {
        feeds.check(specs);
    }

    /**
     * Runs the model on a batch and returns the requested outputs as activations, in the order requested. Each
     * output's first dimension must be the batch; a rank-1 output [N] gives each sample one value (unit shape []).
     * Outputs of a type other than float32 are converted by {@link TypedTensor#toFloats()}'s rule.
     *
     * @param outputNames output tensor names (graph outputs; duplicates are ignored), at least one
     * @return an unmodifiable map from output name to its activations; nothing in it needs closing
     * @throws InferenceException when the batch does not fit the inputs (see {@link #checkInputs}), an output name
     *                            is unknown, an output is a scalar, holds strings or lacks the batch dimension, or
     *                            ONNX Runtime fails
     */
    public Map<String, LayerActivations> run(Batch batch, List<String> outputNames) {
        Set<String> requested = requested(outputNames);
        lock.readLock().lock();
        try (InputFeeds.Fed fed = feeds.create(OrtEnvironment.getEnvironment(), batch)) {
            checkOpen();
            try (OrtSession.Result result = session.run(fed.tensors(), requested)) {
                Map<String, LayerActivations> activations = new LinkedHashMap<>();
                for (String name : requested) {
                    LayerActivations acts =
                            OutputReader.activations(name, result.get(name).orElseThrow(), batch.size());
                    Integer block = channelBlocks.get(name);
                    activations.put(name, block == null ? acts : ChannelBlocks.unblock(acts, block));
                }
                return Collections.unmodifiableMap(activations);
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run the model on " + describe(batch) + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs the model on a batch and returns exact typed copies of the requested outputs (any rank, any element
     * type ONNX Runtime Java reads, strings included), in the order requested; e.g. to compare outputs exactly or
     * to read integer outputs without rounding.
     *
     * @param outputNames output tensor names (graph outputs; duplicates are ignored), at least one
     * @return an unmodifiable map from output name to its values; nothing in it needs closing
     * @throws InferenceException when the batch does not fit the inputs, an output name is unknown or its type
     *                            cannot be read, or ONNX Runtime fails
     */
    public Map<String, TypedTensor> runTensors(Batch batch, List<String> outputNames) {
        Set<String> requested = requested(outputNames);
        lock.readLock().lock();
        try (InputFeeds.Fed fed = feeds.create(OrtEnvironment.getEnvironment(), batch)) {
            return runTensors(fed, requested);
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run the model on " + describe(batch) + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * As {@link #runTensors(Batch, List)} for inputs that are not batches of samples: tensors of any rank (scalars
     * included) and any shapes the model accepts, each fed to the model input of its name (a single unnamed tensor
     * to a single-input model); e.g. an operator's operands that broadcast. Types, ranks and fixed dimensions are
     * checked and converted as for a batch, except that the first dimension is not a batch size.
     */
    public Map<String, TypedTensor> runTensors(List<TypedTensor> inputs, List<String> outputNames) {
        Set<String> requested = requested(outputNames);
        lock.readLock().lock();
        try (InputFeeds.Fed fed = feeds.create(OrtEnvironment.getEnvironment(), inputs)) {
            return runTensors(fed, requested);
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run the model on the tensors " + inputs + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Map<String, TypedTensor> runTensors(InputFeeds.Fed fed, Set<String> requested) throws OrtException {
        checkOpen();
        try (OrtSession.Result result = session.run(fed.tensors(), requested)) {
            Map<String, TypedTensor> values = new LinkedHashMap<>();
            for (String name : requested) {
                TypedTensor tensor = OutputReader.typed(name, result.get(name).orElseThrow());
                Integer block = channelBlocks.get(name);
                values.put(name, block == null ? tensor : ChannelBlocks.unblock(tensor, block));
            }
            return Collections.unmodifiableMap(values);
        }
    }

    /**
     * Reusable native buffers for the given outputs and batches of up to {@code capacity} samples, or empty when
     * an output cannot be written into a buffer made in advance: its type is not float32, its rank is not declared,
     * or a dimension after the batch dimension is not fixed in the model (a symbolic dimension, e.g. a free image
     * size or sequence length). Use {@link #run(Batch, List)} then.
     *
     * @param outputNames output tensor names (graph outputs; duplicates are ignored), at least one
     * @throws InferenceException when an output name is unknown or no output is named
     */
    public Optional<OutputBuffers> outputBuffers(List<String> outputNames, int capacity) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : requested(outputNames)) {
            TensorInfo info = outputs.get(name);
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
     *                            hold or does not fit the inputs, or ONNX Runtime fails (e.g. an output's actual
     *                            shape differs from the shape the model declares; {@link #run(Batch, List)} then
     *                            still works)
     */
    public Map<String, LayerActivations> run(Batch batch, OutputBuffers into) {
        if (batch.size() > into.capacity()) {
            throw new InferenceException("a batch of " + batch.size() + " samples does not fit output buffers made"
                    + " for " + into.capacity() + "; make them for the largest batch");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (InputFeeds.Fed fed = feeds.create(env, batch)) {
            return run(batch, fed, into, env);
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed to run the model on " + describe(batch) + " into reused output buffers: "
                            + e.getMessage(),
                    e);
        }
    }

    @SuppressWarnings("try") // the run's Result is opened only to be closed: the outputs live in the buffers
    private Map<String, LayerActivations> run(Batch batch, InputFeeds.Fed fed, OutputBuffers into, OrtEnvironment env)
            throws OrtException {
        if (!into.claim()) {
            throw new InferenceException("the output buffers still hold a batch or are being filled; release() them"
                    + " before the next run, and give every thread its own buffers");
        }
        boolean handedOut = false;
        lock.readLock().lock();
        List<OnnxTensor> pinned = new ArrayList<>();
        try {
            checkOpen();
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
                activations.put(
                        slot.name(),
                        LayerActivations.ofBuffer(
                                slot.name(),
                                memory,
                                batch.size(),
                                slot.unitShape(),
                                channelBlocks.getOrDefault(slot.name(), 0)));
            }
            try (OrtSession.Result result = session.run(fed.tensors(), Set.of(), targets)) {
                into.fill(List.copyOf(activations.values()));
                handedOut = true;
                return Collections.unmodifiableMap(activations);
            }
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

    private Set<String> requested(List<String> outputNames) {
        Set<String> requested = new LinkedHashSet<>(outputNames);
        if (requested.isEmpty()) {
            throw new InferenceException("no output requested; expected one or more of " + outputs.keySet());
        }
        for (String name : requested) {
            outputInfo(name);
        }
        return requested;
    }

    private void checkOpen() {
        if (closed) {
            throw new InferenceException("the inference session is closed");
        }
    }

    private TensorInfo outputInfo(String name) {
        TensorInfo info = outputs.get(name);
        if (info == null) {
            if (otherOutputs.containsKey(name)) {
                throw new InferenceException("output " + name + " is not a tensor but " + otherOutputs.get(name)
                        + "; onnx-inspect reads tensor outputs only, e.g. " + outputs.keySet());
            }
            throw new InferenceException("Unknown output name " + name + ", expected one of " + outputs.keySet()
                    + " (an inner layer must first be made a graph output, e.g. by instrumenting the model)");
        }
        return info;
    }

    /** E.g. "a batch of 3 samples [x FLOAT [3, 2]]". */
    private static String describe(Batch batch) {
        List<String> tensors = new ArrayList<>();
        for (InputTensor t : batch.inputs()) {
            tensors.add((t.name() == null ? "" : t.name() + " ") + t.type() + " " + Arrays.toString(t.shape()));
        }
        return "a batch of " + batch.size() + " samples " + tensors;
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
            throw new InferenceException(
                    Kind.INTERNAL, "ONNX Runtime failed to close the session: " + e.getMessage(), e);
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
        return "InferenceSession[inputs " + feeds.inputsText() + ", outputs " + outputs.keySet() + ", device " + device
                + "]";
    }
}
