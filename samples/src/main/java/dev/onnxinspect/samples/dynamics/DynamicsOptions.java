package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.runtime.SessionConfig;
import java.util.List;

/**
 * Settings of a {@link DynamicsAnalysis}; made by {@link #builder()}.
 *
 * @param layers       the layers (graph outputs) whose paths are followed; empty = every graph output except
 *                     {@code logits}, i.e. every hidden activation of an instrumented export
 * @param pathOptions  tau, pair sampling (SPEC §9: all pairs up to 256 probe samples, else a seeded sample) and
 *                     anchors; anchors turn on the path overlap / neighbour-rank statistics
 * @param batchSize    probe samples per ONNX Runtime call (default 256)
 * @param session      how ONNX Runtime runs each checkpoint (default CPU)
 */
public record DynamicsOptions(List<String> layers, PathOptions pathOptions, int batchSize, SessionConfig session) {
    public static final int DEFAULT_BATCH_SIZE = 256;

    public DynamicsOptions {
        if (layers == null || pathOptions == null || session == null) {
            throw new DynamicsException("layers, pathOptions and session must be given (an empty layer list means"
                    + " every hidden layer)");
        }
        layers = List.copyOf(layers);
        if (batchSize < 1) {
            throw new DynamicsException(
                    "batch size must be at least 1, got " + batchSize + "; the default is " + DEFAULT_BATCH_SIZE);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DynamicsOptions}; every setting has a default. */
    public static final class Builder {
        private List<String> layers = List.of();
        private PathOptions pathOptions = PathOptions.defaults();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private SessionConfig session = SessionConfig.defaults();

        private Builder() {}

        public Builder layers(List<String> value) {
            this.layers = value;
            return this;
        }

        public Builder pathOptions(PathOptions value) {
            this.pathOptions = value;
            return this;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder session(SessionConfig value) {
            this.session = value;
            return this;
        }

        public DynamicsOptions build() {
            return new DynamicsOptions(layers, pathOptions, batchSize, session);
        }
    }
}
