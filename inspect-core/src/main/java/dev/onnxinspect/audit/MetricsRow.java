package dev.onnxinspect.audit;

import dev.onnxinspect.metrics.OodEvaluation;

/**
 * The SPEC §6 metrics of one detector (on one layer, for per-layer detectors) on one (ID, OOD) pair.
 *
 * @param column     the score column name in the scores table
 * @param detector   the detector's name without the layer
 * @param layer      the layer of a per-layer detector, null otherwise
 * @param idDataset  the ID set
 * @param oodDataset the OOD set
 * @param evaluation the metrics and the ROC curve
 */
public record MetricsRow(
        String column, String detector, String layer, String idDataset, String oodDataset, OodEvaluation evaluation) {}
