package dev.onnxinspect.data;

import dev.onnxinspect.onnx.ElementType;
import java.util.function.IntFunction;

/**
 * Writes values read from a file into the primitive array of an {@link InputTensor}'s element type, converting
 * them where the file holds another type. The readers of users' files ({@link DataFormat}) use it so that every
 * format converts by the same rules.
 *
 * <p>Choice: the conversions allowed ({@link #converts}):
 * <ul>
 * <li>the same type: copied bit for bit (FLOAT16 included);</li>
 * <li>to FLOAT, DOUBLE or FLOAT16 from any number or bool: the value, rounded to the nearest representable one
 *     (ties to even), as numpy's {@code astype} does;</li>
 * <li>to INT8, INT16, INT32, INT64 or UINT8 from an integer or bool: exact; a value outside the target's range is an
 *     error naming the row (never wrapped around);</li>
 * <li>to BOOL from bool or an integer that is 0 or 1 (any other value is an error);</li>
 * <li>from a floating-point type to an integer or bool type: refused when the reader opens the file (it would
 *     drop fractions silently); the message says to convert the data or to map the input with a float type.</li>
 * </ul>
 *
 * <p>Mutable, not thread-safe: one writer fills one new array.
 */
public abstract sealed class ElementWriter {
    private final ElementType type;
    private final IntFunction<String> where;

    private ElementWriter(ElementType type, IntFunction<String> where) {
        this.type = type;
        this.where = where;
    }

    /**
     * A writer of {@code length} values of {@code type} into a new array.
     *
     * @param where describes the place of the value at an index for error messages, e.g. "row 17 of column 'ids' of
     *              /data/x.parquet"
     */
    public static ElementWriter create(ElementType type, int length, IntFunction<String> where) {
        checkHeap(type, length, where);
        return switch (type) {
            case FLOAT -> new Floats(length, where);
            case DOUBLE -> new Doubles(length, where);
            case FLOAT16 -> new Halves(length, where);
            case INT8, UINT8, BOOL, INT16, INT32, INT64 -> new Integers(type, length, where);
            default ->
                throw new DatasetException(
                        "onnx-inspect cannot feed element type " + type + "; supported: " + InputTensor.SUPPORTED);
        };
    }

