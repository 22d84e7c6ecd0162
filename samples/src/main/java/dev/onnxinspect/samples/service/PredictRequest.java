package dev.onnxinspect.samples.service;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.onnx.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code POST /predict} body: {@code {"input": [x0, x1, ...]}} (one sample of a one-input model),
 * {@code {"inputs": [[...], [...], ...]}} (a batch of at most {@code maxBatch} such samples),
 * {@code {"inputs": {"input_ids": [...], "attention_mask": [...]}}} (one sample by input name, any number of inputs)
 * or {@code {"inputs": [{...}, {...}]}} (a batch of those). Unnamed values must be finite numbers within the float32
 * range; named values become arrays of their input's element type (integers must be whole numbers within the type's
 * range) and may be nested arrays, which give the sample's shape ({@code [3][H][W]} for an image of any size); a flat
 * array takes the input's shape with its free dimension from the length. Lengths are checked by the guard.
 *
 * <p>Choice: a number is parsed as float64 and then rounded to float32 (two roundings). That equals a direct
 * float32 parse except for decimals within about 2^-29 (relative) of a midpoint between two float32 values.
 * Clients that need bit-exact inputs send values that are exact binary fractions (as the service tests do).
 *
 * @param inputs the samples of a one-input model, in request order (empty for named samples)
 * @param named  the samples by input name, in request order (empty for unnamed samples); each value a primitive
 *               array or an {@link InputTensor} of batch size 1
 * @param batch  whether the request sent a list under {@code "inputs"} (the response is then a list)
 */
record PredictRequest(List<float[]> inputs, List<Map<String, Object>> named, boolean batch) {
    PredictRequest {
        inputs = List.copyOf(inputs);
        named = List.copyOf(named);
    }

