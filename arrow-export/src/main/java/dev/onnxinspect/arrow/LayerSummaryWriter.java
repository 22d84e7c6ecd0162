package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code layer_summary} table (SPEC §12, §2 active fraction, §7 perplexity): one row per layer x dataset x
 * class.
 *
 * <p>Columns: {@code layer}, {@code dataset} (dictionary utf8); {@code class} (int32); {@code samples} (int64,
 * N_c); {@code active_fraction_s1}, {@code active_fraction_s2} (float64 in [0, 1]); {@code distinct_patterns}
 * (int64, 1..N_c); {@code entropy} (float64, nats, 0..ln N_c); {@code perplexity} (float64, e^entropy, 1..N_c).
 */
public final class LayerSummaryWriter extends ArrowTableWriter {
    public static final String TABLE = "layer_summary";

    private final KeyColumn layer;
    private final KeyColumn dataset;
    private final IntVector classIndex;
    private final BigIntVector samples;
    private final Float8Vector activeFractionS1;
    private final Float8Vector activeFractionS2;
    private final BigIntVector distinctPatterns;
    private final Float8Vector entropy;
    private final Float8Vector perplexity;

    public LayerSummaryWriter(
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
                        .int64("samples")
                        .float64("active_fraction_s1", false)
                        .float64("active_fraction_s2", false)
                        .int64("distinct_patterns")
                        .float64("entropy", false)
                        .float64("perplexity", false),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.dataset = sink.key("dataset");
        this.classIndex = sink.int32("class");
        this.samples = sink.int64("samples");
        this.activeFractionS1 = sink.float64("active_fraction_s1");
        this.activeFractionS2 = sink.float64("active_fraction_s2");
        this.distinctPatterns = sink.int64("distinct_patterns");
        this.entropy = sink.float64("entropy");
        this.perplexity = sink.float64("perplexity");
    }

    /** Writes one class's summary of one layer; the ranges in the class Javadoc are checked. */
    public void write(
            String layerName,
            String datasetName,
            int classValue,
            long samplesValue,
            double activeFractionS1Value,
            double activeFractionS2Value,
            long distinctPatternsValue,
            double entropyValue,
            double perplexityValue) {
        if (samplesValue < 1) {
            throw new ArrowExportException(
                    "samples must be >= 1, got " + samplesValue + "; SPEC §2: a class without samples yields no rows");
        }
        if (distinctPatternsValue < 1 || distinctPatternsValue > samplesValue) {
            throw new ArrowExportException("distinct_patterns must be between 1 and samples " + samplesValue + ", got "
                    + distinctPatternsValue);
        }
        if (!(entropyValue >= 0) || Double.isInfinite(entropyValue)) {
            throw new ArrowExportException("entropy must be finite and >= 0, got " + entropyValue);
        }
        if (!(perplexityValue >= 1) || Double.isInfinite(perplexityValue)) {
            throw new ArrowExportException("perplexity = e^entropy must be finite and >= 1, got " + perplexityValue);
        }
        int row = sink.row();
        layer.set(row, layerName);
        dataset.set(row, datasetName);
        classIndex.setSafe(row, nonNegative("class", classValue));
        samples.setSafe(row, samplesValue);
        activeFractionS1.setSafe(row, fraction("active_fraction_s1", activeFractionS1Value));
        activeFractionS2.setSafe(row, fraction("active_fraction_s2", activeFractionS2Value));
        distinctPatterns.setSafe(row, distinctPatternsValue);
        entropy.setSafe(row, entropyValue);
        perplexity.setSafe(row, perplexityValue);
        sink.endRow();
    }
}
