package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code interaction_frequency} table (SPEC §12, §3): one row per dense layer x dataset x class x (out, in).
 *
 * <p>Columns: {@code layer}, {@code dataset} (dictionary utf8); {@code class}, {@code out_neuron},
 * {@code in_neuron} (int32); {@code count}, {@code class_size} (int64); {@code frequency} (float64,
 * G_l[c, i, j] = count / class_size, computed here from the integers).
 */
public final class InteractionFrequencyWriter extends ArrowTableWriter {
    public static final String TABLE = "interaction_frequency";

    private final KeyColumn layer;
    private final KeyColumn dataset;
    private final IntVector classIndex;
    private final IntVector outNeuron;
    private final IntVector inNeuron;
    private final BigIntVector count;
    private final BigIntVector classSize;
    private final Float8Vector frequency;

    public InteractionFrequencyWriter(
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
                        .key("dataset", datasets, false)
                        .int32("class", false)
                        .int32("out_neuron", false)
                        .int32("in_neuron", false)
                        .int64("count")
                        .int64("class_size")
                        .float64("frequency", false),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.dataset = sink.key("dataset");
        this.classIndex = sink.int32("class");
        this.outNeuron = sink.int32("out_neuron");
        this.inNeuron = sink.int32("in_neuron");
        this.count = sink.int64("count");
        this.classSize = sink.int64("class_size");
        this.frequency = sink.float64("frequency");
    }

    /** Writes G_l[c, i, j]: {@code countValue} of the class's {@code classSizeValue} samples had (i, j) significant. */
    public void write(
            String layerName,
            String datasetName,
            int classValue,
            int outNeuronValue,
            int inNeuronValue,
            long countValue,
            long classSizeValue) {
        ActivationFrequencyWriter.checkCount(countValue, classSizeValue);
        int row = sink.row();
        layer.set(row, layerName);
        dataset.set(row, datasetName);
        classIndex.setSafe(row, nonNegative("class", classValue));
        outNeuron.setSafe(row, nonNegative("out_neuron", outNeuronValue));
        inNeuron.setSafe(row, nonNegative("in_neuron", inNeuronValue));
        count.setSafe(row, countValue);
        classSize.setSafe(row, classSizeValue);
        frequency.setSafe(row, (double) countValue / (double) classSizeValue);
        sink.endRow();
    }
}
