package dev.onnxinspect.samples.service;

import dev.onnxinspect.guard.Verdict;
import dev.onnxinspect.io.JsonStrings;
import java.util.List;
import java.util.Map;

/**
 * Writes the service's responses as JSON text. Numbers are written with {@link Double#toString}, which reads back
 * to the same double. Choice: a non-finite score (activation-profile KL gives +inf to a sample with no active
 * neuron) is written as the string {@code "Infinity"} / {@code "-Infinity"}, because JSON has no such number.
 */
final class JsonWriter {
    private JsonWriter() {}

    /**
     * {@code {"prediction":..,"confidence":..,"ood":..,"detector":..,"score":..,"threshold":..,"p_value":..,
     * "scores":{..},"p_values":{..}}}: {@code p_value} is the primary detector's conformal p-value (SPEC §6b),
     * {@code p_values} every detector's; both null for a guard saved without calibration scores (format 1 or 2).
     */
    static String verdict(Verdict v) {
        StringBuilder out = new StringBuilder(256);
        appendVerdict(out, v);
        return out.toString();
    }

    /** {@code {"results":[verdict, ...]}}. */
    static String verdicts(List<Verdict> verdicts) {
        StringBuilder out = new StringBuilder(256 * verdicts.size() + 16).append("{\"results\":[");
        for (int i = 0; i < verdicts.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendVerdict(out, verdicts.get(i));
        }
        return out.append("]}").toString();
    }

    /** {@code {"status":code,"error":message}}. */
    static String error(int status, String message) {
        return "{\"status\":" + status + ",\"error\":" + string(message) + "}";
    }

    private static void appendVerdict(StringBuilder out, Verdict v) {
        out.append("{\"prediction\":")
                .append(v.predictedClass())
                .append(",\"confidence\":")
                .append(number(v.confidence()))
                .append(",\"ood\":")
                .append(v.ood())
                .append(",\"detector\":")
                .append(string(v.primaryDetector()))
                .append(",\"score\":")
                .append(number(v.score()))
                .append(",\"threshold\":")
                .append(number(v.threshold()))
                .append(",\"p_value\":")
                .append(v.pValues().isEmpty() ? "null" : number(v.pValue()))
                .append(",\"scores\":");
        appendMap(out, v.scores());
        out.append(",\"p_values\":");
        if (v.pValues().isEmpty()) {
            out.append("null");
        } else {
            appendMap(out, v.pValues());
        }
        out.append('}');
    }

    private static void appendMap(StringBuilder out, Map<String, Double> values) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            out.append(first ? "" : ",").append(string(e.getKey())).append(':').append(number(e.getValue()));
            first = false;
        }
        out.append('}');
    }

    static String number(double value) {
        if (Double.isFinite(value)) {
            return Double.toString(value);
        }
        return Double.isNaN(value) ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    }

    /** A JSON string literal with the escapes RFC 8259 requires. */
    static String string(String value) {
        return JsonStrings.quote(value);
    }

    /** A JSON array of strings. */
    static String strings(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(string(values.get(i)));
        }
        return out.append(']').toString();
    }
}
