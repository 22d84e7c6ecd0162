package dev.onnxinspect.samples.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code POST /predict} body: either {@code {"input": [x0, x1, ...]}} (one sample) or
 * {@code {"inputs": [[...], [...], ...]}} (a batch of at most {@code maxBatch} samples). Values must be finite
 * numbers within the float32 range; the sample length is checked by the guard.
 *
 * <p>Choice: a number is parsed as float64 and then rounded to float32 (two roundings). That equals a direct
 * float32 parse except for decimals within about 2^-29 (relative) of a midpoint between two float32 values.
 * Clients that need bit-exact inputs send values that are exact binary fractions (as the service tests do).
 *
 * @param inputs the samples, in request order
 * @param batch  whether the request used {@code "inputs"} (the response is then a list)
 */
record PredictRequest(List<float[]> inputs, boolean batch) {
    PredictRequest {
        inputs = List.copyOf(inputs);
    }

    /** @throws JsonException naming what is wrong and what was expected */
    static PredictRequest parse(String body, int maxBatch) {
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
            return new PredictRequest(List.of(sample(map.get("input"), "input")), false);
        }
        if (!(map.get("inputs") instanceof List<?> rows) || rows.isEmpty()) {
            throw new JsonException("\"inputs\" must be a non-empty array of samples (arrays of numbers), got "
                    + kind(map.get("inputs")));
        }
        if (rows.size() > maxBatch) {
            throw new JsonException("\"inputs\" holds " + rows.size() + " samples; this service takes at most "
                    + maxBatch + " per request: split the batch");
        }
        List<float[]> samples = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            samples.add(sample(rows.get(i), "inputs[" + i + "]"));
        }
        return new PredictRequest(samples, true);
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
            float f = d.floatValue();
            if (!Float.isFinite(f)) {
                throw new JsonException("value " + j + " of \"" + where + "\" is " + d + ", outside the float32 range"
                        + " (|x| < 3.4e38)");
            }
            x[j] = f;
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
