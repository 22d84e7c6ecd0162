package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import com.google.protobuf.CodedInputStream;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.io.OutputPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded, validated ONNX model. Deeply immutable: it wraps an immutable protobuf {@link ModelProto}; every
 * "change" (instrumenting, for example) returns a new model. Holds no native resource.
 *
 * <p>Loading checks that the bytes are an ONNX model with a graph, that the IR version is within
 * [{@value #MIN_IR_VERSION}, {@value #MAX_IR_VERSION}] and the default-domain opset within
 * [{@value #MIN_OPSET}, {@value #MAX_OPSET}], that the top-level graph is well formed (every tensor defined once
 * before it is read, no cycle; no cycle in subgraphs and model-local functions either), and that every tensor of the
 * model, wherever it is, has data that fits its type and shape ({@link TensorChecks}; sparse tensors included, see
 * {@link SparseTensors}). Tensors kept in external data files, wherever they are, are read in at load from the
 * model's directory only (see {@link ExternalData}); a model read from bytes or a stream has no directory, and one
 * with external data is refused. Every problem is a {@link ModelFormatException} naming the source.
 *
 * <p>Choice: the supported range is IR 3 (ONNX 1.0; IR 1 and 2 predate the first release) to 13 and opset 1 to 26
 * of the default domain: the IR versions and opsets ONNX Runtime 1.28 accepts (measured; a conformance test keeps
 * the two in step). Whether the runtime has a kernel for every op at that opset is its business (it has none
 * below opset 7, for example). Models using other domains ({@code ai.onnx.ml}, custom ones) load.
 */
public final class OnnxModel {
    public static final long MIN_IR_VERSION = 3;
    public static final long MAX_IR_VERSION = 13;
    public static final long MIN_OPSET = 1;
    public static final long MAX_OPSET = 26;
    static final String BYTES_SOURCE = "<bytes>";
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    private final ModelProto proto;
    private final String source;
    private final GraphIndex index;

    private OnnxModel(ModelProto proto, String source) {
        this.proto = proto;
        this.source = source;
        this.index = validate(proto, source);
    }

    /**
     * Reads and validates the model at {@code path}; external data is resolved relative to the file's directory.
     *
     * @throws IOException           if the file cannot be read
     * @throws ModelFormatException  if it is not a valid, supported ONNX model
     */
    public static OnnxModel load(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        String source = path.toString();
        if (!Files.exists(path)) {
            throw new NoSuchFileException(source, null, "no ONNX model at this path");
        }
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(Kind.IO, source, "is a directory; expected an .onnx model file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelFormatException(
                    Kind.IO, source, "is not a regular file (a device or pipe?); expected an " + ".onnx model file");
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(source, null, "permission denied; expected a readable .onnx model file");
        }
        long size = Files.size(path);
        if (size > ExternalData.PROTOBUF_LIMIT) {
            throw new ModelFormatException(
                    Kind.UNSUPPORTED,
                    source,
                    "the file has " + size + " bytes, over "
                            + "protobuf's 2 GiB limit; save the weights as external data (onnx.save_model(..., "
                            + "save_as_external_data=True)) and load that model instead");
        }
        if (size == 0) {
            throw new ModelFormatException(
                    source, "the model is empty (0 bytes); expected a serialized ONNX " + "ModelProto");
        }
        ModelProto proto = parse(Files.readAllBytes(path), source);
        if (ExternalData.usesExternalData(proto)) {
            Path dir = path.toAbsolutePath().getParent();
            proto = ExternalData.inline(proto, dir, source);
            LOG.debug("{}: external data read from {}", source, dir);
        }
        OnnxModel model = new OnnxModel(proto, source);
        LOG.debug("loaded {}", model);
        return model;
    }

    /**
     * Parses and validates a serialized model. A model with external data cannot be read this way (there is no
     * directory to find its files in): load it with {@link #load(Path)}.
     */
    public static OnnxModel fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return fromParsed(parse(bytes, BYTES_SOURCE), BYTES_SOURCE);
    }

    /**
     * Reads a serialized model from {@code in} (which is read to its end and not closed) and validates it.
     *
     * @param sourceName names the model in error messages (e.g. the resource it came from)
     */
    public static OnnxModel read(InputStream in, String sourceName) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sourceName, "sourceName");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(chunk)) > 0; ) {
            total += n;
            if (total > ExternalData.PROTOBUF_LIMIT) {
                throw new ModelFormatException(
                        Kind.UNSUPPORTED,
                        sourceName,
                        "the stream holds more than "
                                + "protobuf's 2 GiB limit; save the weights as external data and load the model"
                                + " from a file");
            }
            out.write(chunk, 0, n);
        }
        return fromParsed(parse(out.toByteArray(), sourceName), sourceName);
    }

    /** Validates an in-memory model (for example one built with the graph builder or edited by hand). */
    public static OnnxModel fromProto(ModelProto proto) {
        return fromParsed(Objects.requireNonNull(proto, "proto"), "<proto>");
    }

    private static OnnxModel fromParsed(ModelProto proto, String source) {
        ExternalData.refuseWithoutDirectory(proto, source);
        return new OnnxModel(proto, source);
    }

    /**
     * Refuses serialized model bytes in which any tensor, wherever it is, keeps its data in an external file: for
     * whoever hands bytes to a runtime, which would resolve the file's name against its working directory. A model
     * this library loaded and serialized ({@link #toBytes()}) always passes: its external data has been read in.
     *
     * @param source names the bytes in the message
     * @throws ModelFormatException if the bytes are no ONNX model or a tensor names external data
     */
    public static void requireSelfContained(byte[] bytes, String source) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        ExternalData.refuseWithoutDirectory(parse(bytes, source, true), source);
    }

    private static ModelProto parse(byte[] bytes, String source) {
        return parse(bytes, source, false);
    }

    /**
     * @param alias let the parsed tensors share {@code bytes} instead of copying them: only for a parse that does not
     *              outlive the caller's array unchanged
     */
    private static ModelProto parse(byte[] bytes, String source, boolean alias) {
        if (bytes.length == 0) {
            throw new ModelFormatException(
                    source, "the model is empty (0 bytes); expected a serialized ONNX ModelProto");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(alias);
            in.setRecursionLimit(200);
            ModelProto proto = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return proto;
        } catch (IOException e) {
            throw new ModelFormatException(
                    source, "not a readable ONNX model (truncated or not protobuf): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelFormatException(source, "not a readable ONNX model: " + e, e);
        }
    }

    private static GraphIndex validate(ModelProto proto, String source) {
        if (!proto.hasGraph()) {
            throw new ModelFormatException(
                    source, "the model has no graph; expected an ONNX ModelProto " + "(is this an ONNX file?)");
        }
        long ir = proto.getIrVersion();
        if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
            throw new ModelFormatException(
                    ir == 0 ? Kind.INVALID_INPUT : Kind.UNSUPPORTED,
                    source,
                    "IR version " + ir + " is not supported; expected " + MIN_IR_VERSION + " to " + MAX_IR_VERSION
                            + (ir == 0
                                    ? " (a model without ir_version is not an ONNX model)"
                                    : "; convert the model "
                                            + "with onnx.version_converter or export it with a supported opset"));
        }
        boolean hasDefault = false;
        for (OperatorSetIdProto opset : proto.getOpsetImportList()) {
            if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
                hasDefault = true;
                if (opset.getVersion() < MIN_OPSET || opset.getVersion() > MAX_OPSET) {
                    throw new ModelFormatException(
                            Kind.UNSUPPORTED,
                            source,
                            "opset " + opset.getVersion()
                                    + " of the default domain is not supported; expected " + MIN_OPSET + " to "
                                    + MAX_OPSET
                                    + "; convert the model with onnx.version_converter");
                }
            }
        }
        if (!hasDefault && proto.getGraph().getNodeCount() > 0 && proto.getOpsetImportCount() == 0) {
            throw new ModelFormatException(
                    source, "the model imports no opset; expected an opset_import entry " + "for the default domain");
        }
        GraphIndex index = GraphIndex.of(proto.getGraph(), source);
        for (FunctionProto f : proto.getFunctionsList()) {
            GraphIndex.checkAcyclic(f.getNodeList(), "function '" + f.getName() + "': ", source);
        }
        for (int i = 0; i < proto.getTrainingInfoCount(); i++) {
            TrainingInfoProto t = proto.getTrainingInfo(i);
            GraphIndex.checkAcyclic(
                    t.getInitialization().getNodeList(), "training_info " + i + " initialization: ", source);
            GraphIndex.checkAcyclic(t.getAlgorithm().getNodeList(), "training_info " + i + " algorithm: ", source);
        }
        TensorChecks.check(proto, source);
        return index;
    }

    /** The protobuf message, for advanced use; it is immutable. */
    public ModelProto proto() {
        return proto;
    }

    /** Where the model came from: its path, {@code <bytes>}, a stream's name, or {@code <proto>}. */
    public String source() {
        return source;
    }

    GraphIndex index() {
        return index;
    }

    /** A model with the same source name around an edited proto (validated again). */
    OnnxModel withProto(ModelProto edited) {
        return new OnnxModel(edited, source);
    }

    /** The serialized model (all weights inline). */
    public byte[] toBytes() {
        if (proto.getSerializedSize() < 0 || proto.getSerializedSize() > ExternalData.PROTOBUF_LIMIT) {
            throw new ModelFormatException(
                    Kind.UNSUPPORTED, source, "the model is over protobuf's 2 GiB limit and " + "cannot be serialized");
        }
        return proto.toByteArray();
    }

    /**
     * Writes the model to {@code path} atomically: to a temporary file in the same directory, then renamed, so a
     * crash never leaves a partial model under the final name ({@link AtomicFiles}). An existing file is replaced.
     * The file gets the permissions of a normally created file. Missing parent directories are created. An empty
     * path or an existing target that is not a regular file (a device, a FIFO, a directory) is refused before
     * anything is written ({@link OutputPaths#file}).
     */
    public void save(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        Path target = OutputPaths.file(path);
        OutputPaths.directory(target.getParent());
        AtomicFiles.write(target, toBytes());
    }

    /**
     * The names of every intermediate tensor (each output of a top-level node) in topological order: what
     * {@link TensorSelector#all()} selects.
     */
    public List<String> intermediateTensors() {
        return index.topologicalOrder().stream()
                .flatMap(n -> n.getOutputList().stream())
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** What the model contains: inputs, outputs, nodes in topological order, initializers, opsets, producer. */
    public ModelDescription describe() {
        return ModelDescriber.describe(this);
    }

    /**
     * A copy of this model that also outputs the tensors the selectors choose: the "hooks" that let a runtime return
     * inner activations. Nothing the model computes changes: nodes and initializers stay as they are, the original
     * outputs stay first, in order; the added ones follow in topological order, each once (a tensor that already is
     * an output is not added again). Graph inputs and initializers are not intermediate tensors.
     *
     * <p>Choice: an added output takes the type the model declares for it in {@code value_info}; where none is
     * declared it gets no type and the runtime infers it (ONNX Runtime 1.28 does; it rejects an undefined element
     * type, so none is invented). Only the top-level graph is instrumented: tensors inside {@code If}/{@code Loop}/
     * {@code Scan} bodies cannot be selected, the outputs of those nodes can.
     *
     * @throws GraphQueryException if a selector matches nothing (the message lists the closest names)
     */
    public InstrumentedModel instrument(List<TensorSelector> selectors) {
        return new Instrumenter(this).instrument(List.copyOf(selectors));
    }

    /** See {@link #instrument(List)}. */
    public InstrumentedModel instrument(TensorSelector... selectors) {
        return instrument(List.of(selectors));
    }

    /**
     * A constant tensor (an initializer, or the value of a {@code Constant} node) as float32 values with its shape.
     * A sparse initializer or {@code sparse_value} gives its dense form (zeros where it stores no value).
     *
     * <p>Choice: FLOAT, DOUBLE, FLOAT16, BFLOAT16, BOOL and the 8- to 64-bit integer types convert (doubles and
     * integers beyond 2^24 round to the nearest float); strings, complex and 8-/4-bit float types are rejected.
     *
     * @throws GraphQueryException if there is no such constant or its type is not numeric
     */
    public WeightTensor initializer(String name) {
        Objects.requireNonNull(name, "name");
        Optional<TensorProto> tensor = index.initializer(name);
        if (tensor.isPresent()) {
            return TensorDecoder.decode(tensor.get(), source);
        }
        Optional<SparseTensorProto> sparse = index.sparseInitializer(name);
        if (sparse.isPresent()) {
            return SparseTensors.toWeights(sparse.get(), name, source);
        }
        return ConstantValues.weightsOf(
                index.producer(name)
                        .filter(n -> n.getOpType().equals("Constant"))
                        .orElseThrow(() -> new GraphQueryException("no initializer or Constant called '" + name
                                + "' in " + source + "; closest initializers: "
                                + ClosestNames.closest(name, index.initializers(), 5))),
                source);
    }

    /**
     * The dense layer that produces {@code outputTensor}: W as n_out x n_in, b, input and output names (SPEC §3). A
     * {@code Gemm} ({@code transB} 0 or 1), a {@code MatMul} with optional {@code Add}, or a 1x1 {@code Conv} on
     * globally pooled features (also behind the {@code Flatten}, {@code Reshape} or {@code Squeeze} that makes its
     * output [N, K]), with constant weights: initializers, {@code Constant} values or a 2-D {@code Transpose} of
     * either; a MatMul without Add has b = 0. The rules and every refusal are listed in {@code DenseLayerFinder}.
     *
     * <p>Choice: Gemm's {@code alpha} and {@code beta} are applied (W = alpha * B, b = beta * C, rounded to
     * float32) so that W x + b is what the node computes; {@code transA = 1} is rejected; a bias must hold one
     * value per output or a single value (broadcast).
     *
     * @throws GraphQueryException if the tensor is not produced by such a layer (the message says why)
     */
    public DenseLayer denseLayer(String outputTensor) {
        return new DenseLayerFinder(this).denseLayer(Objects.requireNonNull(outputTensor, "outputTensor"));
    }

    /**
     * The dense layer {@code head} reading the feature tensor {@code features}: "features = tensor X, head = Y".
     * {@code head} names the tensor the layer computes or the node computing it (a named 1x1 Conv head gives the
     * Flatten/Reshape/Squeeze output after it). The layer must read {@code features} directly or through
     * {@code Identity}, {@code Flatten} (axis 1), {@code Reshape} (first entry 0, or the others' product n_in) and
     * {@code Squeeze} (positive axes), which keep each sample's values in order; the result's
     * {@link DenseLayer#inputName()} is {@code features}, read flattened per sample.
     *
     * @param features the feature tensor, or null to accept whatever the layer reads
     * @throws GraphQueryException if {@code head} is no dense layer or does not read {@code features} that way
     */
    public DenseLayer denseLayer(String head, String features) {
        return new DenseLayerFinder(this).denseLayer(Objects.requireNonNull(head, "head"), features);
    }

    /**
     * The dense layer that computes the logits: found by walking back from the first graph output through
     * {@code Softmax}, {@code LogSoftmax}, {@code Sigmoid}, {@code Identity}, {@code Dropout}, {@code Flatten},
     * {@code Reshape} and {@code Squeeze} (SPEC §5: W, b).
     *
     * @throws GraphQueryException if no dense layer feeds the first output that way
     */
    public DenseLayer lastDenseLayer() {
        return new DenseLayerFinder(this).lastDenseLayer(null);
    }

    /**
     * Like {@link #lastDenseLayer()}, walking back from the named graph output (for models whose first output is
     * not the logits, e.g. a label).
     *
     * @throws GraphQueryException if the name is not a graph output or no dense layer feeds it
     */
    public DenseLayer lastDenseLayer(String graphOutput) {
        return new DenseLayerFinder(this).lastDenseLayer(Objects.requireNonNull(graphOutput, "graphOutput"));
    }

    /**
     * The logits, features and dense head the SPEC §5 detectors read, each named by the user or found (every
     * argument may be null). Rules, in order:
     * <ul>
     * <li>head: {@code head} if named ({@link #denseLayer(String, String)} with the named features; a mismatch is
     *     refused); else the dense layer found by walking back from the named logits, else from each graph output in
     *     order (the first that reaches one, as {@link #lastDenseLayer(String)}); with named features it must read
     *     them through reshapes, else there is no head (the reason is kept). A head reading a graph input leaves no
     *     hidden features: no head and no features;</li>
     * <li>logits: {@code logitsOutput} if named; else the head's output (the values before a final Softmax,
     *     LogSoftmax or Sigmoid); else the only graph output that can hold logits (floating point, rank 1 or 2 or
     *     undeclared); else refused, listing the candidates;</li>
     * <li>features: {@code features} if named (a tensor a node computes); else the head's input.</li>
     * </ul>
     * Choice: several outputs reaching a dense layer (e.g. an exposed hidden pre-activation) are resolved by output
     * order, the first wins, as {@link #lastDenseLayer()} always did.
     *
     * @throws GraphQueryException for a name that does not exist, a named head that is no dense layer or does not
     *                             read the named features, or logits that cannot be chosen
     */
    public ClassifierTensors classifierTensors(String logitsOutput, String features, String head) {
        return new ClassifierTensorsFinder(this).find(logitsOutput, features, head);
    }

    /** The penultimate features h of SPEC §5: the tensor the last dense layer reads. */
    public String penultimateFeatures() {
        return lastDenseLayer().inputName();
    }

    @Override
    public String toString() {
        return "OnnxModel[" + source + ", ir " + proto.getIrVersion() + ", "
                + proto.getGraph().getNodeCount() + " nodes]";
    }
}
