package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code activation_frequency} table (SPEC §12, §2): one row per layer x significance x dataset x class x
 * neuron.
 *
 * <p>Columns: {@code layer}, {@code significance} ({@code S1} or {@code S2}), {@code dataset} (dictionary utf8);
 * {@code class}, {@code neuron} (int32); {@code count} (int64, samples of the class in which the neuron is
 * significant); {@code class_size} (int64, N_c); {@code frequency} (float64, F_l[c, j] = count / class_size, computed
 * here in float64 from the two integers so that it always agrees with them).
 */
public final class ActivationFrequencyWriter extends ArrowTableWriter {
    public static final String TABLE = "activation_frequency";
    /** The significance dictionary (SPEC §1). */
    public static final List<String> SIGNIFICANCES = List.of("S1", "S2");

    private final KeyColumn layer;
    private final KeyColumn significance;
    private final KeyColumn dataset;
    private final IntVector classIndex;
    private final IntVector neuron;
    private final BigIntVector count;
    private final BigIntVector classSize;
    private final Float8Vector frequency;

    public ActivationFrequencyWriter(
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
                        .key("significance", SIGNIFICANCES, false)
                        .key("dataset", datasets, false)
                        .int32("class", false)
                        .int32("neuron", false)
                        .int64("count")
                        .int64("class_size")
                        .float64("frequency", false),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.significance = sink.key("significance");
        this.dataset = sink.key("dataset");
        this.classIndex = sink.int32("class");
        this.neuron = sink.int32("neuron");
        this.count = sink.int64("count");
        this.classSize = sink.int64("class_size");
        this.frequency = sink.float64("frequency");
    }

    /**
     * Writes F_l[c, j] of one neuron.
     *
     * @param significanceName {@code S1} or {@code S2}
     * @param countValue       samples of class c in which neuron j is significant, 0..classSizeValue
     * @param classSizeValue   N_c, at least 1 (SPEC §2: a class without samples yields no rows)
     */
    public void write(
            String layerName,
            String significanceName,
            String datasetName,
            int classValue,
            int neuronValue,
            long countValue,
            long classSizeValue) {
        checkCount(countValue, classSizeValue);
        int row = sink.row();
        layer.set(row, layerName);
        significance.set(row, significanceName);
        dataset.set(row, datasetName);
        classIndex.setSafe(row, nonNegative("class", classValue));
        neuron.setSafe(row, nonNegative("neuron", neuronValue));
        count.setSafe(row, countValue);
        classSize.setSafe(row, classSizeValue);
        frequency.setSafe(row, (double) countValue / (double) classSizeValue);
        sink.endRow();
    }

    /** SPEC §2: N_c >= 1 (no rows for an empty class) and 0 <= count <= N_c. */
    static void checkCount(long count, long classSize) {
        if (classSize < 1) {
            throw new ArrowExportException("class_size must be >= 1, got " + classSize
                    + "; SPEC §2: a class without samples yields no rows, so leave it out");
        }
        if (count < 0 || count > classSize) {
            throw new ArrowExportException("count must be between 0 and class_size " + classSize + ", got " + count);
        }
    }
}
