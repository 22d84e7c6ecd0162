package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The numbers of Arrow vectors as element types, and copies of ranges of them into tensors. Arrow stores
 * fixed-width values little-endian, so a range of the tensor's own type is copied in bulk.
 */
final class Values {
    private Values() {}

    /**
     * The element type of an Arrow number type: signed Int 8/16/32/64 as INT8..INT64, unsigned Int 8 as UINT8,
     * FloatingPoint HALF/SINGLE/DOUBLE as FLOAT16/FLOAT/DOUBLE, Bool as BOOL.
     *
     * @param what the column, for the message
     * @throws DatasetException for every other type, with the fix
     */
    static ElementType elementType(ArrowType type, String what) {
        if (type instanceof ArrowType.Int i) {
            if (i.getIsSigned()) {
                return switch (i.getBitWidth()) {
                    case 8 -> ElementType.INT8;
                    case 16 -> ElementType.INT16;
                    case 32 -> ElementType.INT32;
                    default -> ElementType.INT64;
                };
            }
            if (i.getBitWidth() == 8) {
                return ElementType.UINT8;
            }
            throw new DatasetException(what + " holds unsigned " + i.getBitWidth() + "-bit integers, which onnx-inspect"
                    + " cannot feed; cast the column to int64 (pyarrow: pc.cast(col, pa.int64()); polars:"
                    + " .cast(pl.Int64))");
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return f.getPrecision() == FloatingPointPrecision.HALF
                    ? ElementType.FLOAT16
                    : f.getPrecision() == FloatingPointPrecision.SINGLE ? ElementType.FLOAT : ElementType.DOUBLE;
        }
        if (type instanceof ArrowType.Bool) {
            return ElementType.BOOL;
        }
        String fix = type instanceof ArrowType.Utf8
                        || type instanceof ArrowType.LargeUtf8
                        || type instanceof ArrowType.Utf8View
                ? "tokenize the text first and store the token ids as a list" + " of integers"
                : "store numbers (integers, floats or bools) or lists of numbers";
        throw new DatasetException(what + " has type " + type + ", which cannot feed a model input; " + fix);
    }

    /** Throws naming the row of the first null among {@code count} values from {@code from}, if any. */
    static void requireNoNulls(FieldVector v, int from, int count, RowNamer rows) {
        if (v.getNullCount() == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            if (v.isNull(from + i)) {
                throw new DatasetException(rows.name(i) + " holds a null; inputs cannot hold nulls: drop or fill"
                        + " those rows first (pandas: dropna/fillna, polars: drop_nulls/fill_null)");
            }
        }
    }

    /** Names the value at an offset of a copy, for messages (e.g. "row 17 of column 'ids' of x.arrow"). */
    interface RowNamer {
        String name(int offset);
    }

    /**
     * Copies {@code count} values of {@code v} from index {@code from} into {@code w} at {@code at}; same types in
     * bulk, others converted by {@link ElementWriter}. Nulls must have been checked.
     */
    static void copy(FieldVector v, ElementType from, int index, int count, ElementWriter w, int at) {
        if (count == 0) {
            return;
        }
        if (from == w.type() && from != ElementType.BOOL) {
            bulk(v.getDataBuffer(), from, index, count, w.array(), at);
            return;
        }
        if (from == ElementType.BOOL) {
            BitVector bits = (BitVector) v;
            for (int i = 0; i < count; i++) {
                w.putLong(at + i, bits.get(index + i));
            }
        } else if (from == ElementType.FLOAT16) {
            Float2Vector halves = (Float2Vector) v;
            for (int i = 0; i < count; i++) {
                w.putHalf(at + i, halves.get(index + i));
            }
        } else if (ElementWriter.isFloating(from)) {
            FloatingPointVector f = (FloatingPointVector) v;
            for (int i = 0; i < count; i++) {
                w.putDouble(at + i, f.getValueAsDouble(index + i));
            }
        } else {
            BaseIntVector ints = (BaseIntVector) v;
            for (int i = 0; i < count; i++) {
                w.putLong(at + i, ints.getValueAsLong(index + i));
            }
        }
    }

    private static void bulk(ArrowBuf buffer, ElementType type, int index, int count, Object array, int at) {
        int size = type.byteSize();
        ByteBuffer b = buffer.nioBuffer((long) index * size, count * size).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT -> b.asFloatBuffer().get((float[]) array, at, count);
            case DOUBLE -> b.asDoubleBuffer().get((double[]) array, at, count);
            case FLOAT16, INT16 -> b.asShortBuffer().get((short[]) array, at, count);
            case INT32 -> b.asIntBuffer().get((int[]) array, at, count);
            case INT64 -> b.asLongBuffer().get((long[]) array, at, count);
            case INT8, UINT8 -> b.get((byte[]) array, at, count);
            default -> throw new IllegalStateException("no bulk copy of " + type);
        }
    }

    /** The value at {@code index} as a long (integers, bools) for staging variable-length rows. */
    static long longAt(FieldVector v, ElementType type, int index) {
        return type == ElementType.BOOL ? ((BitVector) v).get(index) : ((BaseIntVector) v).getValueAsLong(index);
    }

    /** The value at {@code index} as a double (floats, halves exactly). */
    static double doubleAt(FieldVector v, int index) {
        return ((FloatingPointVector) v).getValueAsDouble(index);
    }
}
