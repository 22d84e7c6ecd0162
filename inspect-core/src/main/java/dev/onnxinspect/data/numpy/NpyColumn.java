package dev.onnxinspect.data.numpy;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One array of an NumPy file in its role: the values of an input (converted to the input's type, reshaped to its
 * sample shape) or the labels. Decodes blocks of rows from their bytes.
 */
final class NpyColumn {
    private final NpyArray array;
    private final InputMapping mapping;
    private final String labelsWhat;
    private final ElementType type;
    private final long[] sampleShape;
    private final int rowSize;

    private NpyColumn(NpyArray array, InputMapping mapping, String labelsWhat, ElementType type, long[] sampleShape) {
        this.array = array;
        this.mapping = mapping;
        this.labelsWhat = labelsWhat;
        this.type = type;
        this.sampleShape = sampleShape;
        this.rowSize = (int) array.header().rowSize();
    }

    static NpyColumn input(InputMapping m, NpyArray array) {
        NpyHeader h = array.header();
        ElementType type = m.type() == null ? h.type() : m.type();
        ElementWriter.checkConverts(h.type(), type, array.where() + " (dtype " + h.dtype() + ")", m.input());
        long[] shape = h.rowShape();
        if (m.sampleShape() != null) {
            long[] wanted = m.sampleShape();
            if (Arrays.stream(wanted).reduce(1, Math::multiplyExact) != h.rowSize()) {
                throw new DatasetException("input " + InputMapping.label(m.input()) + " takes samples of "
                        + Arrays.toString(wanted) + " (" + Arrays.stream(wanted).reduce(1, Math::multiplyExact)
                        + " values) but " + array.where() + " has shape " + array.shapeText() + ", " + h.rowSize()
                        + " values per sample; give an array of the input's shape (a.reshape(N, ...))");
            }
            shape = wanted;
        }
        return new NpyColumn(array, m, null, type, shape);
    }

    static NpyColumn labels(String what, NpyArray array) {
        NpyHeader h = array.header();
        boolean integer = switch (h.type()) {
            case INT8, UINT8, INT16, INT32, INT64 -> true;
            default -> false;
        };
        if (!integer) {
            throw new DatasetException("the labels (" + array.where() + ") have dtype " + h.dtype() + "; labels are"
                    + " class indices: save them as integers (np.save(f, y.astype(np.int64)))");
        }
        if (h.rowSize() != 1) {
            throw new DatasetException("the labels (" + array.where() + ") have shape " + array.shapeText()
                    + "; give one class index per sample, shape (N,)");
        }
        return new NpyColumn(array, null, what, h.type(), new long[0]);
    }

    NpyArray array() {
        return array;
    }

    boolean isLabels() {
        return mapping == null;
    }

    InputSpec spec() {
        return new InputSpec(mapping.input(), type, sampleShape);
    }

    /** Bytes per row in the file. */
    int rowBytes() {
        return rowSize * array.header().itemSize();
    }

    /** The tensor of {@code rows} rows decoded from {@code bytes}; {@code firstRow} numbers the first, for errors. */
    InputTensor decode(byte[] bytes, int rows, long firstRow) {
        int count = Math.multiplyExact(rows, rowSize);
        ElementWriter w =
                ElementWriter.create(type, count, i -> "row " + (firstRow + i / rowSize) + " of " + array.where());
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, count * array.header().itemSize())
                .order(array.header().order());
        ElementType from = array.header().type();
        if (from == type) {
            bulk(b, w.array(), count);
        } else {
            convert(b, from, w, count);
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = rows;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return new InputTensor(mapping.input(), type, shape, w.array());
    }

    private static void bulk(ByteBuffer b, Object array, int count) {
        if (array instanceof float[] f) {
            b.asFloatBuffer().get(f, 0, count);
        } else if (array instanceof double[] d) {
            b.asDoubleBuffer().get(d, 0, count);
        } else if (array instanceof short[] s) {
            b.asShortBuffer().get(s, 0, count);
        } else if (array instanceof int[] i) {
            b.asIntBuffer().get(i, 0, count);
        } else if (array instanceof long[] l) {
            b.asLongBuffer().get(l, 0, count);
        } else {
            b.get((byte[]) array, 0, count);
        }
    }

    private static void convert(ByteBuffer b, ElementType from, ElementWriter w, int count) {
        switch (from) {
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    w.putDouble(i, b.getFloat(i * 4));
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    w.putDouble(i, b.getDouble(i * 8));
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) {
                    w.putHalf(i, b.getShort(i * 2));
                }
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.get(i));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.get(i) & 0xff);
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.get(i) != 0 ? 1 : 0);
                }
            }
            case INT16 -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.getShort(i * 2));
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.getInt(i * 4));
                }
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) {
                    w.putLong(i, b.getLong(i * 8));
                }
            }
            default -> throw new IllegalStateException("dtype " + from);
        }
    }

    /** The labels of {@code rows} rows decoded from {@code bytes}. */
    int[] decodeLabels(byte[] bytes, int rows, long firstRow) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(array.header().order());
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            long v = switch (type) {
                case INT8 -> b.get(r);
                case UINT8 -> b.get(r) & 0xff;
                case INT16 -> b.getShort(r * 2);
                case INT32 -> b.getInt(r * 4);
                default -> b.getLong(r * 8);
            };
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new DatasetException("row " + (firstRow + r) + " of " + labelsWhat + " has label " + v
                        + "; labels are class indices >= 0: fix the labels");
            }
            labels[r] = (int) v;
        }
        return labels;
    }
}
