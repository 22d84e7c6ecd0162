package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code class_kl} table (SPEC §12, §4): one row per layer x quantity x ordered pair of (dataset, class)
 * profiles, KL(P || Q) in nats. Both directions of a pair are separate rows (KL is not symmetric).
 *
 * <p>Columns: {@code layer}, {@code quantity} (dictionary utf8, e.g. {@code activation_s1},
 * {@code activation_s2}, {@code interaction}); {@code dataset_p} (dictionary), {@code class_p} (int32),
 * {@code dataset_q} (dictionary), {@code class_q} (int32); {@code kl} (float64, finite: the smoothing alpha > 0
 * keeps every profile entry positive).
 */
public final class ClassKlWriter extends ArrowTableWriter {
    public static final String TABLE = "class_kl";

    private final KeyColumn layer;
    private final KeyColumn quantity;
    private final KeyColumn datasetP;
    private final IntVector classP;
    private final KeyColumn datasetQ;
    private final IntVector classQ;
    private final Float8Vector kl;

    /**
     * @param quantities every quantity name that will be written, e.g. {@code [activation_s1, interaction]}
     * @param datasets   every dataset name (the dictionary of both dataset columns)
     */
    public ClassKlWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            List<String> layers,
            List<String> quantities,
            List<String> datasets)
            throws IOException {
        super(TableSink.open(
                TABLE,
                new ColumnSpec.Columns()
                        .key("layer", layers, false)
                        .key("quantity", quantities, false)
                        .key("dataset_p", datasets, false)
                        .int32("class_p", false)
                        .key("dataset_q", datasets, false)
                        .int32("class_q", false)
                        .float64("kl", false),
                file,
                metadata,
                options,
                allocator));
        this.layer = sink.key("layer");
        this.quantity = sink.key("quantity");
        this.datasetP = sink.key("dataset_p");
        this.classP = sink.int32("class_p");
        this.datasetQ = sink.key("dataset_q");
        this.classQ = sink.int32("class_q");
        this.kl = sink.float64("kl");
    }

    /** Writes KL(P^{datasetP}_{classP} || P^{datasetQ}_{classQ}). */
    public void write(
            String layerName,
            String quantityName,
            String datasetPName,
            int classPValue,
            String datasetQName,
            int classQValue,
            double klValue) {
        int row = sink.row();
        layer.set(row, layerName);
        quantity.set(row, quantityName);
        datasetP.set(row, datasetPName);
        classP.setSafe(row, nonNegative("class_p", classPValue));
        datasetQ.set(row, datasetQName);
        classQ.setSafe(row, nonNegative("class_q", classQValue));
        kl.setSafe(row, finite("kl", klValue));
        sink.endRow();
    }
}
