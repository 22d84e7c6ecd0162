package dev.onnxinspect.spark;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.ood.DetectorSuite;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a {@link SparkAudit} gives: the fitted detectors, the evaluated Datasets with their score columns, and the
 * SPEC §6 metrics.
 *
 * @param suite            the fitted detectors (the same suite the single-machine audit fits on the same data)
 * @param skippedDetectors one line "detector: reason" per detector left out (no dense head, not fittable on this data)
 * @param fitSamples       the fit samples every partition saw together (exact: a retried task is counted once)
 * @param columns          the score columns, in suite order
 * @param scored           per evaluated set (the ID set first), its rows with {@value SparkAudit#PREDICTED} and one
 *                         float64 column per detector ({@link ScoreColumn#tableColumn()}); persisted, see
 *                         {@link #unpersist()}
 * @param metrics          SPEC §6 per detector and (ID, OOD) pair, as the single-machine audit's rows
 * @param idAccuracy       the model's accuracy on the ID set, empty when it has no labels
 * @param tables           the same as the single-machine audit's record, for {@link SparkAudit#writeTables}: every
 *                         evaluated set's per-sample labels, predictions and scores (in each Dataset's row order,
 *                         held on the driver: 8 bytes per detector and sample), the metrics, the skipped detectors
 *                         and the run's parameters; no layer statistics, interactions or KL (the distributed
 *                         inspection's, {@link SparkInspection}) and no node classifiers
 */
public record SparkAuditResult(
        DetectorSuite suite,
        List<String> skippedDetectors,
        long fitSamples,
        List<ScoreColumn> columns,
        Map<String, Dataset<Row>> scored,
        List<MetricsRow> metrics,
        OptionalDouble idAccuracy,
        AuditResult tables) {
    public SparkAuditResult {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(idAccuracy, "idAccuracy");
        skippedDetectors = List.copyOf(skippedDetectors);
        columns = List.copyOf(columns);
        scored = Collections.unmodifiableMap(new LinkedHashMap<>(scored));
        metrics = List.copyOf(metrics);
    }

    /** The metrics row of a score column on one OOD set. */
    public MetricsRow metrics(String column, String oodDataset) {
        return metrics.stream()
                .filter(m -> m.column().equals(column) && m.oodDataset().equals(oodDataset))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metrics for column " + column + " on "
                        + oodDataset + "; the columns are "
                        + columns.stream().map(ScoreColumn::name).toList()
                        + " and the OOD sets "
                        + scored.keySet().stream().skip(1).toList()));
    }

    /** Releases the cached score Datasets (they are recomputed, model runs included, if used again). */
    public void unpersist() {
        scored.values().forEach(Dataset::unpersist);
    }
}
