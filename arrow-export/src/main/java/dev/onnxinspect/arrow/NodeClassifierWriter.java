package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code node_classifier} table (SPEC §12, §8): one row per layer x node, and one row per layer.
 *
 * <p>Columns: {@code layer}, {@code fit_dataset}, {@code eval_dataset} (dictionary utf8); {@code node} (int32,
 * nullable); {@code accuracy} (float64, nullable); {@code layer_accuracy} (float64, nullable).
 * Choice: each row carries exactly one measurement. A node row has {@code node} and the node's own
 * {@code accuracy}, with {@code layer_accuracy} null; the layer row has {@code node} and {@code accuracy} null and the
 * layer's combined-prediction accuracy in {@code layer_accuracy}. Filtering on {@code node IS NULL} selects the
 * layer rows.
 */
public final class NodeClassifierWriter extends ArrowTableWriter {
    public static final String TABLE = "node_classifier";

    private final KeyColumn layer;
    private final KeyColumn fitDataset;
    private final KeyColumn evalDataset;
    private final IntVector node;
    private final Float8Vector accuracy;
    private final Float8Vector layerAccuracy;

    /** @param datasets every dataset name, fit or evaluation (the dictionary of both dataset columns) */
    public NodeClassifierWriter(
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
                        .key("fit_dataset", datasets, false)
                        .key("eval_dataset", datasets, false)
                        .int32("node", true)
                        .float64("accuracy", true)
                        .float64("layer_accuracy", true),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.fitDataset = sink.key("fit_dataset");
        this.evalDataset = sink.key("eval_dataset");
        this.node = sink.int32("node");
        this.accuracy = sink.float64("accuracy");
        this.layerAccuracy = sink.float64("layer_accuracy");
    }

    /** Writes the accuracy of node {@code nodeIndex} used alone as a classifier (argmax of its own estimate). */
    public void writeNode(
            String layerName, String fitDatasetName, String evalDatasetName, int nodeIndex, double nodeAccuracy) {
        int row = sink.row();
        layer.set(row, layerName);
        fitDataset.set(row, fitDatasetName);
        evalDataset.set(row, evalDatasetName);
        node.setSafe(row, nonNegative("node", nodeIndex));
        accuracy.setSafe(row, fraction("accuracy", nodeAccuracy));
        layerAccuracy.setNull(row);
        sink.endRow();
    }

    /** Writes the accuracy of the layer's prediction, argmax over classes of the summed node log-estimates. */
    public void writeLayer(String layerName, String fitDatasetName, String evalDatasetName, double accuracyValue) {
        int row = sink.row();
        layer.set(row, layerName);
        fitDataset.set(row, fitDatasetName);
        evalDataset.set(row, evalDatasetName);
        node.setNull(row);
        accuracy.setNull(row);
        layerAccuracy.setSafe(row, fraction("layer_accuracy", accuracyValue));
        sink.endRow();
    }
}