    /**
     * @param modelInputs the guard's inputs (their element types for named values)
     * @throws JsonException naming what is wrong and what was expected
     */
    static PredictRequest parse(String body, int maxBatch, List<GuardInput> modelInputs) {
        Object root = JsonReader.parse(body);
        if (!(root instanceof Map<?, ?> map)) {
            throw new JsonException("the body must be a JSON object {\"input\": [...]} or {\"inputs\": [[...], ...]},"
                    + " got " + kind(root));
        }
        for (Object key : map.keySet()) {
            if (!key.equals("input") && !key.equals("inputs")) {
                throw new JsonException("unknown field \"" + key + "\"; expected exactly one of \"input\" (one sample)"
                        + " or \"inputs\" (a batch)");
            }
        }
        if (map.size() != 1) {
            throw new JsonException(
                    "expected exactly one of \"input\" (one sample) or \"inputs\" (a batch), got " + map.keySet());
        }
        if (map.containsKey("input")) {
            return new PredictRequest(List.of(sample(map.get("input"), "input")), List.of(), false);
        }
        if (map.get("inputs") instanceof Map<?, ?> one) {
            return new PredictRequest(List.of(), List.of(named(one, "inputs", modelInputs)), false);
        }
        if (!(map.get("inputs") instanceof List<?> rows) || rows.isEmpty()) {
            throw new JsonException("\"inputs\" must be an object {\"input name\": [...], ...} or a non-empty array of"
                    + " samples, got " + kind(map.get("inputs")));
        }
        if (rows.size() > maxBatch) {
            throw new JsonException("\"inputs\" holds " + rows.size() + " samples; this service takes at most "
                    + maxBatch + " per request: split the batch");
        }
        if (rows.get(0) instanceof Map) {
            List<Map<String, Object>> samples = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                if (!(rows.get(i) instanceof Map<?, ?> row)) {
                    throw new JsonException("\"inputs[" + i + "]\" must be an object of named inputs like"
                            + " \"inputs[0]\", got " + kind(rows.get(i)));
                }
                samples.add(named(row, "inputs[" + i + "]", modelInputs));
            }
            return new PredictRequest(List.of(), samples, true);
        }
        List<float[]> samples = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            samples.add(sample(rows.get(i), "inputs[" + i + "]"));
        }
        return new PredictRequest(samples, List.of(), true);
    }

    /** One sample by input name: each value converted to its input's element type (unknown names: by the guard). */
    private static Map<String, Object> named(Map<?, ?> values, String where, List<GuardInput> modelInputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.entrySet()) {
            String name = (String) e.getKey();
            String at = where + "." + name;
            ElementType type = modelInputs.stream()
                    .filter(in -> in.name().equals(name))
                    .map(GuardInput::type)
                    .findFirst()
                    .orElse(ElementType.FLOAT);
            List<Long> shape = new ArrayList<>();
            List<Double> flat = new ArrayList<>();
            flatten(e.getValue(), at, 0, shape, flat);
            Object array = array(flat, type, at);
            if (shape.size() <= 1) {
                out.put(name, array);
            } else {
                long[] dims = new long[shape.size() + 1];
                dims[0] = 1;
                for (int d = 0; d < shape.size(); d++) {
                    dims[d + 1] = shape.get(d);
                }
                out.put(name, new InputTensor(name, arrayType(type), dims, array));
            }
        }
        return out;
    }

    /**
     * Appends the numbers of a (nested) array row-major; {@code shape} collects the sizes. The array must be
     * rectangular: every array at one depth of the same size, and every number at the same depth (the last).
     */
    private static void flatten(Object value, String where, int depth, List<Long> shape, List<Double> flat) {
        if (!(value instanceof List<?> list)) {
            throw new JsonException("\"" + where + "\" must be an array of numbers (nested for several dimensions),"
                    + " got " + kind(value));
        }
        if (shape.size() == depth) {
            // a new, deeper dimension: a rectangular array reaches its full depth before its first number
            if (!flat.isEmpty()) {
                throw new JsonException("\"" + where + "\" is not rectangular: it has numbers at depth " + (depth - 1)
                        + " and arrays at depth " + depth);
            }
            shape.add((long) list.size());
        } else if (shape.get(depth) != list.size()) {
            throw new JsonException("\"" + where + "\" is not rectangular: arrays at depth " + depth + " have "
                    + shape.get(depth) + " and " + list.size() + " elements");
        }
        for (int j = 0; j < list.size(); j++) {
            Object v = list.get(j);
            if (v instanceof Double d) {
                if (shape.size() != depth + 1) {
                    throw new JsonException(
                            "\"" + where + "\" is not rectangular: it mixes numbers and arrays at" + " depth " + depth);
                }
                flat.add(d);
            } else if (v instanceof List) {
                flatten(v, where, depth + 1, shape, flat);
            } else {
                throw new JsonException("value " + j + " of \"" + where + "\" is " + kind(v) + "; expected a number");
            }
        }
    }

    /** The Java array of an element type holding the values (whole numbers in range for integer types). */
    private static Object array(List<Double> values, ElementType type, String where) {
        int n = values.size();
        switch (type) {
            case DOUBLE -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = values.get(i);
                }
                return a;
            }
            case INT64, INT32, INT16, INT8, UINT8, BOOL -> {
                long min = type == ElementType.INT64
                        ? Long.MIN_VALUE
                        : type == ElementType.INT32
                                ? Integer.MIN_VALUE
                                : type == ElementType.INT16
                                        ? Short.MIN_VALUE
                                        : type == ElementType.INT8 ? Byte.MIN_VALUE : 0;
                long max = type == ElementType.INT64
                        ? Long.MAX_VALUE
                        : type == ElementType.INT32
                                ? Integer.MAX_VALUE
                                : type == ElementType.INT16
                                        ? Short.MAX_VALUE
                                        : type == ElementType.INT8
                                                ? Byte.MAX_VALUE
                                                : type == ElementType.UINT8 ? 255 : 1;
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    double d = values.get(i);
                    if (d != Math.rint(d) || d < min || d > max || Math.abs(d) > 0x1p53) {
                        throw new JsonException("value " + i + " of \"" + where + "\" is " + d + "; input of type "
                                + type + " takes whole numbers in [" + min + ", " + max + "]");
                    }
                    a[i] = (long) d;
                }
                return switch (type) {
                    case INT64 -> a;
                    case INT32 -> Arrays.stream(a).mapToInt(Math::toIntExact).toArray();
                    case INT16 -> {
                        short[] s = new short[n];
                        for (int i = 0; i < n; i++) {
                            s[i] = (short) a[i];
                        }
                        yield s;
                    }
                    default -> {
                        byte[] b = new byte[n];
                        for (int i = 0; i < n; i++) {
                            b[i] = (byte) a[i];
                        }
                        yield b;
                    }
                };
            }
            default -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = toFloat(values.get(i), i, where);
                }
                return a;
            }
        }
    }

    /** The element type of the array {@link #array} makes for an input type. */
    private static ElementType arrayType(ElementType type) {
        return switch (type) {
            case DOUBLE, INT64, INT32, INT16, INT8, UINT8, BOOL -> type;
            default -> ElementType.FLOAT;
        };
    }

    private static float toFloat(double d, int j, String where) {
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new JsonException(
                    "value " + j + " of \"" + where + "\" is " + d + ", outside the float32 range" + " (|x| < 3.4e38)");
        }
        return f;
    }

    private static float[] sample(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new JsonException("\"" + where + "\" must be an array of numbers, got " + kind(value));
        }
        float[] x = new float[list.size()];
        for (int j = 0; j < x.length; j++) {
            if (!(list.get(j) instanceof Double d)) {
                throw new JsonException(
                        "value " + j + " of \"" + where + "\" is " + kind(list.get(j)) + "; expected a number");
            }
            x[j] = toFloat(d, j, where);
        }
        return x;
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "the number " + value;
    }
}
