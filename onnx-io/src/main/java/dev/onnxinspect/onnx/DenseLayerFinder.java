package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the weights of dense layers {@code z = W x + b} in a graph (SPEC §3, §5: W, b and the penultimate features
 * h of the last dense layer).
 *
 * <p>Recognised: a {@code Gemm} with constant B (and optional constant C); a {@code MatMul} with constant 2-D
 * second operand (bias zero); an {@code Add} of such a MatMul and a constant. Constants are initializers,
 * {@code Constant} node outputs, or a 2-D {@code Transpose} of either (older PyTorch exports write
 * {@code Linear} as {@code MatMul(x, Transpose(W))}).
 *
 * <p>Choice: Gemm's {@code alpha} and {@code beta} are applied (W = alpha * B or alpha * B^T, b = beta * C, each
 * product rounded to float32), so W x + b is what the node computes; {@code transA = 1} is rejected since the
 * layer's input would then be transposed. A bias must hold one value per output or a single value (broadcast).
 */
final class DenseLayerFinder {
    /** Ops that pass the logits through unchanged in meaning when walking back from the output. */
    static final Set<String> PASS_THROUGH = Set.of("Softmax", "LogSoftmax", "Identity", "Flatten", "Dropout");

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
            default -> throw notDense(output, "it is produced by " + describe(node));
        };
    }

    /** Walks back from {@code graphOutput}, or from the first graph output when it is null. */
    DenseLayer lastDenseLayer(String graphOutput) {
        List<String> outputs = model.proto().getGraph().getOutputList().stream().map(v -> v.getName()).toList();
        if (outputs.isEmpty()) {
            throw new GraphQueryException(model.source() + " has no graph output, so it has no last dense layer");
        }
        if (graphOutput != null && !outputs.contains(graphOutput)) {
            throw new GraphQueryException("'" + graphOutput + "' is not a graph output of " + model.source()
                    + "; expected one of " + outputs);
        }
        String start = graphOutput == null ? outputs.get(0) : graphOutput;
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
            if (PASS_THROUGH.contains(op) && node.get().getInputCount() > 0) {
                path.add(describe(node.get()));
                tensor = node.get().getInput(0);
                continue;
            }
            if (!op.equals("Gemm") && !op.equals("MatMul") && !op.equals("Add")) {
                throw new GraphQueryException("no dense layer feeds output '" + start + "' of "
                        + model.source() + ": walking back through " + path + " reached " + describe(node.get())
                        + "; expected a Gemm, or a MatMul (+ Add) with constant weights, before the logits");
            }
            return denseLayer(tensor);
        }
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
            throw notDense(output, "the weights '" + b.name() + "' of " + describe(node) + " have rank " + s.length
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
            throw notDense(output, "the second operand '" + b.name() + "' of " + describe(node) + " has rank "
                    + s.length + "; expected a 2-D weight matrix");
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
            Optional<NodeProto> mm = producer(add.getInput(k)).filter(n -> n.getOpType().equals("MatMul"));
            String other = add.getInput(1 - k);
            if (mm.isPresent() && isConstant(other)) {
                return matMul(mm.get(), output, constant(other, output, add));
            }
        }
        throw notDense(output, "it is produced by " + describe(add) + ", which does not add a constant bias to a "
                + "MatMul");
    }

    private float[] biasValues(WeightTensor c, int out, String output, NodeProto node) {
        if (c.size() == out) {
            return c.values();
        }
        if (c.size() == 1) {
            float[] v = new float[out];
            java.util.Arrays.fill(v, c.value(0));
            return v;
        }
        throw notDense(output, "the bias '" + c.name() + "' of " + describe(node) + " has "
                + c.size() + " values; expected " + out + " (one per output) or 1");
    }

    private void requireNonEmpty(int out, int in, String output, NodeProto node) {
        if (out <= 0 || in <= 0) {
            throw notDense(output, "the weights of " + describe(node) + " are " + out + " x " + in
                    + "; a dense layer needs at least one input and one output");
        }
    }

    private boolean isConstant(String name) {
        return model.index().initializers().contains(name)
                || producer(name).map(n -> n.getOpType().equals("Constant") || isTransposedConstant(n)).orElse(false);
    }

    /** A 2-D {@code Transpose} of a constant, as older PyTorch exporters write {@code Linear} weights. */
    private boolean isTransposedConstant(NodeProto n) {
        if (!n.getOpType().equals("Transpose") || n.getInputCount() != 1) {
            return false;
        }
        List<Long> perm = n.getAttributeList().stream().filter(a -> a.getName().equals("perm")).findFirst()
                .map(AttributeProto::getIntsList).orElse(List.of(1L, 0L));
        String input = n.getInput(0);
        boolean constantInput = model.index().initializers().contains(input)
                || producer(input).map(p -> p.getOpType().equals("Constant")).orElse(false);
        return constantInput && perm.equals(List.of(1L, 0L));
    }

    private WeightTensor constant(String name, String output, NodeProto node) {
        if (!isConstant(name)) {
            throw notDense(output, "operand '" + name + "' of " + describe(node) + " is computed, not a constant "
                    + "(initializer, Constant node, or 2-D Transpose of one)");
        }
        Optional<NodeProto> transpose = producer(name).filter(this::isTransposedConstant);
        if (transpose.isEmpty()) {
            return model.initializer(name);
        }
        WeightTensor t = model.initializer(transpose.get().getInput(0));
        long[] s = t.shape();
        if (s.length != 2) {
            throw notDense(output, "the Transpose feeding " + describe(node) + " has a " + s.length
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
                + "dense layer: " + why + ". Expected a Gemm, or a MatMul (optionally + Add) with constant weights");
    }

    private static String describe(NodeProto node) {
        return node.getOpType() + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'");
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
