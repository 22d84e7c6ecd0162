package dev.onnxinspect.spark;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;

/**
 * One partition's rows as a single-pass {@link DataSource} of unknown size, read through a {@link RowInputs.Bound}
 * mapping (the element types, reshaping and row errors of the inspection's {@code PartitionTask}); used by the
 * distributed audit's fit and score tasks.
 */
final class RowSource implements DataSource {
    private final String name;
    private final RowInputs.Bound rows;
    private final Iterator<Row> partition;
    private final TaskContext task;
    private boolean read;

    /** {@code task}: the Spark task reading the rows (null outside one), see {@link RowInputs.Bound#batches}. */
    RowSource(String name, RowInputs.Bound rows, Iterator<Row> partition, TaskContext task) {
        this.name = name;
        this.rows = rows;
        this.partition = partition;
        this.task = task;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int[] sampleShape() {
        long[] shape = rows.specs().get(0).sampleShape();
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = (int) Math.max(1, shape[d]);
        }
        return out;
    }

    @Override
    public List<InputSpec> inputs() {
        return rows.specs();
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public boolean labelled() {
        return rows.labelled();
    }

    @Override
    public Iterator<Batch> batches(int size) {
        if (read) {
            throw new SparkInspectionException("a partition's rows can be read once; this source was read");
        }
        read = true;
        return rows.batches(partition, size, task);
    }
}
