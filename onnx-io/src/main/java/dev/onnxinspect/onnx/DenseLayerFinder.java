package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the weights of dense layers {@code z = W x + b} in a graph (SPEC §3, §5: W, b and the penultimate features
 * h of the last dense layer).
 *
 * <p>A dense layer is one of:
 * <ul>
 * <li>{@code Gemm(x, B[, C])} with constant B (and constant C): W = alpha * B^T with {@code transB = 1}, W = alpha * B
 *     transposed to n_out x n_in with {@code transB = 0} (B is n_in x n_out), b = beta * C. {@code transA = 1} is
 *     refused: the layer's input would be transposed, mixing samples.</li>
 * <li>{@code MatMul(x, B)} with a constant 2-D B (n_in x n_out; b = 0), or {@code Add} of such a MatMul and a
 *     constant bias, in either order.</li>
 * <li>A global-pooling head: {@code Conv(p, w[, c])} with a constant kernel w of shape [K, C, 1, 1] (every spatial
 *     size 1), {@code group = 1} and no padding, reading p = {@code GlobalAveragePool(...)} or
 *     {@code GlobalMaxPool(...)}, which is [N, C, 1, 1]: W = w as K x C, b = c (zeros without), and x = p, the
 *     pooled features (read flattened: C values per sample). Its output [N, K, 1, 1] becomes logits [N, K] through
 *     {@code Flatten} (axis 1), {@code Reshape} (to [0, K], [-1, K], [0, -1] or [B, K]; [-1] or [0] when K = 1)
 *     or {@code Squeeze} of every spatial axis (also axis 1 when K = 1, giving [N]); the tensor after that step is the
 *     layer's output. The Conv's own output is a dense layer too (of rank 4).</li>
 * </ul>
 * Constants are initializers, {@code Constant} node outputs, or a 2-D {@code Transpose} of either (older PyTorch
 * exporters write {@code Linear} as {@code MatMul(x, Transpose(W))}). A bias must hold one value per output or a
 * single value (broadcast).
 *
 * <p>The last dense layer of an output: walk back from it through {@code Softmax}, {@code LogSoftmax},
 * {@code Sigmoid}, {@code Identity}, {@code Dropout}, {@code Flatten}, {@code Reshape} and {@code Squeeze} until a
 * tensor that a dense layer computes; that tensor is the logits z (the values before a final Softmax, LogSoftmax or
 * Sigmoid, e.g. [N, 1] before a binary classifier's {@code Squeeze} and {@code Sigmoid}). A reshape of a 1x1 Conv
 * head is that head's output (the logits [N, K]); other reshapes are passed through. Any other op on the way ends
 * the walk with a reason naming it.
 *
 * <p>The features h a layer reads: its input tensor x. With a {@code Flatten}, {@code Reshape} or {@code Squeeze}
 * between a feature map and the layer (e.g. {@code GlobalAveragePool -> Flatten -> Gemm}), x is the flattened tensor
 * (the reshape's output), which the detectors read. A layer named together with a feature tensor
 * ({@link #denseLayer(String, String)}) may read that tensor through a chain of {@code Identity}, {@code Flatten}
 * (axis 1), {@code Reshape} (first entry 0, or the other entries positive with product n_in) and {@code Squeeze}
 * (non-negative axes without 0): none of them moves a value to another sample or changes the order of a sample's
 * values, so x is the named tensor read flattened, the same numbers in the same order.
 *
 * <p>Choice: Gemm's {@code alpha} and {@code beta} are folded in (each product rounded to float32), so W x + b is what
 * the node computes. Everything not listed is refused with a one-line reason ("tensor 'z' of m.onnx is not the
 * output of a dense layer: ..."): computed weights, weights that are not 2-D, a Conv with a larger kernel, groups or
 * padding or without global pooling before it, a reshape that may mix samples or leave more than two axes.
 */
final class DenseLayerFinder {
    /** Ops that pass the logits through unchanged in meaning when walking back from the output. */
    static final Set<String> PASS_THROUGH =
            Set.of("Softmax", "LogSoftmax", "Sigmoid", "Identity", "Dropout", "Flatten", "Reshape", "Squeeze");
    /** Ops that reshape a feature map without moving values between samples (when their attributes allow). */
    static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze");

    private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool");

    private final OnnxModel model;

    DenseLayerFinder(OnnxModel model) {
        this.model = model;
    }

    DenseLayer denseLayer(String output) {
        NodeProto node = producer(output).orElseThrow(() -> notDense(output, "it is not produced by any node"));
        return switch (node.getOpType()) {
            case "Gemm" -> gemm(node, output);
            case "MatMul" -> matMul(node, output, null);
            case "Add" -> add(node, output);
            case "Conv" -> conv(node, output);
            case "Flatten", "Reshape", "Squeeze" -> reshapedConv(node, output);
            default -> throw notDense(output, "it is produced by " + describe(node));
        };
    }

    /**
     * The dense layer {@code head} (a tensor, or the name of the node producing it) reading {@code features} directly
     * or through reshapes (see the class comment); the result's input is {@code features}. A named 1x1 Conv whose
     * only reader turns it into logits (Flatten, Reshape, Squeeze) gives that reader's output.
     */
    DenseLayer denseLayer(String head, String features) {
        DenseLayer d = denseLayer(headTensor(head));
        return features == null ? d : reading(d, features);
    }

    /** {@code d} with input {@code features}, if d reads them through reshapes only; else a reason. */
    DenseLayer reading(DenseLayer d, String features) {
        String tensor = d.inputName();
        List<String> path = new ArrayList<>();
        while (!tensor.equals(features)) {
            Optional<NodeProto> node = producer(tensor);
            String why = node.isEmpty()
                    ? "'" + tensor + "' is not computed by a node"
                    : !node.get().getOpType().equals("Identity")
                                    && !RESHAPES.contains(node.get().getOpType())
                            ? "'" + tensor + "' is computed by " + describe(node.get()) + ", not by a reshape"
                            : node.get().getInputCount() == 0
                                    ? "'" + tensor + "' is computed by " + describe(node.get())
                                            + ", which reads nothing"
                                    : keepsSamples(node.get(), d.inFeatures());
            if (why != null) {
                throw new GraphQueryException("the dense layer '" + d.outputName() + "' of " + model.source()
                        + " does not read the features '" + features + "': it reads '" + d.inputName() + "'"
                        + (path.isEmpty() ? "" : ", walked back through " + path) + ", and " + why
                        + "; name the features the layer reads, or the layer that reads '" + features + "'");
            }
            path.add(describe(node.get()));
            tensor = node.get().getInput(0);
        }
        return new DenseLayer(d.outputName(), features, d.outFeatures(), d.inFeatures(), d.weights(), d.bias());
    }

    /** The tensor a head name means: a tensor a node computes, or the output of the node with that name. */
    private String headTensor(String head) {
        if (model.index().isNodeOutput(head)) {
            return head;
        }
        for (NodeProto node : model.index().topologicalOrder()) {
            if (node.getName().equals(head)) {
                if (node.getOutputCount() != 1 || node.getOutput(0).isEmpty()) {
                    throw new GraphQueryException("node '" + head + "' of " + model.source() + " has "
                            + node.getOutputCount() + " outputs; name the head by the tensor holding its logits");
                }
                String out = node.getOutput(0);
                return node.getOpType().equals("Conv") ? convLogits(out) : out;
            }
        }
        List<String> names = new ArrayList<>(model.intermediateTensors());
        model.index().topologicalOrder().stream()
                .map(NodeProto::getName)
                .filter(n -> !n.isEmpty())
                .forEach(names::add);
        throw new GraphQueryException("no tensor or node called '" + head + "' in " + model.source()
                + " to use as the dense head; closest names: " + ClosestNames.closest(head, names, 5));
    }

    /** The output of the only node reading a Conv's output, when that node turns it into logits; else the output. */
    private String convLogits(String convOutput) {
        List<NodeProto> readers = model.index().topologicalOrder().stream()
                .filter(n -> n.getInputList().contains(convOutput))
                .toList();
        if (readers.size() == 1
                && RESHAPES.contains(readers.get(0).getOpType())
                && readers.get(0).getOutputCount() == 1) {
            String out = readers.get(0).getOutput(0);
            try {
                denseLayer(out);
                return out;
            } catch (GraphQueryException e) {
                return convOutput;
            }
        }
        return convOutput;
    }

    /** Walks back from {@code graphOutput}, or from the first graph output when it is null. */
    DenseLayer lastDenseLayer(String graphOutput) {
        List<String> outputs = graphOutputs();
        if (outputs.isEmpty()) {
            throw new GraphQueryException(model.source() + " has no graph output, so it has no last dense layer");
        }
        if (graphOutput != null && !outputs.contains(graphOutput)) {
            throw new GraphQueryException("'" + graphOutput + "' is not a graph output of " + model.source()
                    + "; expected one of " + outputs);
        }
        return lastDenseLayerFrom(graphOutput == null ? outputs.get(0) : graphOutput);
    }

    /** Walks back from any tensor through the pass-through ops to the dense layer computing the logits. */
    DenseLayer lastDenseLayerFrom(String start) {
        String tensor = start;
        List<String> path = new ArrayList<>();
        while (true) {
            Optional<NodeProto> node = producer(tensor);
            if (node.isEmpty()) {
                throw new GraphQueryException("no dense layer feeds output '" + start + "' of "
                        + model.source() + ": walked back through " + path + " to '" + tensor
                        + "', which no node produces");
            }
            String op = node.get().getOpType();
            boolean convHead = RESHAPES.contains(op)
                    && node.get().getInputCount() > 0
                    && producer(node.get().getInput(0))
                            .filter(n -> n.getOpType().equals("Conv"))
                            .isPresent();
            if (PASS_THROUGH.contains(op) && node.get().getInputCount() > 0 && !convHead) {
                path.add(describe(node.get()));
                tensor = node.get().getInput(0);
                continue;
            }
            if (!Set.of("Gemm", "MatMul", "Add", "Conv").contains(op) && !convHead) {
                throw new GraphQueryException("no dense layer feeds output '" + start + "' of "
                        + model.source() + ": walking back through " + path + " reached " + describe(node.get())
                        + "; expected a Gemm, a MatMul (+ Add) with constant weights, or a 1x1 Conv on global"
                        + " pooling, before the logits");
            }
            return denseLayer(tensor);
        }
    }

    /**
     * The graph outputs that hold {@code logits} or a pass-through of them (probabilities, a label by ArgMax): not
     * layers to inspect.
     */
    List<String> outputsOf(String logits) {
        List<String> derived = new ArrayList<>();
        for (String output : graphOutputs()) {
            String tensor = output;
            while (!tensor.equals(logits)) {
                Optional<NodeProto> node = producer(tensor)
                        .filter(n -> n.getInputCount() > 0
                                && (PASS_THROUGH.contains(n.getOpType())
                                        || n.getOpType().equals("ArgMax")));
                if (node.isEmpty()) {
                    break;
                }
                tensor = node.get().getInput(0);
            }
            if (tensor.equals(logits)) {
                derived.add(output);
            }
        }
        return derived;
    }

    private List<String> graphOutputs() {
        return model.proto().getGraph().getOutputList().stream()
                .map(v -> v.getName())
                .toList();
    }

    private DenseLayer gemm(NodeProto node, String output) {
        if (intAttribute(node, "transA", 0) != 0) {
            throw notDense(output, describe(node) + " has transA = 1 (its input is transposed); not supported");
        }
        if (node.getInputCount() < 2) {
            throw notDense(output, describe(node) + " has fewer than two inputs");
        }
        boolean transB = intAttribute(node, "transB", 0) != 0;
        float alpha = floatAttribute(node, "alpha", 1f);
        float beta = floatAttribute(node, "beta", 1f);
        WeightTensor b = constant(node.getInput(1), output, node);
        long[] s = b.shape();
        if (s.length != 2) {
            throw notDense(
                    output,
                    "the weights '" + b.name() + "' of " + describe(node) + " have rank " + s.length
                            + "; expected a 2-D matrix");
        }
        int out = (int) (transB ? s[0] : s[1]);
        int in = (int) (transB ? s[1] : s[0]);
        requireNonEmpty(out, in, output, node);
        float[] w = new float[out * in];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                float value = transB ? b.value(i * in + j) : b.value(j * out + i);
                w[i * in + j] = alpha == 1f ? value : alpha * value;
            }
        }
        float[] bias = new float[out];
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            float[] c = biasValues(constant(node.getInput(2), output, node), out, output, node);
            for (int i = 0; i < out; i++) {
                bias[i] = beta == 1f ? c[i] : beta * c[i];
            }
        }
        return new DenseLayer(output, node.getInput(0), out, in, w, bias);
    }

    private DenseLayer matMul(NodeProto node, String output, WeightTensor biasTensor) {
        if (node.getInputCount() != 2) {
            throw notDense(output, describe(node) + " does not have two inputs");
        }
        WeightTensor b = constant(node.getInput(1), output, node);
        long[] s = b.shape();
        if (s.length != 2) {
            throw notDense(
                    output,
                    "the second operand '" + b.name() + "' of " + describe(node) + " has rank " + s.length
                            + "; expected a 2-D weight matrix");
        }
        int in = (int) s[0];
        int out = (int) s[1];
        requireNonEmpty(out, in, output, node);
        float[] w = new float[out * in];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                w[i * in + j] = b.value(j * out + i);
            }
        }
        float[] bias = biasTensor == null ? new float[out] : biasValues(biasTensor, out, output, node);
        return new DenseLayer(output, node.getInput(0), out, in, w, bias);
    }

    private DenseLayer add(NodeProto add, String output) {
        if (add.getInputCount() != 2) {
            throw notDense(output, describe(add) + " does not have two inputs");
        }
        for (int k = 0; k < 2; k++) {
            Optional<NodeProto> mm =
                    producer(add.getInput(k)).filter(n -> n.getOpType().equals("MatMul"));
            String other = add.getInput(1 - k);
            if (mm.isPresent() && isConstant(other)) {
                return matMul(mm.get(), output, constant(other, output, add));
            }
        }
        throw notDense(
                output, "it is produced by " + describe(add) + ", which does not add a constant bias to a " + "MatMul");
    }

    /** A 1x1 Conv on globally pooled features [N, C, 1, 1]: W = the kernel as K x C, x = the pooled tensor. */
    private DenseLayer conv(NodeProto node, String output) {
        if (node.getInputCount() < 2) {
            throw notDense(output, describe(node) + " has fewer than two inputs");
        }
        WeightTensor kernel = constant(node.getInput(1), output, node);
        long[] s = kernel.shape();
        if (s.length < 3) {
            throw notDense(
                    output,
                    "the kernel '" + kernel.name() + "' of " + describe(node) + " has shape " + Arrays.toString(s)
                            + "; expected [K, C, 1, 1]");
        }
        for (int d = 2; d < s.length; d++) {
            if (s[d] != 1) {
                throw notDense(
                        output,
                        describe(node) + " has the kernel shape " + Arrays.toString(s) + "; only a 1x1"
                                + " Conv on globally pooled features is a dense layer");
            }
        }
        if (intAttribute(node, "group", 1) != 1) {
            throw notDense(
                    output,
                    describe(node) + " is grouped (group = " + intAttribute(node, "group", 1)
                            + "); only an ungrouped 1x1 Conv is a dense layer");
        }
        if (ints(node, "pads").stream().anyMatch(p -> p != 0)) {
            throw notDense(
                    output,
                    describe(node) + " pads its input " + ints(node, "pads") + "; a padded 1x1 Conv"
                            + " is not a dense layer");
        }
        String x = node.getInput(0);
        Optional<NodeProto> pool = producer(x);
        if (pool.isEmpty() || !GLOBAL_POOLS.contains(pool.get().getOpType())) {
            throw notDense(
                    output,
                    describe(node) + " reads '" + x + "'"
                            + pool.map(n -> ", computed by " + describe(n)).orElse(", which no node computes")
                            + "; a 1x1 Conv is a dense layer only on"
                            + " globally pooled features (GlobalAveragePool, GlobalMaxPool)");
        }
        int out = (int) s[0];
        int in = (int) s[1];
        requireNonEmpty(out, in, output, node);
        float[] bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                ? biasValues(constant(node.getInput(2), output, node), out, output, node)
                : new float[out];
        // [K, C, 1, ..., 1] row-major is [K][C]
        return new DenseLayer(output, x, out, in, kernel.values(), bias);
    }

    /** A 1x1 Conv head whose output [N, K, 1, 1] a Flatten, Reshape or Squeeze turns into logits [N, K]. */
    private DenseLayer reshapedConv(NodeProto reshape, String output) {
        String input = reshape.getInputCount() > 0 ? reshape.getInput(0) : "";
        NodeProto conv = producer(input)
                .filter(n -> n.getOpType().equals("Conv"))
                .orElseThrow(() -> notDense(
                        output,
                        "it is produced by " + describe(reshape) + " of '" + input
                                + "', which is not the output of a 1x1" + " Conv on globally pooled features"));
        DenseLayer d = conv(conv, input);
        int rank = constant(conv.getInput(1), output, conv).shape().length;
        String why = keepsLogits(reshape, rank, d.outFeatures());
        if (why != null) {
            throw notDense(output, why);
        }
        return new DenseLayer(output, d.inputName(), d.outFeatures(), d.inFeatures(), d.weights(), d.bias());
    }

    /**
     * Null when the reshape turns a Conv head's output [N, K, 1, ...] of the given rank into [N, K] (or [N] when
     * K = 1); else why not.
     */
    private String keepsLogits(NodeProto node, int rank, int k) {
        String what = describe(node) + " of the 1x1 Conv's output [N, " + k + ", 1, 1]";
        switch (node.getOpType()) {
            case "Flatten" -> {
                long axis = intAttribute(node, "axis", 1);
                return (axis < 0 ? axis + rank : axis) == 1
                        ? null
                        : what + " has axis " + axis + "; expected axis 1 (giving [N, K])";
            }
            case "Reshape" -> {
                long[] shape = constantLongs(node, 1);
                if (shape == null) {
                    return what + " takes a computed target shape; expected a constant one";
                }
                boolean logits = shape.length == 2
                        && shape[0] >= -1
                        && (shape[1] == k || shape[1] == -1)
                        && !(shape[0] == -1 && shape[1] == -1);
                boolean binary = k == 1 && shape.length == 1 && (shape[0] == -1 || shape[0] == 0);
                return logits || binary
                        ? null
                        : what + " reshapes it to " + Arrays.toString(shape)
                                + "; expected [N, K] (e.g. [0, -1] or [-1, " + k + "])";
            }
            default -> {
                List<Long> axes = squeezeAxes(node);
                if (axes == null) {
                    return what + " has no constant axes; without axes a batch of one sample would be squeezed"
                            + " too: give the spatial axes";
                }
                Set<Long> given = new TreeSet<>();
                axes.forEach(a -> given.add(a < 0 ? a + rank : a));
                Set<Long> spatial = new TreeSet<>();
                for (long a = 2; a < rank; a++) {
                    spatial.add(a);
                }
                Set<Long> withClasses = new TreeSet<>(spatial);
                withClasses.add(1L);
                return given.equals(spatial) || (k == 1 && given.equals(withClasses))
                        ? null
                        : what + " squeezes the axes " + given + "; expected the spatial axes " + spatial;
            }
        }
    }

    /**
     * Null when a reshape on the way from a layer's input back to the named features keeps every sample's values
     * in their order (see the class comment); else why not. {@code units} is n_in, the values per sample.
     */
    private String keepsSamples(NodeProto node, int units) {
        switch (node.getOpType()) {
            case "Identity" -> {
                return null;
            }
            case "Flatten" -> {
                long axis = intAttribute(node, "axis", 1);
                return axis == 1
                        ? null
                        : describe(node) + " has axis " + axis + ", which moves values between"
                                + " samples; expected axis 1";
            }
            case "Reshape" -> {
                long[] shape = constantLongs(node, 1);
                if (shape == null) {
                    return describe(node) + " takes a computed target shape; expected a constant one";
                }
                long rest = 1;
                boolean positive = shape.length > 1;
                for (int d = 1; d < shape.length; d++) {
                    positive &= shape[d] > 0;
                    rest *= Math.max(shape[d], 1);
                }
                boolean keeps = shape.length >= 1 && (shape[0] == 0 || (positive && rest == units));
                return keeps
                        ? null
                        : describe(node) + " reshapes to " + Arrays.toString(shape) + ", which may move"
                                + " values between samples; expected the first entry 0 or the others' product " + units;
            }
            default -> {
                List<Long> axes = squeezeAxes(node);
                if (axes == null || axes.isEmpty()) {
                    return describe(node) + " has no constant axes; without axes a batch of one sample would be"
                            + " squeezed too";
                }
                return axes.stream().allMatch(a -> a > 0)
                        ? null
                        : describe(node) + " squeezes the axes " + axes
                                + "; expected non-negative axes without the batch axis 0";
            }
        }
    }

    /** Squeeze's axes: the attribute (opset < 13) or the constant second input; null when neither is known. */
    private List<Long> squeezeAxes(NodeProto node) {
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            long[] axes = constantLongs(node, 1);
            return axes == null ? null : Arrays.stream(axes).boxed().toList();
        }
        List<Long> axes = ints(node, "axes");
        return axes.isEmpty() ? null : axes;
    }

    /** The values of a constant integer input (e.g. Reshape's target shape), or null when it is computed. */
    private long[] constantLongs(NodeProto node, int input) {
        if (node.getInputCount() <= input || !isConstant(node.getInput(input))) {
            return null;
        }
        float[] v = model.initializer(node.getInput(input)).values();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (long) v[i];
        }
        return out;
    }

    private float[] biasValues(WeightTensor c, int out, String output, NodeProto node) {
        if (c.size() == out) {
            return c.values();
        }
        if (c.size() == 1) {
            float[] v = new float[out];
            Arrays.fill(v, c.value(0));
            return v;
        }
        throw notDense(
                output,
                "the bias '" + c.name() + "' of " + describe(node) + " has " + c.size() + " values; expected " + out
                        + " (one per output) or 1");
    }

    private void requireNonEmpty(int out, int in, String output, NodeProto node) {
        if (out <= 0 || in <= 0) {
            throw notDense(
                    output,
                    "the weights of " + describe(node) + " are " + out + " x " + in
                            + "; a dense layer needs at least one input and one output");
        }
    }

    private boolean isConstant(String name) {
        return model.index().initializers().contains(name)
                || producer(name)
                        .map(n -> n.getOpType().equals("Constant") || isTransposedConstant(n))
                        .orElse(false);
    }

    /** A 2-D {@code Transpose} of a constant, as older PyTorch exporters write {@code Linear} weights. */
    private boolean isTransposedConstant(NodeProto n) {
        if (!n.getOpType().equals("Transpose") || n.getInputCount() != 1) {
            return false;
        }
        List<Long> perm = n.getAttributeList().stream()
                .filter(a -> a.getName().equals("perm"))
                .findFirst()
                .map(AttributeProto::getIntsList)
                .orElse(List.of(1L, 0L));
        String input = n.getInput(0);
        boolean constantInput = model.index().initializers().contains(input)
                || producer(input).map(p -> p.getOpType().equals("Constant")).orElse(false);
        return constantInput && perm.equals(List.of(1L, 0L));
    }

    private WeightTensor constant(String name, String output, NodeProto node) {
        if (!isConstant(name)) {
            throw notDense(
                    output,
                    "operand '" + name + "' of " + describe(node) + " is computed, not a constant "
                            + "(initializer, Constant node, or 2-D Transpose of one)");
        }
        Optional<NodeProto> transpose = producer(name).filter(this::isTransposedConstant);
        if (transpose.isEmpty()) {
            return model.initializer(name);
        }
        WeightTensor t = model.initializer(transpose.get().getInput(0));
        long[] s = t.shape();
        if (s.length != 2) {
            throw notDense(
                    output,
                    "the Transpose feeding " + describe(node) + " has a " + s.length
                            + "-D input; expected a 2-D weight matrix");
        }
        int rows = (int) s[0];
        int cols = (int) s[1];
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[c * rows + r] = t.value(r * cols + c);
            }
        }
        return new WeightTensor(name, new long[] {cols, rows}, v);
    }

    private Optional<NodeProto> producer(String tensor) {
        return model.index().producer(tensor);
    }

    private GraphQueryException notDense(String output, String why) {
        return new GraphQueryException("tensor '" + output + "' of " + model.source() + " is not the output of a "
                + "dense layer: " + why + ". Expected a Gemm, a MatMul (optionally + Add) with constant weights, or a"
                + " 1x1 Conv on global pooling");
    }

    private static String describe(NodeProto node) {
        return node.getOpType() + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'");
    }

    private static List<Long> ints(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList();
            }
        }
        return List.of();
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }
}
