package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * An input of a fixed number of values per row: one number column (a scalar per sample), several number columns (a
 * vector of them per sample, in the order named), or one FixedSizeList column (plain or an
 * {@code arrow.fixed_shape_tensor}), its values row after row.
 */
final class FixedColumn extends Column {
    private final String input;
    private final List<String> columns;
    private final boolean list;
    private final List<ElementType> from;
    private final ElementType to;
    private final long[] sampleShape;
    private final int sampleSize;

    FixedColumn(
            Path file,
            String input,
            List<String> columns,
            boolean list,
            List<ElementType> from,
            ElementType to,
            long[] sampleShape,
            int sampleSize) {
        super(file);
        this.input = input;
        this.columns = List.copyOf(columns);
        this.list = list;
        this.from = List.copyOf(from);
        this.to = to;
        this.sampleShape = sampleShape.clone();
        this.sampleSize = sampleSize;
    }

    @Override
    List<InputSpec> specs() {
        return List.of(new InputSpec(input, to, sampleShape));
    }

    @Override
    Block begin(int rows, long firstRow) {
        ElementWriter w = ElementWriter.create(
                to,
                Math.multiplyExact(rows, sampleSize),
                i -> "row " + (firstRow + i / sampleSize) + " of " + where(i % sampleSize));
        return new Block() {
            @Override
            public void copy(VectorSchemaRoot root, int fromRow, int count, int at, long rootFirstRow) {
                if (list) {
                    FixedSizeListVector vector = (FixedSizeListVector) root.getVector(columns.get(0));
                    Values.requireNoNulls(
                            vector, fromRow, count, i -> "row " + (rootFirstRow + fromRow + i) + " of " + where(0));
                    FieldVector child = vector.getDataVector();
                    Values.requireNoNulls(
                            child,
                            fromRow * sampleSize,
                            count * sampleSize,
                            i -> "row " + (rootFirstRow + fromRow + i / sampleSize) + " of " + where(0));
                    Values.copy(child, from.get(0), fromRow * sampleSize, count * sampleSize, w, at * sampleSize);
                } else if (columns.size() == 1) {
                    FieldVector vector = root.getVector(columns.get(0));
                    Values.requireNoNulls(
                            vector, fromRow, count, i -> "row " + (rootFirstRow + fromRow + i) + " of " + where(0));
                    Values.copy(vector, from.get(0), fromRow, count, w, at);
                } else {
                    for (int c = 0; c < columns.size(); c++) {
                        FieldVector vector = root.getVector(columns.get(c));
                        int column = c;
                        Values.requireNoNulls(
                                vector,
                                fromRow,
                                count,
                                i -> "row " + (rootFirstRow + fromRow + i) + " of " + where(column));
                        for (int r = 0; r < count; r++) {
                            Values.copy(vector, from.get(c), fromRow + r, 1, w, (at + r) * sampleSize + c);
                        }
                    }
                }
            }

            @Override
            public void finish(List<InputTensor> out) {
                long[] shape = new long[sampleShape.length + 1];
                shape[0] = rows;
                System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
                out.add(new InputTensor(input, to, shape, w.array()));
            }
        };
    }

    private String where(int value) {
        return describe(list || columns.size() == 1 ? columns.get(0) : columns.get(value), file);
    }
}
