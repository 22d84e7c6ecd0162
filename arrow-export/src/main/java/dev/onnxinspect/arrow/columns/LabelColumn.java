package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The labels: an integer column (any width, signed or not) of class indices &gt;= 0, without nulls. */
final class LabelColumn extends Column {
    private final String column;

    LabelColumn(Path file, String column) {
        super(file);
        this.column = column;
    }

    @Override
    List<InputSpec> specs() {
        return List.of();
    }

    @Override
    Block begin(int rows, long firstRow) {
        int[] labels = new int[rows];
        return new Block() {
            @Override
            public void copy(VectorSchemaRoot root, int from, int count, int at, long rootFirstRow) {
                BaseIntVector vector = (BaseIntVector) root.getVector(column);
                for (int r = 0; r < count; r++) {
                    long row = rootFirstRow + from + r;
                    if (vector.isNull(from + r)) {
                        throw new DatasetException("row " + row + " of " + describe(column, file) + " has a null"
                                + " label; drop the unlabelled rows or read the file without labels");
                    }
                    long value = vector.getValueAsLong(from + r);
                    if (value < 0 || value > Integer.MAX_VALUE) {
                        throw new DatasetException("row " + row + " of " + describe(column, file) + " has label "
                                + value + "; labels are class indices >= 0: fix the labels");
                    }
                    labels[at + r] = (int) value;
                }
            }

            @Override
            public void finish(List<InputTensor> out) {
                // labels only
            }

            @Override
            public int[] labels() {
                return labels;
            }
        };
    }
}
