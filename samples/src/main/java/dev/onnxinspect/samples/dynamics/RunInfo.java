package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run as it goes into the {@code training_history} table (SPEC §12): its id, its configuration (string
 * key/values, e.g. the architecture's and the training config's {@code describe()}) and its per-epoch records
 * (epoch 0 = initial model). Immutable.
 */
public record RunInfo(String runId, Map<String, String> configuration, List<EpochRecord> history) {
    public RunInfo {
        if (runId == null || runId.isBlank()) {
            throw new DynamicsException("a run needs a non-blank id, e.g. mlp-seed1");
        }
        if (configuration == null || history == null) {
            throw new DynamicsException("run " + runId + ": configuration and history must be given (may be empty)");
        }
        configuration = Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
        history = List.copyOf(history);
    }
}
