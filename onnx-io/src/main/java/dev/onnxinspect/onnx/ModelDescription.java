package dev.onnxinspect.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model contains, as {@link OnnxModel#describe()} reports it: a deeply immutable snapshot.
 *
 * @param source          where the model came from
 * @param irVersion       the ONNX IR version
 * @param producerName    the tool that wrote the model (may be empty)
 * @param producerVersion its version (may be empty)
 * @param opsetImports    operator domain (empty = default ONNX domain) to opset version, in file order
 * @param inputs          graph inputs that are not initializers (what a caller feeds), in order
 * @param outputs         graph outputs, in order
 * @param nodes           the top-level nodes in topological order
 * @param initializers    the stored weights, in file order (dense ones first, then sparse ones)
 * @param metadata        {@code metadata_props}, in file order
 */
public record ModelDescription(
        String source,
        long irVersion,
        String producerName,
        String producerVersion,
        Map<String, Long> opsetImports,
        List<ValueInfo> inputs,
        List<ValueInfo> outputs,
        List<NodeInfo> nodes,
        List<InitializerInfo> initializers,
        Map<String, String> metadata) {
    public ModelDescription {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(opsetImports));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The number of stored weight values (all initializers' elements). */
    public long parameterCount() {
        return initializers.stream().mapToLong(InitializerInfo::elementCount).sum();
    }

    /** A readable multi-line summary: header, inputs, outputs, nodes in topological order, initializers. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append("model ").append(source).append('\n');
        s.append("  ir_version ")
                .append(irVersion)
                .append(", producer ")
                .append(producerName.isEmpty() ? "(unknown)" : producerName)
                .append(producerVersion.isEmpty() ? "" : " " + producerVersion)
                .append('\n');
        s.append("  opsets:");
        opsetImports.forEach((domain, version) -> s.append(' ')
                .append(domain.isEmpty() ? "ai.onnx" : domain)
                .append('=')
                .append(version));
        s.append('\n');
        if (!metadata.isEmpty()) {
            s.append("  metadata: ").append(metadata).append('\n');
        }
        s.append("inputs (").append(inputs.size()).append("):\n");
        inputs.forEach(v -> s.append("  ").append(v.format()).append('\n'));
        s.append("outputs (").append(outputs.size()).append("):\n");
        outputs.forEach(v -> s.append("  ").append(v.format()).append('\n'));
        s.append("nodes (").append(nodes.size()).append(", topological order):\n");
        for (int i = 0; i < nodes.size(); i++) {
            s.append(String.format("  %4d  %s%n", i, nodes.get(i).format()));
        }
        s.append("initializers (")
                .append(initializers.size())
                .append(", ")
                .append(parameterCount())
                .append(" values):\n");
        initializers.forEach(t -> s.append("  ")
                .append(t.name())
                .append(": ")
                .append(t.elementType())
                .append(' ')
                .append(t.shape())
                .append(t.sparse() ? " (sparse)" : "")
                .append('\n'));
        return s.toString();
    }
}
