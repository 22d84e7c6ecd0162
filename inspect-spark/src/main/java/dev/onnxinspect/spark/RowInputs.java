package dev.onnxinspect.spark;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.ModelInput;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns of a Spark {@code Dataset<Row>} feed which model inputs, and which column holds the labels: the
 * distributed counterpart of the CLI's {@code DataSpec} (one column per input). Immutable and serialisable; made by
 * {@link #builder()}; {@link #bind} checks it against a schema and the model's inputs (on the driver, before any
 * task runs) and returns the {@link Bound} mapping that turns a partition's rows into {@link Batch}es.
 *
 * <p>Columns and how they are read:
 * <ul>
 *   <li>{@code array<float>}, {@code array<double>}, {@code array<int>}, {@code array<bigint>} (also
 *       {@code array<smallint>}, {@code array<tinyint>}, {@code array<boolean>}): one sample per row, its values
 *       row-major, converted to the model input's element type by the CLI's rules ({@link ElementWriter}: floats to
 *       integers are refused, integers out of range are an error naming the row);</li>
 *   <li>a number column ({@code float}, {@code double}, {@code int}, ...): one value per row, for an input of one
 *       value per sample;</li>
 *   <li>{@code binary}: the sample's values as the bytes of the model input's own element type, little-endian,
 *       row-major (Choice: what numpy's {@code tobytes()} gives on x86 and ARM; no header, so the length must be
 *       the values per sample times the type's size).</li>
 * </ul>
 * Shapes come from the model, as the CLI takes them: a flat row of as many values as the input's fixed per-sample
 * shape (e.g. 784 for {@code [N, 1, 28, 28]}) is reshaped to it; an input of one free dimension ({@code [N, T]})
 * takes each row's length (every row of a batch must have the same length); any other free shape needs the sample
 * shape given with {@link Builder#input(String, String, long...)}. Labels: an integer column ({@code int},
 * {@code bigint}, {@code smallint}, {@code tinyint}), no nulls.
 */
public final class RowInputs implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Mapping> inputs;
    private final String labels;

    private RowInputs(List<Mapping> inputs, String labels) {
        this.inputs = List.copyOf(inputs);
        this.labels = labels;
    }

    /** A builder; at least one input is required, labels are optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** The label column, or null for unlabelled data (classes then come from the predictions). */
    public String labelColumn() {
        return labels;
    }

    /** The same input mapping without a label column (for sets whose labels are not read, e.g. OOD sets). */
    RowInputs withoutLabels() {
        return new RowInputs(inputs, null);
    }

    /** The columns read, in mapping order (the label column last when there is one). */
    public List<String> columns() {
        List<String> columns = new ArrayList<>();
        inputs.forEach(m -> columns.add(m.column()));
        if (labels != null) {
            columns.add(labels);
        }
        return columns;
    }

    /**
     * Checks the mapping against a Dataset's schema and the model's inputs and fixes each input's element type and
     * sample shape.
     *
     * @throws DatasetException naming the column and the fix: a column that is missing or of an unsupported type, a
     *                          type that cannot be converted to the input's, a model input that is not fed or
     *                          unknown, a sample shape that does not fit the model
     */
    public Bound bind(StructType schema, List<ModelInput> modelInputs) {
        List<BoundInput> bound = new ArrayList<>();
        Set<String> fed = new LinkedHashSet<>();
        for (Mapping m : inputs) {
            ModelInput input = modelInput(m, modelInputs);
            fed.add(input.name());
            int index = columnIndex(schema, m.column(), "input " + input.name());
            StructField field = schema.fields()[index];
            bound.add(bindInput(m, input, index, field.dataType()));
        }
        List<String> unfed = modelInputs.stream()
                .map(ModelInput::name)
                .filter(n -> !fed.contains(n))
                .toList();
        if (!unfed.isEmpty()) {
            throw new DatasetException("model inputs " + unfed + " are fed by no column; map each with"
                    + " RowInputs.Builder#input(input, column) (--input INPUT=COLUMN)");
        }
        int labelIndex = -1;
        ElementType labelType = null;
        if (labels != null) {
            labelIndex = columnIndex(schema, labels, "the labels");
            DataType t = schema.fields()[labelIndex].dataType();
            if (!isInteger(t)) {
                throw new DatasetException("label column '" + labels + "' has type " + t.simpleString() + "; labels"
                        + " are integer class ids: cast it in Spark (col(\"" + labels + "\").cast(\"int\")) or map"
                        + " another column");
            }
            labelType = elementType(t);
        }
        return new Bound(bound, labels, labelIndex, labelType, schema.length());
    }

    private ModelInput modelInput(Mapping m, List<ModelInput> modelInputs) {
        if (m.input() == null) {
            if (modelInputs.size() != 1) {
                throw new DatasetException("column '" + m.column() + "' is mapped to the model's only input, but the"
                        + " model has inputs "
                        + modelInputs.stream().map(ModelInput::name).toList()
                        + "; name the input it feeds (--input INPUT=COLUMN)");
            }
            return modelInputs.get(0);
        }
        return modelInputs.stream()
                .filter(i -> i.name().equals(m.input()))
                .findFirst()
                .orElseThrow(() -> new DatasetException("column '" + m.column() + "' is mapped to input " + m.input()
                        + ", which the model does not have; its inputs are "
                        + modelInputs.stream().map(ModelInput::name).toList()));
    }

    private static int columnIndex(StructType schema, String column, String what) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int index = names.indexOf(column);
        if (index < 0) {
            throw new DatasetException("column '" + column + "' (" + what + ") is not in the data; its columns are "
                    + names + ": map an existing column");
        }
        return index;
    }

    private static BoundInput bindInput(Mapping m, ModelInput input, int index, DataType type) {
        String what = "column '" + m.column() + "'";
        ElementType target = input.type();
        ElementType source;
        Kind kind;
        boolean elementsNullable = false;
        if (type instanceof ArrayType array) {
            source = elementType(array.elementType());
            kind = Kind.ARRAY;
            elementsNullable = array.containsNull();
        } else if (type.equals(DataTypes.BinaryType)) {
            source = target;
            kind = Kind.BINARY;
        } else {
            source = elementType(type);
            kind = Kind.SCALAR;
        }
        if (source == null) {
            throw new DatasetException(what + " has type " + type.simpleString() + ", which cannot feed input "
                    + input.name() + "; use an array of numbers (array<float>, array<double>, array<int>,"
                    + " array<bigint>), a number column or a binary column of " + target + " values");
        }
        ElementWriter.checkConverts(source, target, what, input.name());
        long[] modelShape = Arrays.copyOfRange(input.shape(), Math.min(1, input.rank()), input.rank());
        long[] shape = sampleShape(m, input, modelShape);
        long values = 1;
        for (long d : shape) {
            values = d < 0 ? -1 : values * d;
        }
        if (kind == Kind.SCALAR && values != 1) {
            throw new DatasetException(what + " holds one number per row, but input " + input.name() + " takes "
                    + Arrays.toString(shape) + " values per sample; map an array column to it");
        }
        return new BoundInput(input.name(), m.column(), index, kind, source, target, shape, values, elementsNullable);
    }

    /** The per-sample shape of an input: the model's where it is fixed, else the mapping's, else one free axis. */
    private static long[] sampleShape(Mapping m, ModelInput input, long[] modelShape) {
        boolean fixed = Arrays.stream(modelShape).allMatch(d -> d > 0);
        if (m.sampleShape() != null) {
            long given = Arrays.stream(m.sampleShape()).reduce(1, (a, b) -> a * b);
            long model = Arrays.stream(modelShape).reduce(1, (a, b) -> a * b);
            if (fixed && given != model) {
                throw new DatasetException("column '" + m.column() + "' is given the sample shape "
                        + Arrays.toString(m.sampleShape()) + " (" + given + " values), but input " + input.name()
                        + " takes " + Arrays.toString(modelShape) + " (" + model + " values); give a shape of "
                        + model + " values or leave it out");
            }
            return fixed ? modelShape : m.sampleShape();
        }
        if (fixed) {
            return modelShape;
        }
        if (modelShape.length == 1) {
            return new long[] {-1};
        }
        throw new DatasetException("input " + input.name() + " has the free sample shape " + input.shapeText()
                + "; give the sample shape of column '" + m.column() + "' (RowInputs.Builder#input(input, column,"
                + " shape...), --shape INPUT=3,32,32)");
    }

    private static boolean isInteger(DataType t) {
        return t.equals(DataTypes.IntegerType)
                || t.equals(DataTypes.LongType)
                || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType);
    }

    private static ElementType elementType(DataType t) {
        if (t.equals(DataTypes.FloatType)) {
            return ElementType.FLOAT;
        } else if (t.equals(DataTypes.DoubleType)) {
            return ElementType.DOUBLE;
        } else if (t.equals(DataTypes.IntegerType)) {
            return ElementType.INT32;
        } else if (t.equals(DataTypes.LongType)) {
            return ElementType.INT64;
        } else if (t.equals(DataTypes.ShortType)) {
            return ElementType.INT16;
        } else if (t.equals(DataTypes.ByteType)) {
            return ElementType.INT8;
        } else if (t.equals(DataTypes.BooleanType)) {
            return ElementType.BOOL;
        }
        return null;
    }

    @Override
    public String toString() {
        return "RowInputs" + inputs + (labels == null ? ", unlabelled" : ", labels <- " + labels);
    }

    /** One column feeding one input (input null: the model's only input); a sample shape or null. */
    private record Mapping(String input, String column, long[] sampleShape) implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            return (input == null ? "(the model's only input)" : input) + " <- " + column
                    + (sampleShape == null ? "" : " " + Arrays.toString(sampleShape));
        }
    }

    private enum Kind {
        ARRAY,
        SCALAR,
        BINARY
    }

    private record BoundInput(
            String input,
            String column,
            int index,
            Kind kind,
            ElementType source,
            ElementType target,
            long[] sampleShape,
            long values,
            boolean elementsNullable)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Builds {@link RowInputs}. */
    public static final class Builder {
        private final List<Mapping> inputs = new ArrayList<>();
        private String labels;

        private Builder() {}

        /** The column feeding the model's only input. */
        public Builder input(String column) {
            return add(new Mapping(null, Objects.requireNonNull(column, "column"), null));
        }

        /** The column feeding the named model input. */
        public Builder input(String modelInput, String column) {
            return add(new Mapping(
                    Objects.requireNonNull(modelInput, "modelInput"), Objects.requireNonNull(column, "column"), null));
        }

        /**
         * The column feeding the named model input (null: the only input), each row given {@code sampleShape} (for
         * an input whose shape the model leaves free, e.g. {@code 3, 32, 32}).
         */
        public Builder input(String modelInput, String column, long... sampleShape) {
            for (long d : sampleShape) {
                if (d <= 0) {
                    throw new DatasetException("column '" + column + "': sample shape " + Arrays.toString(sampleShape)
                            + " must have positive dimensions");
                }
            }
            return add(new Mapping(modelInput, Objects.requireNonNull(column, "column"), sampleShape.clone()));
        }

        private Builder add(Mapping m) {
            for (Mapping other : inputs) {
                if (Objects.equals(other.input(), m.input())) {
                    throw new DatasetException("input " + (m.input() == null ? "(the model's only input)" : m.input())
                            + " is mapped twice (columns '" + other.column() + "' and '" + m.column() + "'); map each"
                            + " input to one column");
                }
            }
            inputs.add(m);
            return this;
        }

        /** The integer column holding the class labels (default: none; classes then come from the predictions). */
        public Builder labels(String column) {
            this.labels = Objects.requireNonNull(column, "column");
            return this;
        }

        /**
         * @throws DatasetException when no input is mapped, or an unnamed mapping is not the only one
         */
        public RowInputs build() {
            if (inputs.isEmpty()) {
                throw new DatasetException("no column is mapped to a model input; map one with input(column) or"
                        + " input(modelInput, column)");
            }
            if (inputs.size() > 1 && inputs.stream().anyMatch(m -> m.input() == null)) {
                throw new DatasetException(
                        "several columns are mapped, so each must name the model input it feeds;" + " got " + inputs);
            }
            return new RowInputs(inputs, labels);
        }
    }

    /**
     * A mapping checked against a schema and a model ({@link #bind}): turns a partition's rows into batches.
     * Immutable and serialisable.
     */
    public static final class Bound implements Serializable {
        private static final long serialVersionUID = 1L;

        private final List<BoundInput> inputs;
        private final String labels;
        private final int labelIndex;
        private final ElementType labelType;
        private final int width;

        private Bound(List<BoundInput> inputs, String labels, int labelIndex, ElementType labelType, int width) {
            this.inputs = List.copyOf(inputs);
            this.labels = labels;
            this.labelIndex = labelIndex;
            this.labelType = labelType;
            this.width = width;
        }

        /**
         * The cells of a Spark SQL internal row that this mapping reads, copied into a {@link Row} (array columns as
         * Java primitive arrays, without boxing); the other cells null. For the internal rows of
         * {@code queryExecution().toRdd()}, which the iterator reuses: the copy is made before the next row.
         * An array column whose type allows null elements is scanned for them (a null would else read as 0).
         */
        Row copy(InternalRow row) {
            Object[] cells = new Object[width];
            for (BoundInput in : inputs) {
                int i = in.index();
                if (row.isNullAt(i)) {
                    continue;
                }
                cells[i] = switch (in.kind()) {
                    case BINARY -> row.getBinary(i);
                    case SCALAR -> scalar(row, i, in.source());
                    case ARRAY -> primitive(row.getArray(i), in);
                };
            }
            if (labelIndex >= 0 && !row.isNullAt(labelIndex)) {
                cells[labelIndex] = scalar(row, labelIndex, labelType);
            }
            return RowFactory.create(cells);
        }

        private static Object scalar(InternalRow row, int i, ElementType type) {
            return switch (type) {
                case FLOAT -> row.getFloat(i);
                case DOUBLE -> row.getDouble(i);
                case INT64 -> row.getLong(i);
                case INT16 -> row.getShort(i);
                case INT8 -> row.getByte(i);
                case BOOL -> row.getBoolean(i);
                default -> row.getInt(i);
            };
        }

        private static Object primitive(ArrayData a, BoundInput in) {
            if (in.elementsNullable()) {
                for (int j = 0; j < a.numElements(); j++) {
                    if (a.isNullAt(j)) {
                        return new NullElement(j);
                    }
                }
            }
            return switch (in.source()) {
                case FLOAT -> a.toFloatArray();
                case DOUBLE -> a.toDoubleArray();
                case INT64 -> a.toLongArray();
                case INT16 -> a.toShortArray();
                case INT8 -> a.toByteArray();
                case BOOL -> a.toBooleanArray();
                default -> a.toIntArray();
            };
        }

        /** An array cell with a null element at {@code position}, refused when its row is read. */
        private record NullElement(int position) {}

        /** Whether the rows carry labels. */
        public boolean labelled() {
            return labelIndex >= 0;
        }

        /** The inputs fed, with their element types and sample shapes (-1 for a length taken from the rows). */
        public List<InputSpec> specs() {
            return inputs.stream()
                    .map(i -> new InputSpec(i.input(), i.target(), i.sampleShape()))
                    .toList();
        }

        /**
         * The rows as batches of at most {@code batchSize} samples, in row order; rows are read as the batches are
         * taken (a single pass over the iterator). Called in a Spark task: as {@link #batches(Iterator, int,
         * TaskContext)} with the caller's task.
         *
         * @throws DatasetException (when a batch is taken) for a null value or a row of the wrong length, naming the
         *                          column, the row within its partition and the fix
         */
        public Iterator<Batch> batches(Iterator<Row> rows, int batchSize) {
            return batches(rows, batchSize, TaskContext.get());
        }

        /**
         * As {@link #batches(Iterator, int)}, for rows that another thread than the task's reads (an
         * {@link dev.onnxinspect.inspect.Inspection} reads its data on ONNX Runtime's producer thread).
         * <p>Choice: {@code task} (null outside a task) is made the reading thread's Spark task context when that
         * thread has none, as PySpark does for the thread that feeds Python, so that Spark's row iterators (file
         * readers register their closing with the task) find their task. Its partition id names rows in errors.
         */
        public Iterator<Batch> batches(Iterator<Row> rows, int batchSize, TaskContext task) {
            if (batchSize < 1) {
                throw new DatasetException("batch size must be at least 1, got " + batchSize);
            }
            String partition = task == null ? "" : " of partition " + task.partitionId();
            return new Iterator<>() {
                private long first;

                @Override
                public boolean hasNext() {
                    adopt(task);
                    return rows.hasNext();
                }

                @Override
                public Batch next() {
                    adopt(task);
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException("no more rows");
                    }
                    List<Row> block = new ArrayList<>(batchSize);
                    while (block.size() < batchSize && rows.hasNext()) {
                        block.add(rows.next());
                    }
                    Batch batch = batch(block, first, partition);
                    first += block.size();
                    return batch;
                }
            };
        }

        private static void adopt(TaskContext task) {
            if (task != null && TaskContext.get() == null) {
                TaskContext$.MODULE$.setTaskContext(task);
            }
        }

        private Batch batch(List<Row> rows, long first, String partition) {
            int n = rows.size();
            List<InputTensor> tensors = new ArrayList<>(inputs.size());
            for (BoundInput in : inputs) {
                long values = in.values() >= 0 ? in.values() : length(in, rows.get(0), first, partition);
                String where = "column '" + in.column() + "'";
                ElementWriter w = ElementWriter.create(
                        in.target(),
                        Math.toIntExact(values * n),
                        k -> "row " + (first + k / values) + partition + " of " + where);
                for (int r = 0; r < n; r++) {
                    read(in, rows.get(r), r, values, w, first + r, partition);
                }
                long[] shape = new long[in.sampleShape().length + 1];
                shape[0] = n;
                for (int d = 0; d < in.sampleShape().length; d++) {
                    shape[d + 1] = in.sampleShape()[d] < 0 ? values : in.sampleShape()[d];
                }
                tensors.add(new InputTensor(in.input(), in.target(), shape, w.array()));
            }
            int[] labelValues = null;
            if (labelIndex >= 0) {
                labelValues = new int[n];
                for (int r = 0; r < n; r++) {
                    labelValues[r] = label(rows.get(r), first + r, partition);
                }
            }
            return new Batch(n, tensors, labelValues);
        }

        private static long length(BoundInput in, Row row, long index, String partition) {
            Object v = value(in, row, index, partition);
            if (in.kind() == Kind.BINARY) {
                return ((byte[]) v).length / (long) bytesPerValue(in.target());
            }
            return v instanceof NullElement || !v.getClass().isArray()
                    ? row.getList(in.index()).size()
                    : Array.getLength(v);
        }

        private static Object value(BoundInput in, Row row, long index, String partition) {
            if (row.isNullAt(in.index())) {
                throw new DatasetException("row " + index + partition + " of column '" + in.column() + "' is null;"
                        + " every sample needs a value: filter or fill the nulls first (na().drop())");
            }
            return row.get(in.index());
        }

        private static void read(
                BoundInput in, Row row, int r, long values, ElementWriter w, long index, String partition) {
            Object v = value(in, row, index, partition);
            int at = Math.toIntExact(r * values);
            switch (in.kind()) {
                case SCALAR -> put(w, at, v, in.source());
                case ARRAY -> {
                    if (v instanceof NullElement n) {
                        throw new DatasetException("row " + index + partition + " of column '" + in.column()
                                + "' has a null at position " + n.position() + "; fill or drop it first");
                    }
                    if (v.getClass().isArray()) {
                        putArray(in, v, w, at, values, index, partition);
                        return;
                    }
                    List<Object> list = row.getList(in.index());
                    if (list.size() != values) {
                        throw wrongLength(in, index, partition, list.size(), values);
                    }
                    for (int j = 0; j < values; j++) {
                        Object x = list.get(j);
                        if (x == null) {
                            throw new DatasetException("row " + index + partition + " of column '" + in.column()
                                    + "' has a null at position " + j + "; fill or drop it first");
                        }
                        put(w, at + j, x, in.source());
                    }
                }
                case BINARY -> {
                    byte[] bytes = (byte[]) v;
                    int size = bytesPerValue(in.target());
                    if (bytes.length != values * size) {
                        throw wrongLength(in, index, partition, bytes.length / (double) size, values);
                    }
                    readBinary(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), in.target(), w, at, values);
                }
            }
        }

        /** Writes a primitive array cell (from {@link #copy}); its length must be {@code values}. */
        private static void putArray(
                BoundInput in, Object v, ElementWriter w, int at, long values, long index, String partition) {
            int n = Array.getLength(v);
            if (n != values) {
                throw wrongLength(in, index, partition, n, values);
            }
            if (v instanceof float[] f) {
                for (int j = 0; j < n; j++) {
                    w.putDouble(at + j, f[j]);
                }
            } else if (v instanceof double[] d) {
                for (int j = 0; j < n; j++) {
                    w.putDouble(at + j, d[j]);
                }
            } else if (v instanceof int[] x) {
                for (int j = 0; j < n; j++) {
                    w.putLong(at + j, x[j]);
                }
            } else if (v instanceof long[] x) {
                for (int j = 0; j < n; j++) {
                    w.putLong(at + j, x[j]);
                }
            } else if (v instanceof short[] x) {
                for (int j = 0; j < n; j++) {
                    w.putLong(at + j, x[j]);
                }
            } else if (v instanceof byte[] x) {
                for (int j = 0; j < n; j++) {
                    w.putLong(at + j, x[j]);
                }
            } else if (v instanceof boolean[] x) {
                for (int j = 0; j < n; j++) {
                    w.putLong(at + j, x[j] ? 1 : 0);
                }
            } else {
                throw new DatasetException("column '" + in.column() + "' holds "
                        + v.getClass().getName() + " values, which onnx-inspect cannot read");
            }
        }

        private static DatasetException wrongLength(
                BoundInput in, long index, String partition, double have, long want) {
            String got = have == Math.rint(have) ? Long.toString((long) have) : Double.toString(have);
            return new DatasetException("row " + index + partition + " of column '" + in.column() + "' has " + got
                    + " values, but input " + in.input() + " takes " + want + " per sample (shape "
                    + Arrays.toString(in.sampleShape()) + "); fix the rows, or map the input with the sample shape"
                    + " the rows have");
        }

        private static void put(ElementWriter w, int at, Object x, ElementType source) {
            switch (source) {
                case FLOAT, DOUBLE -> w.putDouble(at, ((Number) x).doubleValue());
                case BOOL -> w.putLong(at, ((Boolean) x) ? 1 : 0);
                default -> w.putLong(at, ((Number) x).longValue());
            }
        }

        private static int bytesPerValue(ElementType type) {
            return switch (type) {
                case DOUBLE, INT64 -> 8;
                case FLOAT, INT32 -> 4;
                case FLOAT16, INT16 -> 2;
                default -> 1;
            };
        }

        private static void readBinary(ByteBuffer b, ElementType type, ElementWriter w, int at, long values) {
            for (int j = 0; j < values; j++) {
                switch (type) {
                    case FLOAT -> w.putDouble(at + j, b.getFloat());
                    case DOUBLE -> w.putDouble(at + j, b.getDouble());
                    case FLOAT16 -> w.putHalf(at + j, b.getShort());
                    case INT64 -> w.putLong(at + j, b.getLong());
                    case INT32 -> w.putLong(at + j, b.getInt());
                    case INT16 -> w.putLong(at + j, b.getShort());
                    case UINT8 -> w.putLong(at + j, b.get() & 0xff);
                    default -> w.putLong(at + j, b.get());
                }
            }
        }

        private int label(Row row, long index, String partition) {
            if (row.isNullAt(labelIndex)) {
                throw new DatasetException("row " + index + partition + " has a null label in column '" + labels
                        + "'; every labelled sample needs a class id: drop or fill the nulls first");
            }
            long value = ((Number) row.get(labelIndex)).longValue();
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new DatasetException("row " + index + partition + " has label " + value + " in column '" + labels
                        + "', which is no class id; labels are class ids in [0, K)");
            }
            return (int) value;
        }
    }
}
