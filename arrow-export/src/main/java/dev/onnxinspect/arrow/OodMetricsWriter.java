package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;

/**
 * The {@code ood_metrics} table (SPEC §12): one row per detector x layer x (ID set, OOD set) with the SPEC §6
 * metrics.
 *
 * <p>Columns: {@code detector}, {@code layer} (null for detectors that are not per layer), {@code id_dataset},
 * {@code ood_dataset} (dictionary utf8); {@code auroc}, {@code aupr_in}, {@code aupr_out} (step-wise average
 * precision), {@code aupr_in_trapz}, {@code aupr_out_trapz} (trapezoid rule, OpenOOD's convention), {@code fpr95_id},
 * {@code fpr95_ood}, {@code detection_error} (float64, each in [0, 1]); {@code n_id}, {@code n_ood} (int64).
 */
public final class OodMetricsWriter extends ArrowTableWriter {
    public static final String TABLE = "ood_metrics";
    private static final String[] METRICS = {
        "auroc", "aupr_in", "aupr_out", "aupr_in_trapz", "aupr_out_trapz", "fpr95_id", "fpr95_ood", "detection_error"
    };

    /**
     * The metrics of one detector on one (ID, OOD) pair (SPEC §6); every fraction in [0, 1], both counts >= 1.
     */
    public record Metrics(
            double auroc,
            double auprIn,
            double auprOut,
            double auprInTrapz,
            double auprOutTrapz,
            double fpr95Id,
            double fpr95Ood,
            double detectionError,
            long nId,
            long nOod) {
        public Metrics {
            fraction("auroc", auroc);
            fraction("aupr_in", auprIn);
            fraction("aupr_out", auprOut);
            fraction("aupr_in_trapz", auprInTrapz);
            fraction("aupr_out_trapz", auprOutTrapz);
            fraction("fpr95_id", fpr95Id);
            fraction("fpr95_ood", fpr95Ood);
            fraction("detection_error", detectionError);
            if (nId < 1 || nOod < 1) {
                throw new ArrowExportException(
                        "metrics need at least one ID and one OOD sample, got n_id=" + nId + ", n_ood=" + nOod);
            }
        }

        private double[] values() {
            return new double[] {auroc, auprIn, auprOut, auprInTrapz, auprOutTrapz, fpr95Id, fpr95Ood, detectionError};
        }
    }

    private final KeyColumn detector;
    private final KeyColumn layer;
    private final KeyColumn idDataset;
    private final KeyColumn oodDataset;
    private final Float8Vector[] metrics = new Float8Vector[METRICS.length];
    private final BigIntVector nId;
    private final BigIntVector nOod;

    /**
     * @param detectors every detector name that will be written
     * @param layers    every layer name that will be written (may be empty when no detector is per layer)
     * @param datasets  every dataset name, ID or OOD (the dictionary of both dataset columns)
     */
    public OodMetricsWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> detectors,
            List<String> layers,
            List<String> datasets)
            throws IOException {
        super(TableSink.open(TABLE, columns(detectors, layers, datasets), file, metadata, options, allocator));
        this.detector = sink.key("detector");
        this.layer = sink.key("layer");
        this.idDataset = sink.key("id_dataset");
        this.oodDataset = sink.key("ood_dataset");
        for (int i = 0; i < METRICS.length; i++) {
            metrics[i] = sink.float64(METRICS[i]);
        }
        this.nId = sink.int64("n_id");
        this.nOod = sink.int64("n_ood");
    }

    private static ColumnSpec.Columns columns(List<String> detectors, List<String> layers, List<String> datasets) {
        ColumnSpec.Columns columns = new ColumnSpec.Columns()
                .key("detector", detectors, false)
                .key("layer", layers, true)
                .key("id_dataset", datasets, false)
                .key("ood_dataset", datasets, false);
        for (String metric : METRICS) {
            columns.float64(metric, false);
        }
        return columns.int64("n_id").int64("n_ood");
    }

    /** Writes one row; {@code layer} is null for a detector that is not per layer. */
    public void write(
            String detectorName, String layerName, String idDatasetName, String oodDatasetName, Metrics values) {
        int row = sink.row();
        detector.set(row, detectorName);
        layer.set(row, layerName);
        idDataset.set(row, idDatasetName);
        oodDataset.set(row, oodDatasetName);
        double[] v = values.values();
        for (int i = 0; i < v.length; i++) {
            metrics[i].setSafe(row, v[i]);
        }
        nId.setSafe(row, values.nId());
        nOod.setSafe(row, values.nOod());
        sink.endRow();
    }
}
