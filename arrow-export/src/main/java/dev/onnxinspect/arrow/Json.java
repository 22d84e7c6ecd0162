package dev.onnxinspect.arrow;

import dev.onnxinspect.io.JsonStrings;
import java.util.List;
import java.util.Map;

/** The little JSON this package writes (the manifest, lists in schema metadata): strings, numbers, lists, maps. */
final class Json {
    private Json() {}

    /** A JSON string literal with the escapes RFC 8259 requires. */
    static String string(String value) {
        return JsonStrings.quote(value);
    }

    static String stringList(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(string(values.get(i)));
        }
        return out.append(']').toString();
    }

    /** An object of string values, keys in the map's iteration order, one entry per line at the given indent. */
    static String stringMap(Map<String, String> values, String indent) {
        if (values.isEmpty()) {
            return "{}";
        }
        StringBuilder out = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out.append(indent)
                    .append("  ")
                    .append(string(e.getKey()))
                    .append(": ")
                    .append(string(e.getValue()));
            out.append(++i < values.size() ? ",\n" : "\n");
        }
        return out.append(indent).append('}').toString();
    }
}
