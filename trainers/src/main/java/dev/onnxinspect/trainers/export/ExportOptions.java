package dev.onnxinspect.trainers.export;

import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link OnnxExporter}; made by {@link #builder()}.
 *
 * @param includePreActivations also expose the outputs of dense, convolution and batch-norm layers (e.g.
 *                              {@code dense1/linear}); hidden activations and logits are always exposed
 * @param iocWeights            how IOC weights are written (default transformed initializers)
 * @param opset                 the ONNX opset (default 17)
 * @param metadata              extra {@code metadata_props}, e.g. the epoch of a checkpoint; copied
 */
public record ExportOptions(
        boolean includePreActivations, IocWeightExport iocWeights, int opset, Map<String, String> metadata) {

    /** Hidden activations only, transformed IOC weights, opset 17, no extra metadata. */
    public static final ExportOptions DEFAULTS = builder().build();

    public ExportOptions {
        Objects.requireNonNull(iocWeights, "iocWeights");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ExportOptions}; not thread-safe. */
    public static final class Builder {
        private boolean includePreActivations;
        private IocWeightExport iocWeights = IocWeightExport.TRANSFORMED_INITIALIZERS;
        private int opset = GraphBuilder.DEFAULT_OPSET;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        public Builder includePreActivations(boolean value) {
            this.includePreActivations = value;
            return this;
        }

        public Builder iocWeights(IocWeightExport value) {
            this.iocWeights = value;
            return this;
        }

        public Builder opset(int value) {
            this.opset = value;
            return this;
        }

        /** Adds one metadata entry (keys must not clash with the exporter's own {@code onnx_inspect.*} keys). */
        public Builder metadata(String key, String value) {
            this.metadata.put(key, value);
            return this;
        }

        public Builder metadata(Map<String, String> values) {
            this.metadata.putAll(values);
            return this;
        }

        public ExportOptions build() {
            return new ExportOptions(includePreActivations, iocWeights, opset, metadata);
        }
    }
}
