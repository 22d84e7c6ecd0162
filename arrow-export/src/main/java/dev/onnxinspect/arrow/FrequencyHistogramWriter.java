package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code frequency_histogram} table (SPEC §12, §2): one row per layer x significance x dataset x class x bin.
 *
 * <p>Columns: {@code layer}, {@code significance} ({@code S1}/{@code S2}), {@code dataset} (dictionary utf8);
 * {@code class}, {@code bin} (int32, 0..B-1); {@code lower}, {@code upper} (float64, b/B and (b+1)/B: bin b holds
 * [lower, upper), the last bin also 1.0); {@code neurons} (int64, neurons whose frequency falls in the bin). B is
 * {@link TableMetadata#bins()}, so the bin edges always match the metadata.
 */
public final class FrequencyHistogramWriter extends ArrowTableWriter {
    public static final String TABLE = "frequency_histogram";

    private final int bins;
    private final KeyColumn layer;
    private final KeyColumn significance;
    private final KeyColumn dataset;
    private final IntVector classIndex;
    private final IntVector bin;
    private final Float8Vector lower;
    private final Float8Vector upper;
    private final BigIntVector neurons;

    public FrequencyHistogramWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> layers,
            List<String> datasets)
            throws IOException {
        super(TableSink.open(
                TABLE,
                new ColumnSpec.Columns()
                        .key("layer", layers, false)
                        .key("significance", ActivationFrequencyWriter.SIGNIFICANCES, false)
                        .key("dataset", datasets, false)
                        .int32("class", false)
                        .int32("bin", false)
                        .float64("lower", false)
                        .float64("upper", false)
                        .int64("neurons"),
                file,
                metadata,
                options,
                allocator));
        this.bins = metadata.bins();
        this.layer = sink.key("layer");
        this.significance = sink.key("significance");
        this.dataset = sink.key("dataset");
        this.classIndex = sink.int32("class");
        this.bin = sink.int32("bin");
        this.lower = sink.float64("lower");
        this.upper = sink.float64("upper");
        this.neurons = sink.int64("neurons");
    }

    /** Writes the neuron count of bin {@code binIndex} (0 <= binIndex < B) of one class histogram. */
    public void write(
            String layerName,
            String significanceName,
            String datasetName,
            int classValue,
            int binIndex,
            long neuronCount) {
        if (binIndex < 0 || binIndex >= bins) {
            throw new ArrowExportException("bin must be between 0 and " + (bins - 1) + " (B = " + bins
                    + " from the table metadata), got " + binIndex);
        }
        int row = sink.row();
        layer.set(row, layerName);
        significance.set(row, significanceName);
        dataset.set(row, datasetName);
        classIndex.setSafe(row, nonNegative("class", classValue));
        bin.setSafe(row, binIndex);
        lower.setSafe(row, (double) binIndex / bins);
        upper.setSafe(row, (double) (binIndex + 1) / bins);
        neurons.setSafe(row, nonNegative("neurons", neuronCount));
        sink.endRow();
    }
}
