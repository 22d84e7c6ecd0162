package dev.onnxinspect.arrow;

import dev.onnxinspect.audit.ScoreColumn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code scores} table (SPEC §12): one row per sample with its OOD scores (SPEC §5, higher = more OOD).
 *
 * <p>Columns: {@code dataset} (dictionary utf8), {@code sample_index} (int64, the sample's position in its data
 * source), {@code label} (int32, null for unlabelled data), {@code predicted} (int32, argmax of the logits), then
 * one float64 column per score column name given to the constructor, in that order. Per-layer detectors have one
 * column per layer; {@link #scoreColumn(String, String)} makes the conventional name {@code detector@layer}.
 * Scores may be +infinity (e.g. activation-profile KL of a sample with no active neuron); NaN is rejected.
 */
public final class ScoresWriter extends ArrowTableWriter {
    public static final String TABLE = "scores";

    private final KeyColumn dataset;
    private final BigIntVector sampleIndex;
    private final IntVector label;
    private final IntVector predicted;
    private final List<String> scoreColumns;
    private final Float8Vector[] scores;

    /**
     * @param datasets     every dataset name that will be written (the dictionary of the dataset column)
     * @param scoreColumns the score column names in order, e.g. {@code [msp, energy, nap_hamming@fc1]}
     * @throws IOException if the temporary file cannot be created
     */
    public ScoresWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> datasets,
            List<String> scoreColumns)
            throws IOException {
        super(TableSink.open(TABLE, columns(datasets, scoreColumns), file, metadata, options, allocator));
        this.dataset = sink.key("dataset");
        this.sampleIndex = sink.int64("sample_index");
        this.label = sink.int32("label");
        this.predicted = sink.int32("predicted");
        this.scoreColumns = List.copyOf(scoreColumns);
        this.scores = new Float8Vector[this.scoreColumns.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = sink.float64(this.scoreColumns.get(i));
        }
    }

    private static ColumnSpec.Columns columns(List<String> datasets, List<String> scoreColumns) {
        if (scoreColumns.isEmpty()) {
            throw new ArrowExportException("a scores table needs at least one score column; give the detector"
                    + " names (and detector@layer for per-layer detectors)");
        }
        ColumnSpec.Columns columns = new ColumnSpec.Columns()
                .key("dataset", datasets, false)
                .int64("sample_index")
                .int32("label", true)
                .int32("predicted", false);
        for (String name : scoreColumns) {
            columns.float64(name, false);
        }
        return columns;
    }

    /** The conventional score column name of a per-layer detector: {@code detector@layer}. */
    public static String scoreColumn(String detector, String layer) {
        return ScoreColumn.tableColumn(detector, layer);
    }

    /** The score column names, in column order. */
    public List<String> scoreColumns() {
        return scoreColumns;
    }

    /** Writes one labelled sample; {@code scores} in the order of {@link #scoreColumns()}. */
    public void write(String dataset, long sampleIndex, int label, int predicted, double... scores) {
        writeRow(dataset, sampleIndex, nonNegative("label", label), predicted, scores, true);
    }

    /** Writes one sample without a label ({@code label} is null). */
    public void writeUnlabelled(String dataset, long sampleIndex, int predicted, double... scores) {
        writeRow(dataset, sampleIndex, 0, predicted, scores, false);
    }

    private void writeRow(
            String datasetName, long index, int labelValue, int predictedValue, double[] values, boolean labelled) {
        if (values.length != scores.length) {
            throw new ArrowExportException(
                    "expected " + scores.length + " scores " + scoreColumns + ", got " + values.length);
        }
        int row = sink.row();
        dataset.set(row, datasetName);
        sampleIndex.setSafe(row, nonNegative("sample_index", index));
        if (labelled) {
            label.setSafe(row, labelValue);
        } else {
            label.setNull(row);
        }
        predicted.setSafe(row, nonNegative("predicted", predictedValue));
        for (int i = 0; i < values.length; i++) {
            scores[i].setSafe(row, finiteOrInfinite(scoreColumns.get(i), values[i]));
        }
        sink.endRow();
    }
}
