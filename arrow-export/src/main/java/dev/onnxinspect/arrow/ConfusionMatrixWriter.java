package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code confusion_matrix} table: the model's predictions against the true labels of a labelled evaluation set
 * (the breakdown of the SPEC §6 classification accuracy), one row per (dataset, true class, predicted class).
 *
 * <p>Columns: {@code dataset} (dictionary utf8); {@code true_class}, {@code predicted_class} (int32, 0..K-1);
 * {@code count} (int64, >= 1). Choice: only cells with at least one sample are written (a missing cell is 0), so
 * that K = 1000 classes give at most one row per sample rather than a million rows; the class sizes are the sums of
 * {@code count} per {@code true_class}.
 */
public final class ConfusionMatrixWriter extends ArrowTableWriter {
    public static final String TABLE = "confusion_matrix";

    private final KeyColumn dataset;
    private final IntVector trueClass;
    private final IntVector predictedClass;
    private final BigIntVector count;

    public ConfusionMatrixWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> datasets)
            throws IOException {
        super(TableSink.open(
                TABLE,
                new ColumnSpec.Columns()
                        .key("dataset", datasets, false)
                        .int32("true_class", false)
                        .int32("predicted_class", false)
                        .int64("count"),
                file,
                metadata,
                options,
                allocator));
        this.dataset = sink.key("dataset");
        this.trueClass = sink.int32("true_class");
        this.predictedClass = sink.int32("predicted_class");
        this.count = sink.int64("count");
    }

    /** Writes one non-empty cell. */
    public void write(String datasetName, int trueClassId, int predictedClassId, long samples) {
        if (samples < 1) {
            throw new ArrowExportException("confusion_matrix holds cells with at least one sample; got " + samples
                    + " for true class " + trueClassId + ", predicted " + predictedClassId);
        }
        int row = sink.row();
        dataset.set(row, datasetName);
        trueClass.setSafe(row, nonNegative("true_class", trueClassId));
        predictedClass.setSafe(row, nonNegative("predicted_class", predictedClassId));
        count.setSafe(row, samples);
        sink.endRow();
    }
}
