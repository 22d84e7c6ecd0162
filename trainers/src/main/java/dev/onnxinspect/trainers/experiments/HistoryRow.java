package dev.onnxinspect.trainers.experiments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the SPEC §12 {@code training_history} table (run x epoch), as plain values for the Arrow writer.
 *
 * @param runId         the run id
 * @param configuration the run's configuration: architecture, training config, variant facts and seed; copied
 */
public record HistoryRow(
        String runId,
        Map<String, String> configuration,
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        double weightNorm,
        double distanceFromInit) {
    public HistoryRow {
        configuration = Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
    }
}
