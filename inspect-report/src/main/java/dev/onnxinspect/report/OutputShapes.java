package dev.onnxinspect.report;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.InitializerInfo;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static shape inference for the layer table: the output shape of every node of the common operators, derived from
 * the graph inputs' shapes (symbolic dimensions kept by name, e.g. {@code N}), the initializers' shapes and the
 * nodes' attributes, in topological order. A dimension that cannot be derived is "?"; a tensor whose rank cannot be
 * derived has no entry. Operators: element-wise unary (Relu, Sigmoid, Softmax, BatchNormalization, Dropout, ...),
 * broadcasting binary (Add, Sub, Mul, Div, ...), Gemm, MatMul, Flatten, Conv, MaxPool/AveragePool,
 * GlobalAveragePool/GlobalMaxPool, Concat and Transpose. Choice: a shape declared by the model (graph input or
 * output, value_info) wins over an inferred one only where the inference has no answer; Reshape, Squeeze and
 * Unsqueeze (whose shapes are data, not attributes, in recent opsets) are left to declared shapes. Stateless.
 */
final class OutputShapes {
    private static final Set<String> SAME_SHAPE = Set.of(
            "Relu",
            "LeakyRelu",
            "PRelu",
            "Elu",
            "Selu",
            "Gelu",
            "Sigmoid",
            "HardSigmoid",
            "HardSwish",
            "Tanh",
            "Softmax",
            "LogSoftmax",
            "Softplus",
            "Softsign",
            "Identity",
            "Dropout",
            "BatchNormalization",
            "InstanceNormalization",
            "LayerNormalization",
            "LRN",
            "Clip",
            "Neg",
            "Abs",
            "Exp",
            "Log",
            "Sqrt",
            "Erf",
            "Cast",
            "Reciprocal",
            "Floor",
            "Ceil",
            "Round",
            "Sign",
            "Not",
            "Mish");
    private static final Set<String> BROADCAST = Set.of(
            "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Where", "Equal", "Greater", "Less", "And",
            "Or");
    static final String UNKNOWN = "?";

    private OutputShapes() {}

    /** Every tensor's shape that is known or derived, by tensor name. */
    static Map<String, List<String>> infer(ModelDescription model) {
        Map<String, List<String>> shapes = new HashMap<>();
        for (InitializerInfo init : model.initializers()) {
            List<String> dims = new ArrayList<>();
            init.shape().forEach(d -> dims.add(Long.toString(d)));
            shapes.put(init.name(), dims);
        }
        Map<String, List<String>> declared = new HashMap<>();
        for (ValueInfo v : model.inputs()) {
            declare(v, shapes);
        }
        for (ValueInfo v : model.outputs()) {
            declare(v, declared);
        }
        for (NodeInfo node : model.nodes()) {
            List<List<String>> in = new ArrayList<>();
            for (String name : node.inputs()) {
                in.add(name.isEmpty() ? null : shapes.get(name));
            }
            List<String> out;
            try {
                out = node.domain().isEmpty() || node.domain().equals("ai.onnx") ? output(node, in) : null;
            } catch (RuntimeException e) {
                // an attribute this inference cannot read (e.g. a cut list): the shape stays unknown
                out = null;
            }
            if (out != null && !node.outputs().isEmpty()) {
                shapes.put(node.outputs().get(0), List.copyOf(out));
            }
            for (String name : node.outputs()) {
                List<String> d = declared.get(name);
                if (d != null && (!shapes.containsKey(name) || shapes.get(name).contains(UNKNOWN))) {
                    shapes.put(name, d);
                }
            }
        }
        declared.forEach(shapes::putIfAbsent);
        return shapes;
    }

    private static void declare(ValueInfo v, Map<String, List<String>> shapes) {
        if (v.shape() == null || !v.shape().rankKnown()) {
            return;
        }
        List<String> dims = new ArrayList<>();
        for (Dim d : v.shape().dims()) {
            dims.add(
                    d instanceof Dim.Fixed f
                            ? Long.toString(f.size())
                            : d instanceof Dim.Symbolic s ? s.name() : UNKNOWN);
        }
        shapes.put(v.name(), dims);
    }

