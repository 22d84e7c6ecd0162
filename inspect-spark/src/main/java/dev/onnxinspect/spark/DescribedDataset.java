package dev.onnxinspect.spark;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import java.util.Iterator;

/**
 * A Spark Dataset as the single-machine audit's options name it ({@link dev.onnxinspect.audit.AuditOptions}): its
 * name, size and whether it is labelled, so that the distributed runs take the audit's own decisions (its memory
 * rule, its run parameters); its rows are read by Spark's partitions only.
 */
record DescribedDataset(String name, long size, boolean labelled) implements DataSource {
    @Override
    public int[] sampleShape() {
        return new int[] {1};
    }

    @Override
    public Iterator<Batch> batches(int batchSize) {
        throw new SparkInspectionException("the rows of the Spark Dataset " + name + " are read by its partitions,"
                + " not through the single-machine audit; run SparkInspection or SparkAudit on it");
    }
}
