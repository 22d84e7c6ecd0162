package dev.onnxinspect.spark;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InMemoryDataset;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The distributed audit's row contract: a partition's input column (an {@code array<float>} of the sample's values,
 * row-major, in the sample shape the caller gives) and its int label column, checked against a schema and copied into
 * one {@link InMemoryDataset}: the partition's samples x sample size x 4 bytes, besides the rows. Sessions come from
 * {@link SparkModel}.
 *
 * <p>Choice: this stays narrower than {@link RowInputs} (which converts any numeric array, binary or number column
 * to the model input's type and takes the sample shape from the model): the audit's documented input is
 * {@code array<float>} in a caller-given sample shape, its errors name the cast that fixes a column, and its
 * detectors read one in-memory data source per partition.
 */
final class AuditRows {
    private AuditRows() {}

    /**
     * Checks that {@code column} of {@code schema} is an array of floats and {@code label} (if not null) an integer.
     *
     * @throws DatasetException naming the column, its type and the cast that fixes it
     */
    static void checkColumns(StructType schema, String dataset, String column, String label) {
        DataType input = type(schema, dataset, column);
        if (!(input instanceof ArrayType a) || a.elementType() != DataTypes.FloatType) {
            throw new DatasetException("column " + column + " of " + dataset + " is " + input.simpleString()
                    + "; the model input must be array<float>: cast it, e.g. col(\"" + column
                    + "\").cast(\"array<float>\")");
        }
        if (label != null && type(schema, dataset, label) != DataTypes.IntegerType) {
            throw new DatasetException("label column " + label + " of " + dataset + " is "
                    + type(schema, dataset, label).simpleString() + "; labels must be int: cast it, e.g. col(\""
                    + label + "\").cast(\"int\")");
        }
    }

    private static DataType type(StructType schema, String dataset, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new DatasetException("the Dataset " + dataset + " has no column " + column + "; its columns are "
                + Arrays.toString(schema.fieldNames()) + ": name the column that holds the model input");
    }

    /**
     * The rows' samples as one data source: the values of column {@code input} (index in the row) of shape
     * {@code sampleShape}, and the labels of column {@code label} (index, or -1 for none).
     *
     * @throws DatasetException for a null or wrongly sized input, or a null label, naming the row
     */
    static InMemoryDataset source(String name, List<Row> rows, int input, int label, int[] sampleShape) {
        int size = 1;
        for (int d : sampleShape) {
            size *= d;
        }
        float[] values = new float[rows.size() * size];
        int[] labels = label < 0 ? null : new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.isNullAt(input)) {
                throw new DatasetException("row " + i + " of this partition of " + name + " has no input values"
                        + " (null); filter or fill such rows first");
            }
            List<Float> x = row.getList(input);
            if (x.size() != size) {
                throw new DatasetException("row " + i + " of this partition of " + name + " has " + x.size()
                        + " input values, expected " + size + " (sample shape " + Arrays.toString(sampleShape) + ")");
            }
            for (int j = 0; j < size; j++) {
                Float v = x.get(j);
                if (v == null) {
                    throw new DatasetException("row " + i + " of this partition of " + name + " has a null input"
                            + " value at " + j + "; fill or drop such rows first");
                }
                values[i * size + j] = v;
            }
            if (labels != null) {
                if (row.isNullAt(label)) {
                    throw new DatasetException("row " + i + " of this partition of " + name + " has no label (null);"
                            + " a labelled set needs a label on every row");
                }
                labels[i] = row.getInt(label);
            }
        }
        return InMemoryDataset.of(name, values, labels, sampleShape);
    }
}
