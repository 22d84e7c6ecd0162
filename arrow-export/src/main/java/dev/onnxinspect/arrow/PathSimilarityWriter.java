package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code path_similarity} table (SPEC §12, §9): one row per layer x checkpoint step x probe sample (self
 * similarity) or probe pair (cross similarities).
 *
 * <p>Columns: {@code layer} (dictionary utf8); {@code step} (int32, t >= 1: the row compares checkpoint t-1 with
 * t); {@code kind} (dictionary utf8: {@code self}, {@code cross_pattern}, {@code cross_activation});
 * {@code sample_i} (int32); {@code sample_j} (int32, null for {@code self}); {@code similarity} (float64, a cosine;
 * 0 for an all-zero vector per SPEC §9).
 */
public final class PathSimilarityWriter extends ArrowTableWriter {
    public static final String TABLE = "path_similarity";
    public static final String SELF = "self";
    public static final String CROSS_PATTERN = "cross_pattern";
    public static final String CROSS_ACTIVATION = "cross_activation";
    /** The kind dictionary. */
    public static final List<String> KINDS = List.of(SELF, CROSS_PATTERN, CROSS_ACTIVATION);

    private final KeyColumn layer;
    private final IntVector step;
    private final KeyColumn kind;
    private final IntVector sampleI;
    private final IntVector sampleJ;
    private final Float8Vector similarity;

    public PathSimilarityWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> layers)
            throws IOException {
        super(TableSink.open(
                TABLE,
                new ColumnSpec.Columns()
                        .key("layer", layers, false)
                        .int32("step", false)
                        .key("kind", KINDS, false)
                        .int32("sample_i", false)
                        .int32("sample_j", true)
                        .float64("similarity", false),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.step = sink.int32("step");
        this.kind = sink.key("kind");
        this.sampleI = sink.int32("sample_i");
        this.sampleJ = sink.int32("sample_j");
        this.similarity = sink.float64("similarity");
    }

    /** Writes cos(p_i^{t-1}, p_i^t), the self similarity of probe sample {@code sample} at step {@code t}. */
    public void writeSelf(String layerName, int t, int sample, double value) {
        int row = start(layerName, t, SELF, sample, value);
        sampleJ.setNull(row);
        sink.endRow();
    }

    /**
     * Writes a cross path similarity of the pair (i, j) at step {@code t}.
     *
     * @param kindName {@link #CROSS_PATTERN} (from S1 patterns) or {@link #CROSS_ACTIVATION} (from activations)
     */
    public void writeCross(String layerName, int t, String kindName, int i, int j, double value) {
        if (!CROSS_PATTERN.equals(kindName) && !CROSS_ACTIVATION.equals(kindName)) {
            throw new ArrowExportException("a cross similarity has kind " + CROSS_PATTERN + " or " + CROSS_ACTIVATION
                    + ", got '" + kindName + "'; use writeSelf for self similarities");
        }
        if (i == j) {
            throw new ArrowExportException("a cross similarity needs two different samples, got i = j = " + i);
        }
        int row = start(layerName, t, kindName, i, value);
        sampleJ.setSafe(row, nonNegative("sample_j", j));
        sink.endRow();
    }

    private int start(String layerName, int t, String kindName, int i, double value) {
        if (t < 1) {
            throw new ArrowExportException("step must be >= 1 (step t compares checkpoint t-1 with t), got " + t);
        }
        int row = sink.row();
        layer.set(row, layerName);
        step.setSafe(row, t);
        kind.set(row, kindName);
        sampleI.setSafe(row, nonNegative("sample_i", i));
        similarity.setSafe(row, finite("similarity", value));
        return row;
    }
}
