package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.data.LabelMapping;
import dev.onnxinspect.data.RowBlock;
import dev.onnxinspect.onnx.ElementType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The columns of an Arrow table (an Arrow IPC file, or Parquet read through DuckDB) that feed a model's inputs,
 * checked against the table's schema. What a column can be:
 * <ul>
 * <li>a number column (signed integers, uint8, float16/32/64, bool): one value per sample (sample shape {@code []},
 *     or a declared shape of one value); several number columns named together give a vector per sample
 *     ({@code [k]}), in the order named;</li>
 * <li>a FixedSizeList of numbers: the list per sample ({@code [size]}, or a declared shape of as many values);</li>
 * <li>the canonical extension type {@code arrow.fixed_shape_tensor} (a FixedSizeList whose field metadata
 *     {@code ARROW:extension:metadata} is JSON with the tensor's {@code shape}): samples of that shape; a
 *     {@code permutation} other than the identity is refused (write the tensors in C order);</li>
 * <li>a List or LargeList of numbers: variable-length rows, padded as {@link ListColumn} says, with the padding mask
 *     fed to a mapped mask input.</li>
 * </ul>
 * Labels: an integer column. Values are converted to a declared element type by the rules of
 * {@link ElementWriter}. Nulls are errors naming the row. Immutable after planning; a {@link Rows} builder is made
 * per output block.
 */
public final class ArrowColumns {
    /** The extension name of Arrow's canonical fixed-shape tensor type. */
    public static final String FIXED_SHAPE_TENSOR = "arrow.fixed_shape_tensor";

    private static final Pattern SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern PERMUTATION = Pattern.compile("\"permutation\"\\s*:\\s*\\[([^\\]]*)\\]");

    private final List<Column> columns;
    private final List<InputSpec> inputs;
    private final boolean labelled;

    private ArrowColumns(List<Column> columns, boolean labelled) {
        this.columns = List.copyOf(columns);
        this.labelled = labelled;
        List<InputSpec> specs = new ArrayList<>();
        columns.forEach(c -> specs.addAll(c.specs()));
        this.inputs = List.copyOf(specs);
    }

    /**
     * Checks the mappings (and the label mapping, if any) against the schema of {@code file}.
     *
     * @param inputs the mappings reading this file, each mask right after the input it marks
     * @throws DatasetException naming the input, the file and the fix for a column that does not exist or cannot
     *                          feed its input
     */
    public static ArrowColumns plan(Path file, Schema schema, List<InputMapping> inputs, LabelMapping labels) {
        List<String> names = schema.getFields().stream().map(Field::getName).toList();
        List<Column> columns = new ArrayList<>();
        for (InputMapping m : inputs) {
            if (m.maskOf() != null) {
                continue;
            }
            InputMapping mask = inputs.stream()
                    .filter(o -> m.input() != null && m.input().equals(o.maskOf()))
                    .findFirst()
                    .orElse(null);
            columns.add(column(file, schema, names, m, mask));
        }
        if (labels != null) {
            if (labels.column() == null) {
                throw new DatasetException(
                        "the labels read " + file + ", a table: name its label column; its columns" + " are " + names);
            }
            Field field = field(file, schema, names, labels.column(), "the labels");
            if (!(field.getType() instanceof ArrowType.Int)) {
                throw new DatasetException("the label column '" + labels.column() + "' of " + file + " has type "
                        + field.getType() + "; labels are integer class indices: name an integer column (or cast"
                        + " it to int64)");
            }
            columns.add(new LabelColumn(file, labels.column()));
        }
        return new ArrowColumns(columns, labels != null);
    }

    private static Column column(Path file, Schema schema, List<String> names, InputMapping m, InputMapping mask) {
        String input = InputMapping.label(m.input());
        if (m.columns().isEmpty()) {
            throw new DatasetException("input " + input + " reads " + file + ", a table: name its column (e.g. "
                    + file.getFileName() + ":" + (names.isEmpty() ? "x" : names.get(0)) + "); its columns are "
                    + names);
        }
        if (m.preprocessing() != null) {
            throw new DatasetException("input " + input + " declares an image preprocessing for " + file + ", which is"
                    + " not an image folder; drop the preprocessing");
        }
        if (m.columns().size() > 1) {
            List<ElementType> types = new ArrayList<>();
            for (String c : m.columns()) {
                Field f = field(file, schema, names, c, "input " + input);
                if (!f.getChildren().isEmpty()) {
                    throw new DatasetException("input " + input + " reads columns " + m.columns() + " of " + file
                            + " together, but '" + c + "' is a " + f.getType() + "; columns read together must hold"
                            + " one number per row (map a list column alone)");
                }
                types.add(Values.elementType(f.getType(), Column.describe(c, file)));
            }
            ElementType to = target(m, types.get(0), "columns " + m.columns() + " of " + file);
            types.forEach(t -> ElementWriter.checkConverts(t, to, "columns " + m.columns() + " of " + file, m.input()));
            long[] shape = shape(m, new long[] {types.size()}, "columns " + m.columns() + " of " + file);
            noMask(mask, m);
            return new FixedColumn(file, m.input(), m.columns(), false, types, to, shape, types.size());
        }
        String name = m.columns().get(0);
        String what = Column.describe(name, file);
        Field field = field(file, schema, names, name, "input " + input);
        ArrowType type = field.getType();
        if (type instanceof ArrowType.FixedSizeList list) {
            if (list.getListSize() <= 0) {
                throw new DatasetException(what + " declares lists of " + list.getListSize() + " values per row;"
                        + " a sample needs at least one value: the file is damaged, or write the column again");
            }
            ElementType from = Values.elementType(child(field, what), what);
            ElementType to = target(m, from, what);
            long[] stored = tensorShape(field, list.getListSize(), what);
            noMask(mask, m);
            return new FixedColumn(
                    file,
                    m.input(),
                    List.of(name),
                    true,
                    List.of(from),
                    to,
                    shape(m, stored, what),
                    list.getListSize());
        }
        if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
            ElementType from = Values.elementType(child(field, what), what);
            ElementType to = target(m, from, what);
            long[] declared = m.sampleShape();
            if (mask != null && declared != null && declared.length > 1) {
                throw new DatasetException("input " + mask.input() + " is the padding mask of input " + input + ", but"
                        + " input " + input + " takes samples of " + Arrays.toString(declared) + ", which are never"
                        + " padded; feed the mask from a column of its own");
            }
            ElementType maskType = mask == null ? null : mask.type() == null ? ElementType.INT64 : mask.type();
            return new ListColumn(
                    file,
                    m.input(),
                    name,
                    from,
                    to,
                    declared,
                    m.padValue(),
                    mask == null ? null : mask.input(),
                    maskType);
        }
        ElementType from = Values.elementType(type, what);
        ElementType to = target(m, from, what);
        noMask(mask, m);
        return new FixedColumn(
                file, m.input(), List.of(name), false, List.of(from), to, shape(m, new long[0], what), 1);
    }

    private static Field field(Path file, Schema schema, List<String> names, String column, String what) {
        if (!names.contains(column)) {
            throw new DatasetException(what + " reads column '" + column + "', which " + file + " does not have; its"
                    + " columns are " + names);
        }
        return schema.findField(column);
    }

    private static ArrowType child(Field field, String what) {
        Field child = field.getChildren().get(0);
        if (!child.getChildren().isEmpty()) {
            throw new DatasetException(what + " holds nested lists (" + field.getType() + "<" + child.getType()
                    + ">); store each sample as one flat list and declare its shape (e.g. withSampleShape(3, 32, 32))");
        }
        return child.getType();
    }

    private static ElementType target(InputMapping m, ElementType from, String what) {
        ElementType to = m.type() == null ? from : m.type();
        ElementWriter.checkConverts(from, to, what, m.input());
        return to;
    }

    private static void noMask(InputMapping mask, InputMapping m) {
        if (mask != null) {
            throw new DatasetException("input " + mask.input() + " is the padding mask of input " + m.input() + ", but "
                    + m.describe() + " has a fixed number of values per row, which are never padded; feed the mask"
                    + " from a column of its own");
        }
    }

    /** The declared sample shape if any (of as many values as stored), else the stored one. */
    private static long[] shape(InputMapping m, long[] stored, String what) {
        long[] declared = m.sampleShape();
        if (declared == null) {
            return stored;
        }
        long want = Arrays.stream(declared).reduce(1, Math::multiplyExact);
        long have = Arrays.stream(stored).reduce(1, Math::multiplyExact);
        if (want != have) {
            throw new DatasetException("input " + InputMapping.label(m.input()) + " takes samples of "
                    + Arrays.toString(declared) + " (" + want + " values) but " + what + " holds " + have
                    + " per row (shape " + Arrays.toString(stored) + "); map a column of the input's size");
        }
        return declared;
    }

    /** The shape of a fixed_shape_tensor column, or {@code [listSize]} for a plain FixedSizeList. */
    private static long[] tensorShape(Field field, int listSize, String what) {
        Map<String, String> metadata = field.getMetadata();
        if (metadata == null || !FIXED_SHAPE_TENSOR.equals(metadata.get("ARROW:extension:name"))) {
            return new long[] {listSize};
        }
        String json = metadata.getOrDefault("ARROW:extension:metadata", "");
        Matcher shape = SHAPE.matcher(json);
        if (!shape.find()) {
            throw new DatasetException(what + " is an " + FIXED_SHAPE_TENSOR + " without a shape in its metadata ("
                    + json + "); write it again with pyarrow (pa.fixed_shape_tensor(type, shape))");
        }
        long[] dims = numbers(shape.group(1));
        Matcher permutation = PERMUTATION.matcher(json);
        if (permutation.find()) {
            long[] p = numbers(permutation.group(1));
            for (int i = 0; i < p.length; i++) {
                if (p[i] != i) {
                    throw new DatasetException(what + " is an " + FIXED_SHAPE_TENSOR + " with permutation "
                            + Arrays.toString(p) + "; onnx-inspect reads tensors in C order: write them with the"
                            + " identity permutation (np.ascontiguousarray before pa.FixedShapeTensorArray"
                            + ".from_numpy_ndarray)");
                }
            }
        }
        if (Arrays.stream(dims).reduce(1, Math::multiplyExact) != listSize || dims.length == 0) {
            throw new DatasetException(what + " is an " + FIXED_SHAPE_TENSOR + " of shape " + Arrays.toString(dims)
                    + " stored in lists of " + listSize + " values; the file is inconsistent: write it again");
        }
        return dims;
    }

    private static long[] numbers(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
    }

    /** What the columns feed, in the order of the mappings (a mask after its input). */
    public List<InputSpec> inputs() {
        return inputs;
    }

    /** Whether a label column is read. */
    public boolean labelled() {
        return labelled;
    }

    /** A builder of the next block of {@code rows} rows, the first being row {@code firstRow} of the file. */
    public Rows begin(int rows, long firstRow) {
        return new Rows(rows, firstRow);
    }

    /** The rows of one output block, gathered from one or more record batches. Not thread-safe. */
    public final class Rows {
        private final int rows;
        private final List<Column.Block> blocks = new ArrayList<>();
        private int filled;

        private Rows(int rows, long firstRow) {
            this.rows = rows;
            columns.forEach(c -> blocks.add(c.begin(rows, firstRow)));
        }

        /** The rows still to fill. */
        public int missing() {
            return rows - filled;
        }

        /**
         * Copies rows {@code [from, from + count)} of a loaded record batch; {@code rootFirstRow} is the file-wide
         * index of its row 0.
         */
        public void copy(VectorSchemaRoot root, int from, int count, long rootFirstRow) {
            if (count > missing()) {
                throw new IllegalArgumentException(count + " rows copied into a block missing " + missing());
            }
            for (Column.Block b : blocks) {
                b.copy(root, from, count, filled, rootFirstRow);
            }
            filled += count;
        }

        /** The finished block. */
        public RowBlock finish() {
            if (filled != rows) {
                throw new IllegalStateException("block of " + rows + " rows finished with " + filled);
            }
            List<InputTensor> tensors = new ArrayList<>();
            int[] labels = null;
            for (Column.Block b : blocks) {
                b.finish(tensors);
                if (b.labels() != null) {
                    labels = b.labels();
                }
            }
            return new RowBlock(rows, tensors, labels);
        }
    }
}