    /**
     * Refuses a block the heap cannot hold before allocating it, naming where its values come from: a file that
     * declares samples of a huge size (a damaged file, or a wrong column) would else end in an
     * {@link OutOfMemoryError}. Choice: the limit is the heap not in use now ({@link Runtime#maxMemory()} less the
     * memory in use), as the statistics' {@code MemoryEstimate}s say their memory before allocating it.
     */
    private static void checkHeap(ElementType type, int length, IntFunction<String> where) {
        long bytes = (long) length * (type == ElementType.FLOAT ? 4 : type == ElementType.FLOAT16 ? 2 : 8);
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            throw new DatasetException("a block of " + length + " values from " + where.apply(0) + " on needs "
                    + (bytes >> 20) + " MiB, more than the " + (free >> 20) + " MiB the Java heap has free; check"
                    + " that the file is not damaged and its samples have the size you expect, then lower the"
                    + " batch size or give Java more memory (-Xmx)");
        }
    }

    /** Whether values of type {@code from} may be written as {@code to} (see the class comment). */
    public static boolean converts(ElementType from, ElementType to) {
        if (from == to) {
            return true;
        }
        if (!InputTensor.SUPPORTED.contains(from) || !InputTensor.SUPPORTED.contains(to)) {
            return false;
        }
        return isFloating(to) || !isFloating(from);
    }

    /**
     * Refuses a conversion {@link #converts} does not allow, with the fix.
     *
     * @param what describes the data, e.g. "column 'ids' of /data/x.parquet"
     * @param input the model input it feeds, for the message
     */
    public static void checkConverts(ElementType from, ElementType to, String what, String input) {
        if (!converts(from, to)) {
            throw new DatasetException(what + " holds " + from + " values but input " + InputTensor.label(input)
                    + " is declared " + to + "; onnx-inspect does not drop fractions: convert the data to " + to
                    + " first (numpy: a.astype(...)) or declare the input's type as " + from + " or a float type");
        }
    }

    /** Whether a type holds floating-point values. */
    public static boolean isFloating(ElementType type) {
        return type == ElementType.FLOAT || type == ElementType.DOUBLE || type == ElementType.FLOAT16;
    }

    /** The element type written. */
    public ElementType type() {
        return type;
    }

    /** Writes an integer value (of an integer or bool source) at {@code index}. */
    public abstract void putLong(int index, long value);

    /** Writes a floating-point value (of a float source) at {@code index}. */
    public abstract void putDouble(int index, double value);

    /** Writes the 16 bits of a half-precision value at {@code index}. */
    public void putHalf(int index, short bits) {
        putDouble(index, InputTensor.halfToFloat(bits));
    }

    /** The array written (not copied). */
    public abstract Object array();

    DatasetException outOfRange(int index, String value) {
        return new DatasetException("value " + value + " at " + where.apply(index) + " does not fit " + type
                + " (the input's type); fix the data or declare the input with a type the values fit");
    }

    /**
     * IEEE 754 half-precision bits of a float, rounded to the nearest half (ties to even); values beyond the half
     * range become infinities, NaN stays NaN.
     */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            int m = mantissa | 0x800000; // the implicit bit
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, up to infinity: correct rounding
        }
        return (short) (sign | half);
    }

    private static final class Floats extends ElementWriter {
        private final float[] values;

        Floats(int length, IntFunction<String> where) {
            super(ElementType.FLOAT, where);
            values = new float[length];
        }

        @Override
        public void putLong(int index, long value) {
            values[index] = value;
        }

        @Override
        public void putDouble(int index, double value) {
            values[index] = (float) value;
        }

        @Override
        public Object array() {
            return values;
        }
    }

    private static final class Doubles extends ElementWriter {
        private final double[] values;

        Doubles(int length, IntFunction<String> where) {
            super(ElementType.DOUBLE, where);
            values = new double[length];
        }

        @Override
        public void putLong(int index, long value) {
            values[index] = value;
        }

        @Override
        public void putDouble(int index, double value) {
            values[index] = value;
        }

        @Override
        public Object array() {
            return values;
        }
    }

    private static final class Halves extends ElementWriter {
        private final short[] values;

        Halves(int length, IntFunction<String> where) {
            super(ElementType.FLOAT16, where);
            values = new short[length];
        }

        @Override
        public void putLong(int index, long value) {
            values[index] = floatToHalf((float) value); // rounds to the nearest half: a checked, documented conversion
        }

        @Override
        public void putDouble(int index, double value) {
            values[index] = floatToHalf((float) value);
        }

        @Override
        public void putHalf(int index, short bits) {
            values[index] = bits;
        }

        @Override
        public Object array() {
            return values;
        }
    }

    /** The integer and bool types, range-checked. */
    private static final class Integers extends ElementWriter {
        private final Object array;
        private final long min;
        private final long max;

        Integers(ElementType type, int length, IntFunction<String> where) {
            super(type, where);
            this.array = switch (type) {
                case INT8, UINT8, BOOL -> new byte[length];
                case INT16 -> new short[length];
                case INT32 -> new int[length];
                default -> new long[length];
            };
            this.min = switch (type) {
                case INT8 -> Byte.MIN_VALUE;
                case UINT8, BOOL -> 0;
                case INT16 -> Short.MIN_VALUE;
                case INT32 -> Integer.MIN_VALUE;
                default -> Long.MIN_VALUE;
            };
            this.max = switch (type) {
                case INT8 -> Byte.MAX_VALUE;
                case UINT8 -> 255;
                case BOOL -> 1;
                case INT16 -> Short.MAX_VALUE;
                case INT32 -> Integer.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
        }

        @Override
        public void putLong(int index, long value) {
            if (value < min || value > max) {
                throw outOfRange(index, Long.toString(value));
            }
            if (array instanceof byte[] b) {
                b[index] = (byte) value;
            } else if (array instanceof short[] s) {
                s[index] = (short) value;
            } else if (array instanceof int[] i) {
                i[index] = (int) value;
            } else {
                ((long[]) array)[index] = value;
            }
        }

        @Override
        public void putDouble(int index, double value) {
            // converts() refuses float sources for integer targets before any value is read
            throw new IllegalStateException("float value written to an integer tensor of " + type());
        }

        @Override
        public Object array() {
            return array;
        }
    }
}
