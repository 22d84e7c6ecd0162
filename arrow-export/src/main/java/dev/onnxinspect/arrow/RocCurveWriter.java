package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;

/**
 * The {@code roc_curve} table (SPEC §12, §6): one row per detector x layer x (ID, OOD) pair x distinct threshold.
 *
 * <p>Columns: {@code detector}, {@code layer} (nullable), {@code id_dataset}, {@code ood_dataset} (dictionary
 * utf8); {@code threshold}, {@code tpr}, {@code fpr} (float64). Choice: OOD is the positive class (scores are
 * higher = more OOD), a sample is flagged when its score is {@code >= threshold}; {@code tpr} is the fraction of OOD
 * samples flagged and {@code fpr} the fraction of ID samples flagged. The threshold may be +infinity (the point
 * (0, 0)); NaN is rejected.
 */
public final class RocCurveWriter extends ArrowTableWriter {
    public static final String TABLE = "roc_curve";

    private final KeyColumn detector;
    private final KeyColumn layer;
    private final KeyColumn idDataset;
    private final KeyColumn oodDataset;
    private final Float8Vector threshold;
    private final Float8Vector tpr;
    private final Float8Vector fpr;

    /** Dictionaries as for {@link OodMetricsWriter}. */
    public RocCurveWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> detectors,
            List<String> layers,
            List<String> datasets)
            throws IOException {
        super(TableSink.open(
                TABLE,
                new ColumnSpec.Columns()
                        .key("detector", detectors, false)
                        .key("layer", layers, true)
                        .key("id_dataset", datasets, false)
                        .key("ood_dataset", datasets, false)
                        .float64("threshold", false)
                        .float64("tpr", false)
                        .float64("fpr", false),
                file,
                metadata,
                options,
                allocator));
        this.detector = sink.key("detector");
        this.layer = sink.key("layer");
        this.idDataset = sink.key("id_dataset");
        this.oodDataset = sink.key("ood_dataset");
        this.threshold = sink.float64("threshold");
        this.tpr = sink.float64("tpr");
        this.fpr = sink.float64("fpr");
    }

    /** Writes one point of the curve; {@code layer} is null for a detector that is not per layer. */
    public void write(
            String detectorName,
            String layerName,
            String idDatasetName,
            String oodDatasetName,
            double thresholdValue,
            double tprValue,
            double fprValue) {
        int row = sink.row();
        detector.set(row, detectorName);
        layer.set(row, layerName);
        idDataset.set(row, idDatasetName);
        oodDataset.set(row, oodDatasetName);
        threshold.setSafe(row, finiteOrInfinite("threshold", thresholdValue));
        tpr.setSafe(row, fraction("tpr", tprValue));
        fpr.setSafe(row, fraction("fpr", fprValue));
        sink.endRow();
    }
}
