package dev.onnxinspect.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a model's graph, as {@link ModelDescription} lists it.
 *
 * @param name       the node name (may be empty: ONNX does not require one)
 * @param opType     the operator, e.g. {@code Conv}
 * @param domain     the operator domain; empty for the default ONNX domain
 * @param inputs     input tensor names in order (empty strings mark omitted optional inputs)
 * @param outputs    output tensor names in order
 * @param attributes attribute name to a readable value, in the order the node lists them
 */
public record NodeInfo(
        String name,
        String opType,
        String domain,
        List<String> inputs,
        List<String> outputs,
        Map<String, String> attributes) {
    public NodeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(domain, "domain");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** E.g. {@code Conv 'conv1' (x, W, b) -> (y) {kernel_shape=[3, 3]}}. */
    public String format() {
        String label = name.isEmpty() ? "" : " '" + name + "'";
        String dom = domain.isEmpty() ? "" : domain + ".";
        return dom + opType + label + " (" + String.join(", ", inputs) + ") -> (" + String.join(", ", outputs) + ")"
                + (attributes.isEmpty() ? "" : " " + attributes);
    }
}
