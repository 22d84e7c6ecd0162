package dev.onnxinspect.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds an ONNX model node by node, for exporters. Each op method takes the name of the tensor it produces
 * (chosen by the caller, readable and stable, e.g. {@code "block2/relu"}) and the names of its inputs, checks the
 * arity, input types and attributes at once (a {@link GraphBuildException} names the op, the tensor and the
 * problem), and returns the output name so calls can be chained. The node gets the same name as its output.
 * Inputs must be defined before they are used, so the nodes are in topological order by construction.
 *
 * <p>Lifecycle: mutable and not thread-safe; {@link #build()} may be called more than once and each model is
 * independent of later changes to the builder.
 *
 * <p>Choice: opsets 13 to 21 are supported (default 17); the IR version defaults to the lowest one that allows the
 * opset (IR 8 for opset 17). Gelu is always emitted as its exact decomposition
 * {@code 0.5 * x * (1 + Erf(x / sqrt(2)))} (Div, Erf, Add, Mul, Mul), not as the opset-20 {@code Gelu} op, so
 * every runtime with opset 13 or later runs it.
 */
public final class GraphBuilder {
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;
    public static final int DEFAULT_OPSET = 17;
    private static final Set<ElementType> FLOATING =
            Set.of(ElementType.FLOAT, ElementType.DOUBLE, ElementType.FLOAT16, ElementType.BFLOAT16);

    private final String graphName;
    private final TensorTable tensors = new TensorTable();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int opset = DEFAULT_OPSET;
    private long irVersion = -1;
    private String producerName = "onnx-inspect";
    private String producerVersion = "";

    private GraphBuilder(String graphName) {
        this.graphName = graphName;
    }

    /** Starts a graph called {@code graphName}. */
    public static GraphBuilder create(String graphName) {
        if (graphName == null || graphName.isBlank()) {
            throw new GraphBuildException("the graph needs a non-blank name");
        }
        return new GraphBuilder(graphName);
    }

    // ---------------------------------------------------------------- model properties

    /** The default-domain opset, {@value #MIN_OPSET} to {@value #MAX_OPSET} (default {@value #DEFAULT_OPSET}). */
    public GraphBuilder opset(int version) {
        if (version < MIN_OPSET || version > MAX_OPSET) {
            throw new GraphBuildException(
                    Kind.UNSUPPORTED,
                    "opset " + version + " is not supported by the graph " + "builder; expected " + MIN_OPSET + " to "
                            + MAX_OPSET);
        }
        this.opset = version;
        return this;
    }

    /** The IR version; must be at least the one the opset needs (see {@link #minIrVersion(int)}). */
    public GraphBuilder irVersion(long version) {
        this.irVersion = version;
        return this;
    }

    public GraphBuilder producer(String name, String version) {
        this.producerName = Objects.requireNonNull(name, "name");
        this.producerVersion = Objects.requireNonNull(version, "version");
        return this;
    }

    /** A {@code metadata_props} entry; a key may be set once. */
    public GraphBuilder metadata(String key, String value) {
        Objects.requireNonNull(value, "value");
        if (key == null || key.isBlank()) {
            throw new GraphBuildException("metadata: the key must be non-blank");
        }
        if (metadata.putIfAbsent(key, value) != null) {
            throw new GraphBuildException("metadata: key '" + key + "' is already set");
        }
        return this;
    }

    /** The lowest IR version that allows the opset (opset 13-14: 7, 15-18: 8, 19-20: 9, 21: 10). */
    public static long minIrVersion(int opset) {
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    // ---------------------------------------------------------------- graph inputs, outputs, constants

    /** A float graph input, e.g. {@code input("image", TensorShape.batched("N", 1, 28, 28))}. */
    public String input(String name, TensorShape shape) {
        return input(name, ElementType.FLOAT, shape);
    }

    /** A graph input of the given element type and shape (symbolic dimensions allowed). */
    public String input(String name, ElementType type, TensorShape shape) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        tensors.define("input", name, type);
        inputs.add(valueInfo(name, type, shape));
        return name;
    }

    /** Marks a defined tensor as a graph output, with its element type and no declared shape. */
    public GraphBuilder output(String name) {
        return output(name, TensorShape.unknownRank());
    }

    /** Marks a defined tensor as a graph output with a known shape. */
    public GraphBuilder output(String name, TensorShape shape) {
        Objects.requireNonNull(shape, "shape");
        ElementType type = tensors.typeOf("output", name, name);
        if (outputs.stream().anyMatch(o -> o.getName().equals(name))) {
            throw new GraphBuildException("output '" + name + "' is already a graph output");
        }
        outputs.add(valueInfo(name, type, shape));
        return this;
    }

    /**
     * A float initializer (a weight) of the given shape, row-major; {@code data.length} must be the product of
     * the shape (1 for a scalar with no dimensions). The array is copied.
     */
    public String addInitializer(String name, float[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        requireElementCount("initializer", name, data.length, shape);
        tensors.define("initializer", name, ElementType.FLOAT);
        tensors.defineShape(name, shape);
        initializers.add(floatTensor(name, data, shape));
        return name;
    }

    /** An int64 initializer (shapes, indices) of the given shape. The array is copied. */
    public String addInt64Initializer(String name, long[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        requireElementCount("initializer", name, data.length, shape);
        tensors.define("initializer", name, ElementType.INT64);
        tensors.defineShape(name, shape);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.code());
        for (long d : shape) {
            t.addDims(d);
        }
        for (long v : data) {
            t.addInt64Data(v);
        }
        initializers.add(t.build());
        return name;
    }

    /** A {@code Constant} node producing a float tensor (use {@link #addInitializer} for weights). */
    public String constant(String output, float[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        requireElementCount("Constant", output, data.length, shape);
        String name = node(
                "Constant",
                output,
                ElementType.FLOAT,
                List.of(),
                List.of(Attributes.ofTensor("value", floatTensor(output, data, shape))));
        tensors.defineShape(output, shape);
        return name;
    }

    // ---------------------------------------------------------------- dense layers and arithmetic

    /** {@code Gemm}: {@code Y = A * B + C} (or {@code A * B^T + C} with {@code transB}); alpha = beta = 1. */
    public String gemm(String output, String a, String b, String c, boolean transB) {
        Objects.requireNonNull(c, "c (use gemm without c for no bias)");
        ElementType t = sameType("Gemm", output, a, b, c);
        requireFloating("Gemm", output, a, t);
        long[] w = checkRank("Gemm", output, b, 2, "B");
        long[] bias = tensors.knownShape(c).orElse(null);
        if (w != null && bias != null) {
            long n = transB ? w[0] : w[1];
            long last = bias.length == 0 ? 1 : bias[bias.length - 1];
            if (bias.length > 2 || (last != n && last != 1)) {
                throw new GraphBuildException("Gemm '" + output + "': bias '" + c + "' has shape "
                        + Arrays.toString(bias) + " but B '" + b + "' (" + Arrays.toString(w) + ", transB=" + transB
                        + ") gives " + n + " outputs; expected shape [" + n + "] or [1, " + n + "]");
            }
        }
        return node("Gemm", output, t, List.of(a, b, c), transB ? List.of(Attributes.ofInt("transB", 1)) : List.of());
    }

    /** {@code Gemm} without a bias. */
    public String gemm(String output, String a, String b, boolean transB) {
        ElementType t = sameType("Gemm", output, a, b);
        requireFloating("Gemm", output, a, t);
        checkRank("Gemm", output, b, 2, "B");
        return node("Gemm", output, t, List.of(a, b), transB ? List.of(Attributes.ofInt("transB", 1)) : List.of());
    }

    public String matMul(String output, String a, String b) {
        return binary("MatMul", output, a, b);
    }

    public String add(String output, String a, String b) {
        return binary("Add", output, a, b);
    }

    public String sub(String output, String a, String b) {
        return binary("Sub", output, a, b);
    }

    public String mul(String output, String a, String b) {
        return binary("Mul", output, a, b);
    }

    public String div(String output, String a, String b) {
        return binary("Div", output, a, b);
    }

    // ---------------------------------------------------------------- activations and elementwise functions

    public String relu(String output, String x) {
        return floatUnary("Relu", output, x, List.of());
    }

    /** {@code Elu}: x for x >= 0, alpha * (exp(x) - 1) otherwise; alpha must be finite. */
    public String elu(String output, String x, float alpha) {
        if (!Float.isFinite(alpha)) {
            throw new GraphBuildException("Elu '" + output + "': alpha must be finite, got " + alpha);
        }
        return floatUnary("Elu", output, x, List.of(Attributes.ofFloat("alpha", alpha)));
    }

    /**
     * Exact Gelu as {@code 0.5 * x * (1 + Erf(x / sqrt(2)))}. Besides {@code output} it defines the tensors
     * {@code output + "/sqrt2"}, {@code "/one"}, {@code "/half"} (scalar initializers) and {@code "/div"},
     * {@code "/erf"}, {@code "/add"}, {@code "/mul"} (intermediate nodes).
     */
    public String gelu(String output, String x) {
        ElementType t = tensors.typeOf("Gelu", output, x);
        if (t != ElementType.FLOAT) {
            throw new GraphBuildException("Gelu '" + output + "': input '" + x + "' is " + t + "; expected FLOAT");
        }
        String sqrt2 = addInitializer(output + "/sqrt2", new float[] {(float) Math.sqrt(2.0)});
        String one = addInitializer(output + "/one", new float[] {1f});
        String half = addInitializer(output + "/half", new float[] {0.5f});
        String scaled = div(output + "/div", x, sqrt2);
        String erf = floatUnary("Erf", output + "/erf", scaled, List.of());
        String shifted = add(output + "/add", erf, one);
        String product = mul(output + "/mul", x, shifted);
        return mul(output, product, half);
    }

    public String sigmoid(String output, String x) {
        return floatUnary("Sigmoid", output, x, List.of());
    }

    public String tanh(String output, String x) {
        return floatUnary("Tanh", output, x, List.of());
    }

    public String exp(String output, String x) {
        return floatUnary("Exp", output, x, List.of());
    }

    public String identity(String output, String x) {
        ElementType t = tensors.typeOf("Identity", output, x);
        return node("Identity", output, t, List.of(x), List.of());
    }

    /** {@code Softmax} along {@code axis} (opset 13 semantics: one axis, negative counts from the end). */
    public String softmax(String output, String x, long axis) {
        return floatUnary("Softmax", output, x, List.of(Attributes.ofInt("axis", axis)));
    }

    // ---------------------------------------------------------------- convolution, pooling, normalisation

    /** {@code Conv} without a bias; see {@link #conv(String, String, String, String, ConvOptions)}. */
    public String conv(String output, String x, String w, ConvOptions options) {
        return convolution(output, x, w, null, options);
    }

    /**
     * {@code Conv} of {@code x} (N x C x spatial...) with weights {@code w} (M x C/group x kernel...) and bias
     * {@code b} (M). When {@code w} and {@code b} are initializers their shapes are checked against the options.
     */
    public String conv(String output, String x, String w, String b, ConvOptions options) {
        return convolution(output, x, w, Objects.requireNonNull(b, "b (use conv without b for no bias)"), options);
    }

    private String convolution(String output, String x, String w, String b, ConvOptions options) {
        Objects.requireNonNull(options, "options");
        ElementType t = b == null ? sameType("Conv", output, x, w) : sameType("Conv", output, x, w, b);
        requireFloating("Conv", output, x, t);
        int k = options.kernelShape().size();
        long[] ws = checkRank("Conv", output, w, k + 2, "W");
        if (ws != null) {
            for (int i = 0; i < k; i++) {
                if (ws[2 + i] != options.kernelShape().get(i)) {
                    throw new GraphBuildException("Conv '" + output + "': W '" + w + "' has shape "
                            + Arrays.toString(ws) + " but kernel_shape is " + options.kernelShape()
                            + "; the trailing dimensions of W must equal the kernel");
                }
            }
            if (ws[0] % options.group() != 0) {
                throw new GraphBuildException("Conv '" + output + "': " + ws[0] + " output channels cannot be split "
                        + "into " + options.group() + " groups; expected a multiple of group");
            }
            long[] bs = b == null ? null : tensors.knownShape(b).orElse(null);
            if (bs != null && (bs.length != 1 || bs[0] != ws[0])) {
                throw new GraphBuildException("Conv '" + output + "': bias '" + b + "' has shape " + Arrays.toString(bs)
                        + "; expected [" + ws[0] + "] (one per output channel)");
            }
        }
        List<AttributeProto> attributes = List.of(
                Attributes.ofInts("kernel_shape", options.kernelShape()),
                Attributes.ofInts("strides", options.strides()),
                Attributes.ofInts("pads", options.pads()),
                Attributes.ofInts("dilations", options.dilations()),
                Attributes.ofInt("group", options.group()));
        return node("Conv", output, t, b == null ? List.of(x, w) : List.of(x, w, b), attributes);
    }

    public String maxPool(String output, String x, PoolOptions options) {
        return pool("MaxPool", output, x, options, List.of());
    }

    public String averagePool(String output, String x, PoolOptions options) {
        return pool(
                "AveragePool",
                output,
                x,
                options,
                List.of(Attributes.ofInt("count_include_pad", options.countIncludePad() ? 1 : 0)));
    }

    public String globalAveragePool(String output, String x) {
        return floatUnary("GlobalAveragePool", output, x, List.of());
    }

    public String globalMaxPool(String output, String x) {
        return floatUnary("GlobalMaxPool", output, x, List.of());
    }

    /**
     * Inference-mode {@code BatchNormalization}: {@code (x - mean) / sqrt(var + epsilon) * scale + bias} per
     * channel; one output. {@code epsilon} must be positive and finite.
     */
    public String batchNormalization(
            String output, String x, String scale, String bias, String mean, String variance, float epsilon) {
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new GraphBuildException(
                    "BatchNormalization '" + output + "': epsilon must be positive and finite, " + "got " + epsilon);
        }
        ElementType t = sameType("BatchNormalization", output, x, scale, bias, mean, variance);
        requireFloating("BatchNormalization", output, x, t);
        long[] reference = null;
        for (String p : List.of(scale, bias, mean, variance)) {
            long[] s = tensors.knownShape(p).orElse(null);
            if (s == null) {
                continue;
            }
            if (s.length != 1 || (reference != null && reference[0] != s[0])) {
                throw new GraphBuildException("BatchNormalization '" + output + "': parameter '" + p + "' has shape "
                        + Arrays.toString(s) + "; scale, bias, mean and variance must all be [C]"
                        + (reference == null ? "" : " with C = " + reference[0]));
            }
            reference = s;
        }
        return node(
                "BatchNormalization",
                output,
                t,
                List.of(x, scale, bias, mean, variance),
                List.of(Attributes.ofFloat("epsilon", epsilon)));
    }

    // ---------------------------------------------------------------- shape ops

    /** {@code Flatten}: dimensions before {@code axis} become the first output dimension, the rest the second. */
    public String flatten(String output, String x, long axis) {
        ElementType t = tensors.typeOf("Flatten", output, x);
        return node("Flatten", output, t, List.of(x), List.of(Attributes.ofInt("axis", axis)));
    }

    /**
     * {@code Reshape} to {@code shape} (one entry may be -1, inferred; 0 copies the input dimension). The target
     * shape is stored as the int64 initializer {@code output + "/shape"}.
     */
    public String reshape(String output, String x, long... shape) {
        ElementType t = tensors.typeOf("Reshape", output, x);
        long inferred = Arrays.stream(shape).filter(d -> d == -1).count();
        if (inferred > 1 || Arrays.stream(shape).anyMatch(d -> d < -1)) {
            throw new GraphBuildException("Reshape '" + output + "': target shape " + Arrays.toString(shape)
                    + " is invalid; expected sizes >= 0 and at most one -1");
        }
        String shapeName = addInt64Initializer(output + "/shape", shape, shape.length);
        return node("Reshape", output, t, List.of(x, shapeName), List.of());
    }

    /**
     * {@code Squeeze}: removes the given axes, each of size 1 (opset 13 semantics: the axes are an input, stored as
     * the int64 initializer {@code output + "/axes"}). At least one axis is required: without axes ONNX removes every
     * dimension of size 1, a batch of one sample included.
     */
    public String squeeze(String output, String x, long... axes) {
        ElementType t = tensors.typeOf("Squeeze", output, x);
        requireAxes("Squeeze", output, axes);
        String axesName = addInt64Initializer(output + "/axes", axes, axes.length);
        return node("Squeeze", output, t, List.of(x, axesName), List.of());
    }

    // ---------------------------------------------------------------- comparisons and selection

    /** {@code Less}: elementwise a < b, a BOOL tensor. */
    public String less(String output, String a, String b) {
        sameType("Less", output, a, b);
        return node("Less", output, ElementType.BOOL, List.of(a, b), List.of());
    }

    /** {@code Greater}: elementwise a > b, a BOOL tensor. */
    public String greater(String output, String a, String b) {
        sameType("Greater", output, a, b);
        return node("Greater", output, ElementType.BOOL, List.of(a, b), List.of());
    }

    /** {@code Where}: x where condition is true, else y; condition must be BOOL. */
    public String where(String output, String condition, String x, String y) {
        ElementType c = tensors.typeOf("Where", output, condition);
        if (c != ElementType.BOOL) {
            throw new GraphBuildException("Where '" + output + "': condition '" + condition + "' is " + c
                    + "; expected BOOL (e.g. the output of less or greater)");
        }
        ElementType t = sameType("Where", output, x, y);
        return node("Where", output, t, List.of(condition, x, y), List.of());
    }

    // ---------------------------------------------------------------- lookups, casts and reductions

    /**
     * {@code Gather}: the entries of {@code data} at {@code indices} (INT32 or INT64) along {@code axis}; with
     * {@code axis = 0} the rows of a table, e.g. an embedding lookup [V, d] x [N, T] -> [N, T, d]. An index outside
     * [-size, size) is an error of the runtime, not of the builder.
     */
    public String gather(String output, String data, String indices, long axis) {
        ElementType t = tensors.typeOf("Gather", output, data);
        ElementType it = tensors.typeOf("Gather", output, indices);
        if (it != ElementType.INT64 && it != ElementType.INT32) {
            throw new GraphBuildException("Gather '" + output + "': indices '" + indices + "' are " + it
                    + "; expected INT64 or INT32 (e.g. token ids)");
        }
        long[] s = tensors.knownShape(data).orElse(null);
        if (s != null && (axis < -s.length || axis >= s.length)) {
            throw new GraphBuildException("Gather '" + output + "': axis " + axis + " is out of range for data '"
                    + data + "' of shape " + Arrays.toString(s) + "; expected " + -s.length + " to "
                    + (s.length - 1));
        }
        return node("Gather", output, t, List.of(data, indices), List.of(Attributes.ofInt("axis", axis)));
    }

    /** {@code Cast} of {@code x} to the element type {@code to}, e.g. an int64 attention mask to FLOAT. */
    public String cast(String output, String x, ElementType to) {
        Objects.requireNonNull(to, "to");
        tensors.typeOf("Cast", output, x);
        if (to == ElementType.UNDEFINED) {
            throw new GraphBuildException(
                    "Cast '" + output + "': the target type is UNDEFINED; name a type such " + "as FLOAT");
        }
        return node("Cast", output, to, List.of(x), List.of(Attributes.ofInt("to", to.code())));
    }

    /**
     * {@code Transpose} with the permutation {@code perm} of the axes (output axis i is input axis perm[i]). The
     * shape of a transposed initializer is known, so later ops can check it.
     */
    public String transpose(String output, String x, long... perm) {
        ElementType t = tensors.typeOf("Transpose", output, x);
        boolean[] seen = new boolean[perm.length];
        for (long p : perm) {
            if (p < 0 || p >= perm.length || seen[(int) p]) {
                throw new GraphBuildException("Transpose '" + output + "': perm " + Arrays.toString(perm)
                        + " is not a permutation of 0.." + (perm.length - 1));
            }
            seen[(int) p] = true;
        }
        long[] s = tensors.knownShape(x).orElse(null);
        if (s != null && s.length != perm.length) {
            throw new GraphBuildException("Transpose '" + output + "': input '" + x + "' has shape "
                    + Arrays.toString(s) + " but perm " + Arrays.toString(perm) + " has " + perm.length + " axes");
        }
        String name = node(
                "Transpose",
                output,
                t,
                List.of(x),
                List.of(Attributes.ofInts("perm", Arrays.stream(perm).boxed().toList())));
        if (s != null) {
            long[] transposed = new long[s.length];
            for (int i = 0; i < perm.length; i++) {
                transposed[i] = s[(int) perm[i]];
            }
            tensors.defineShape(name, transposed);
        }
        return name;
    }

    /**
     * {@code Unsqueeze}: inserts axes of size 1 at {@code axes} (positions in the output), e.g. a mask [N, T] to
     * [N, T, 1] with axis 2. The axes are stored as the int64 initializer {@code output + "/axes"} (opset 13 form).
     */
    public String unsqueeze(String output, String x, long... axes) {
        ElementType t = tensors.typeOf("Unsqueeze", output, x);
        requireAxes("Unsqueeze", output, axes);
        String axesName = addInt64Initializer(output + "/axes", axes, axes.length);
        return node("Unsqueeze", output, t, List.of(x, axesName), List.of());
    }

    /**
     * {@code ReduceSum} over {@code axes} (at least one), keeping them as size 1 when {@code keepDims}. The axes are
     * stored as the int64 initializer {@code output + "/axes"} (opset 13 form).
     */
    public String reduceSum(String output, String x, boolean keepDims, long... axes) {
        ElementType t = tensors.typeOf("ReduceSum", output, x);
        if (t == ElementType.BOOL || t == ElementType.STRING) {
            throw new GraphBuildException("ReduceSum '" + output + "': input '" + x + "' is " + t
                    + "; expected a numeric tensor (cast it first)");
        }
        requireAxes("ReduceSum", output, axes);
        String axesName = addInt64Initializer(output + "/axes", axes, axes.length);
        return node(
                "ReduceSum", output, t, List.of(x, axesName), List.of(Attributes.ofInt("keepdims", keepDims ? 1 : 0)));
    }

    /** {@code Max} of two tensors, elementwise with broadcasting (e.g. a count and the scalar 1). */
    public String max(String output, String a, String b) {
        return binary("Max", output, a, b);
    }

    // ---------------------------------------------------------------- build

    /**
     * The finished model, validated like a loaded one.
     *
     * @throws GraphBuildException if the graph has no output or the IR version is too low for the opset
     */
    public OnnxModel build() {
        if (outputs.isEmpty()) {
            throw new GraphBuildException(
                    "graph '" + graphName + "' has no output; mark at least one tensor with " + "output(name)");
        }
        long ir = irVersion < 0 ? minIrVersion(opset) : irVersion;
        if (ir < minIrVersion(opset) || ir > OnnxModel.MAX_IR_VERSION) {
            throw new GraphBuildException("IR version " + ir + " cannot carry opset " + opset + "; expected "
                    + minIrVersion(opset) + " to " + OnnxModel.MAX_IR_VERSION);
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName(graphName)
                .addAllNode(nodes)
                .addAllInitializer(initializers)
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .build();
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(ir)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return OnnxModel.fromProto(model.build());
    }

    // ---------------------------------------------------------------- helpers

    private String binary(String op, String output, String a, String b) {
        ElementType t = sameType(op, output, a, b);
        return node(op, output, t, List.of(a, b), List.of());
    }

    private String floatUnary(String op, String output, String x, List<AttributeProto> attributes) {
        ElementType t = tensors.typeOf(op, output, x);
        requireFloating(op, output, x, t);
        return node(op, output, t, List.of(x), attributes);
    }

    private String pool(String op, String output, String x, PoolOptions options, List<AttributeProto> extra) {
        Objects.requireNonNull(options, "options");
        ElementType t = tensors.typeOf(op, output, x);
        requireFloating(op, output, x, t);
        List<AttributeProto> attributes = new ArrayList<>(List.of(
                Attributes.ofInts("kernel_shape", options.kernelShape()),
                Attributes.ofInts("strides", options.strides()),
                Attributes.ofInts("pads", options.pads()),
                Attributes.ofInt("ceil_mode", options.ceilMode() ? 1 : 0)));
        attributes.addAll(extra);
        return node(op, output, t, List.of(x), attributes);
    }

    private String node(
            String op, String output, ElementType type, List<String> nodeInputs, List<AttributeProto> attributes) {
        for (String in : nodeInputs) {
            tensors.typeOf(op, output, in);
        }
        tensors.define(op, output, type);
        nodes.add(NodeProto.newBuilder()
                .setName(output)
                .setOpType(op)
                .addAllInput(nodeInputs)
                .addOutput(output)
                .addAllAttribute(attributes)
                .build());
        return output;
    }

    private ElementType sameType(String op, String output, String... names) {
        ElementType first = tensors.typeOf(op, output, names[0]);
        for (int i = 1; i < names.length; i++) {
            ElementType t = tensors.typeOf(op, output, names[i]);
            if (t != first) {
                throw new GraphBuildException(op + " '" + output + "': input '" + names[i] + "' is " + t + " but '"
                        + names[0] + "' is " + first + "; the inputs must have the same element type");
            }
        }
        return first;
    }

    private static void requireFloating(String op, String output, String input, ElementType t) {
        if (!FLOATING.contains(t)) {
            throw new GraphBuildException(op + " '" + output + "': input '" + input + "' is " + t
                    + "; expected a floating-point tensor " + FLOATING);
        }
    }

    private static void requireAxes(String op, String output, long[] axes) {
        if (axes.length == 0 || Arrays.stream(axes).distinct().count() != axes.length) {
            throw new GraphBuildException(op + " '" + output + "': axes " + Arrays.toString(axes)
                    + " are invalid; expected at least one axis, each once");
        }
    }

    /** The known shape of {@code name} after checking its rank, or null when its shape is not known. */
    private long[] checkRank(String op, String output, String name, int rank, String role) {
        long[] s = tensors.knownShape(name).orElse(null);
        if (s != null && s.length != rank) {
            throw new GraphBuildException(op + " '" + output + "': " + role + " '" + name + "' has shape "
                    + Arrays.toString(s) + "; expected rank " + rank);
        }
        return s;
    }

    private static void requireElementCount(String op, String name, int count, long[] shape) {
        long expected = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new GraphBuildException(
                        op + " '" + name + "': shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            expected *= d;
        }
        if (expected != count) {
            throw new GraphBuildException(op + " '" + name + "': shape " + Arrays.toString(shape) + " holds " + expected
                    + " values but " + count + " were given");
        }
    }

    private static TensorProto floatTensor(String name, float[] data, long[] shape) {
        ByteBuffer bytes = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(ElementType.FLOAT.code())
                .setRawData(com.google.protobuf.ByteString.copyFrom(bytes.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, TensorShape shape) {
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type.code());
        if (shape.rankKnown()) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (Dim d : shape.dims()) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof Dim.Fixed f) {
                    dim.setDimValue(f.size());
                } else if (d instanceof Dim.Symbolic sym) {
                    dim.setDimParam(sym.name());
                }
                s.addDim(dim);
            }
            tensor.setShape(s);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor))
                .build();
    }
}
