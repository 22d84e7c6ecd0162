package dev.onnxinspect.spark;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One partition's rows as a single-pass {@link DataSource} of unknown size, read through a {@link RowInputs.Bound}
 * mapping (its element types, reshaping and row errors); what the distributed inspection's {@link PartitionTask} and
 * the distributed audit's fit and score tasks read.
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

    /**
     * A partition of Spark SQL's internal rows, each copied as it is read ({@link RowInputs.Bound#copy}: Spark reuses
     * an internal row's buffer for the next one).
     */
    static RowSource internal(String name, RowInputs.Bound rows, Iterator<InternalRow> internal, TaskContext task) {
        Iterator<Row> copies = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return internal.hasNext();
            }

            @Override
            public Row next() {
                return rows.copy(internal.next());
            }
        };
        return new RowSource(name, rows, copies, task);
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
