package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.RepeatedValueVector;

/**
 * An input read from a variable-length List (or LargeList) column of numbers, e.g. token ids. Choice: how rows of
 * different lengths become one tensor:
 * <ul>
 * <li>no declared sample shape: each batch is padded to its longest row with the pad value, shape
 *     {@code [n, longest]} (the sample shape {@code [-1]});</li>
 * <li>a declared 1-D shape {@code [L]}: every row is padded to L; a row longer than L is an error (truncate when
 *     tokenizing);</li>
 * <li>a declared shape of several dimensions: every row must hold exactly their product of values (a flat image
 *     stored as a list), no padding.</li>
 * </ul>
 * With a mask mapped, the mask input gets 1 for each value read and 0 for each pad, in the input's shape.
 */
final class ListColumn extends Column {
    private final String input;
    private final String column;
    private final ElementType from;
    private final ElementType to;
    private final long[] declared;
    private final double padValue;
    private final String maskInput;
    private final ElementType maskType;

    ListColumn(
            Path file,
            String input,
            String column,
            ElementType from,
            ElementType to,
            long[] declared,
            double padValue,
            String maskInput,
            ElementType maskType) {
        super(file);
        this.input = input;
        this.column = column;
        this.from = from;
        this.to = to;
        this.declared = declared == null ? null : declared.clone();
        this.padValue = padValue;
        this.maskInput = maskInput;
        this.maskType = maskType;
        if (!ElementWriter.isFloating(to) && padValue != Math.rint(padValue)) {
            throw new DatasetException("input " + input + " takes " + to + " but its pad value is " + padValue
                    + "; give an integer pad value (e.g. the tokenizer's pad id)");
        }
    }

    @Override
    List<InputSpec> specs() {
        long[] shape = declared == null ? new long[] {-1} : declared;
        List<InputSpec> specs = new ArrayList<>();
        specs.add(new InputSpec(input, to, shape));
        if (maskInput != null) {
            specs.add(new InputSpec(maskInput, maskType, shape));
        }
        return specs;
    }

    @Override
    Block begin(int rows, long firstRow) {
        return new Block() {
            private final int[] lengths = new int[rows];
            private long[] longs = new long[0];
            private double[] doubles = new double[0];
            private int staged;

            @Override
            public void copy(VectorSchemaRoot root, int fromRow, int count, int at, long rootFirstRow) {
                FieldVector vector = root.getVector(column);
                FieldVector values = (FieldVector) ((RepeatedValueVector) vector).getDataVector();
                boolean integral = !ElementWriter.isFloating(from);
                for (int r = 0; r < count; r++) {
                    int row = fromRow + r;
                    long fileRow = rootFirstRow + row;
                    if (vector.isNull(row)) {
                        throw new DatasetException("row " + fileRow + " of " + describe(column, file) + " is null;"
                                + " inputs cannot hold nulls: drop those rows or store an empty list");
                    }
                    long start = start(vector, row);
                    int length = Math.toIntExact(start(vector, row + 1) - start);
                    check(length, fileRow);
                    lengths[at + r] = length;
                    int first = Math.toIntExact(start);
                    Values.requireNoNulls(
                            values, first, length, i -> "row " + fileRow + " of " + describe(column, file));
                    ensure(staged + length, integral);
                    for (int i = 0; i < length; i++) {
                        if (integral) {
                            longs[staged + i] = Values.longAt(values, from, first + i);
                        } else {
                            doubles[staged + i] = Values.doubleAt(values, first + i);
                        }
                    }
                    staged += length;
                }
            }

            private void ensure(int size, boolean integral) {
                int have = integral ? longs.length : doubles.length;
                if (size > have) {
                    int grown = Math.max(size, Math.max(16, have * 2));
                    if (integral) {
                        longs = Arrays.copyOf(longs, grown);
                    } else {
                        doubles = Arrays.copyOf(doubles, grown);
                    }
                }
            }

            @Override
            public void finish(List<InputTensor> out) {
                int width;
                if (declared != null) {
                    width = Math.toIntExact(Arrays.stream(declared).reduce(1, Math::multiplyExact));
                } else {
                    width = Arrays.stream(lengths).max().orElse(0);
                }
                int total = Math.multiplyExact(rows, width);
                ElementWriter w = ElementWriter.create(
                        to, total, i -> "row " + (firstRow + i / Math.max(width, 1)) + " of " + describe(column, file));
                ElementWriter mask = maskInput == null ? null : ElementWriter.create(maskType, total, i -> "mask");
                boolean integral = !ElementWriter.isFloating(from);
                int next = 0;
                for (int r = 0; r < rows; r++) {
                    int base = r * width;
                    for (int i = 0; i < width; i++) {
                        boolean real = i < lengths[r];
                        if (real && integral) {
                            w.putLong(base + i, longs[next + i]);
                        } else if (real) {
                            w.putDouble(base + i, doubles[next + i]);
                        } else if (ElementWriter.isFloating(to)) {
                            w.putDouble(base + i, padValue);
                        } else {
                            w.putLong(base + i, (long) padValue);
                        }
                        if (mask != null) {
                            mask.putLong(base + i, real ? 1 : 0);
                        }
                    }
                    next += lengths[r];
                }
                long[] sample = declared == null ? new long[] {width} : declared;
                long[] shape = new long[sample.length + 1];
                shape[0] = rows;
                System.arraycopy(sample, 0, shape, 1, sample.length);
                out.add(new InputTensor(input, to, shape, w.array()));
                if (mask != null) {
                    out.add(new InputTensor(maskInput, maskType, shape, mask.array()));
                }
            }
        };
    }

    private void check(int length, long fileRow) {
        if (declared == null) {
            return;
        }
        long size = Arrays.stream(declared).reduce(1, Math::multiplyExact);
        if (declared.length == 1 && length > size) {
            throw new DatasetException("row " + fileRow + " of " + describe(column, file) + " holds " + length
                    + " values, more than the " + size + " input " + input + " takes; truncate the rows to " + size
                    + " (e.g. when tokenizing) or feed a model with a longer input");
        }
        if (declared.length > 1 && length != size) {
            throw new DatasetException("row " + fileRow + " of " + describe(column, file) + " holds " + length
                    + " values but input " + input + " takes samples of " + Arrays.toString(declared) + " (" + size
                    + " values); give rows of that many values or declare the sample shape of the data");
        }
    }

    private static long start(FieldVector vector, int row) {
        if (vector instanceof LargeListVector) {
            return vector.getOffsetBuffer().getLong((long) row * LargeListVector.OFFSET_WIDTH);
        }
        return vector.getOffsetBuffer().getInt((long) row * ListVector.OFFSET_WIDTH);
    }
}