    private static List<String> output(NodeInfo node, List<List<String>> in) {
        List<String> x = in.isEmpty() ? null : in.get(0);
        String op = node.opType();
        if (SAME_SHAPE.contains(op)) {
            return x;
        }
        if (BROADCAST.contains(op)) {
            List<String> out = x;
            for (int i = 1; i < in.size() && out != null; i++) {
                out = in.get(i) == null ? null : broadcast(out, in.get(i));
            }
            return out;
        }
        return switch (op) {
            case "Gemm" -> gemm(node, x, in.size() > 1 ? in.get(1) : null);
            case "MatMul" -> matMul(x, in.size() > 1 ? in.get(1) : null);
            case "Flatten" -> flatten(x, (int) longAttr(node, "axis", 1));
            case "Conv" -> conv(node, x, in.size() > 1 ? in.get(1) : null);
            case "MaxPool", "AveragePool", "LpPool" -> pool(node, x);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> global(x);
            case "Concat" -> concat(in, (int) longAttr(node, "axis", 0));
            case "Transpose" -> transpose(node, x);
            default -> null;
        };
    }

    private static List<String> broadcast(List<String> a, List<String> b) {
        int rank = Math.max(a.size(), b.size());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            String da = i < rank - a.size() ? "1" : a.get(i - (rank - a.size()));
            String db = i < rank - b.size() ? "1" : b.get(i - (rank - b.size()));
            out.add(da.equals(db) ? da : da.equals("1") ? db : db.equals("1") ? da : UNKNOWN);
        }
        return out;
    }

    private static List<String> gemm(NodeInfo node, List<String> a, List<String> b) {
        if (a == null || b == null || a.size() != 2 || b.size() != 2) {
            return null;
        }
        String m = longAttr(node, "transA", 0) != 0 ? a.get(1) : a.get(0);
        String n = longAttr(node, "transB", 0) != 0 ? b.get(0) : b.get(1);
        return List.of(m, n);
    }

    private static List<String> matMul(List<String> a, List<String> b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return null;
        }
        List<String> batchA = a.size() > 2 ? a.subList(0, a.size() - 2) : List.of();
        List<String> batchB = b.size() > 2 ? b.subList(0, b.size() - 2) : List.of();
        List<String> out = new ArrayList<>(broadcast(batchA, batchB));
        if (a.size() >= 2) {
            out.add(a.get(a.size() - 2));
        }
        if (b.size() >= 2) {
            out.add(b.get(b.size() - 1));
        }
        return out;
    }

    private static List<String> flatten(List<String> x, int axis) {
        if (x == null) {
            return null;
        }
        int a = axis < 0 ? axis + x.size() : axis;
        return List.of(product(x.subList(0, a)), product(x.subList(a, x.size())));
    }

    private static String product(List<String> dims) {
        if (dims.size() == 1) {
            return dims.get(0);
        }
        long p = 1;
        for (String d : dims) {
            if (!isNumber(d)) {
                return UNKNOWN;
            }
            p *= Long.parseLong(d);
        }
        return Long.toString(p);
    }

    private static List<String> conv(NodeInfo node, List<String> x, List<String> w) {
        if (x == null || w == null || x.size() < 3 || w.size() != x.size()) {
            return null;
        }
        long[] kernel = new long[x.size() - 2];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = isNumber(w.get(i + 2)) ? Long.parseLong(w.get(i + 2)) : -1;
        }
        List<String> out = new ArrayList<>(List.of(x.get(0), w.get(0)));
        out.addAll(spatial(node, x, kernel));
        return out;
    }

    private static List<String> pool(NodeInfo node, List<String> x) {
        long[] kernel = longsAttr(node, "kernel_shape");
        if (x == null || kernel == null || x.size() != kernel.length + 2) {
            return null;
        }
        List<String> out = new ArrayList<>(x.subList(0, 2));
        out.addAll(spatial(node, x, kernel));
        return out;
    }

    /** The spatial output sizes of a convolution or pooling (ONNX's formulas, auto_pad and ceil_mode included). */
    private static List<String> spatial(NodeInfo node, List<String> x, long[] kernel) {
        int n = kernel.length;
        long[] strides = orDefault(longsAttr(node, "strides"), n, 1);
        long[] dilations = orDefault(longsAttr(node, "dilations"), n, 1);
        long[] pads = orDefault(longsAttr(node, "pads"), 2 * n, 0);
        String autoPad =
                node.attributes().getOrDefault("auto_pad", "\"NOTSET\"").replace("\"", "");
        boolean ceil = longAttr(node, "ceil_mode", 0) != 0;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String d = x.get(i + 2);
            if (!isNumber(d) || kernel[i] < 0) {
                out.add(UNKNOWN);
                continue;
            }
            long size = Long.parseLong(d);
            long effective = dilations[i] * (kernel[i] - 1) + 1;
            long result;
            if (autoPad.startsWith("SAME")) {
                result = Math.floorDiv(size + strides[i] - 1, strides[i]);
            } else {
                long padded = size + (autoPad.equals("VALID") ? 0 : pads[i] + pads[i + n]) - effective;
                result = (ceil ? Math.floorDiv(padded + strides[i] - 1, strides[i]) : Math.floorDiv(padded, strides[i]))
                        + 1;
            }
            out.add(result > 0 ? Long.toString(result) : UNKNOWN);
        }
        return out;
    }

    private static List<String> global(List<String> x) {
        if (x == null || x.size() < 3) {
            return null;
        }
        List<String> out = new ArrayList<>(x.subList(0, 2));
        for (int i = 2; i < x.size(); i++) {
            out.add("1");
        }
        return out;
    }

    private static List<String> concat(List<List<String>> in, int axis) {
        if (in.isEmpty() || in.contains(null)) {
            return null;
        }
        List<String> first = in.get(0);
        int a = axis < 0 ? axis + first.size() : axis;
        if (a < 0 || a >= first.size()) {
            return null;
        }
        List<String> out = new ArrayList<>(first);
        long sum = 0;
        for (List<String> s : in) {
            if (s.size() != first.size() || !isNumber(s.get(a))) {
                out.set(a, UNKNOWN);
                return out;
            }
            sum += Long.parseLong(s.get(a));
        }
        out.set(a, Long.toString(sum));
        return out;
    }

    private static List<String> transpose(NodeInfo node, List<String> x) {
        if (x == null) {
            return null;
        }
        long[] perm = longsAttr(node, "perm");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            out.add(x.get(perm == null ? x.size() - 1 - i : (int) perm[i]));
        }
        return out;
    }

    private static boolean isNumber(String d) {
        return !d.isEmpty() && d.chars().allMatch(Character::isDigit);
    }

    private static long longAttr(NodeInfo node, String name, long fallback) {
        String v = node.attributes().get(name);
        return v == null ? fallback : Long.parseLong(v.trim());
    }

    /** An INTS attribute as the describer renders it ({@code [1, 2]}); null when absent. */
    private static long[] longsAttr(NodeInfo node, String name) {
        String v = node.attributes().get(name);
        if (v == null) {
            return null;
        }
        String body = v.trim();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            throw new IllegalArgumentException("not a list: " + v);
        }
        body = body.substring(1, body.length() - 1).trim();
        return body.isEmpty()
                ? new long[0]
                : Arrays.stream(body.split(","))
                        .map(String::trim)
                        .mapToLong(Long::parseLong)
                        .toArray();
    }

    private static long[] orDefault(long[] values, int n, long fallback) {
        if (values != null && values.length == n) {
            return values;
        }
        long[] filled = new long[n];
        Arrays.fill(filled, fallback);
        return filled;
    }
}
