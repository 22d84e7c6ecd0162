package dev.onnxinspect.data.numpy;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of an array in the NumPy {@code .npy} format, versions 1.0, 2.0 and 3.0: the magic string
 * {@code \x93NUMPY}, the version, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), and a
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} (ASCII; UTF-8 in 3.0),
 * padded with spaces and a newline. The data follow the header: {@code product(shape)} elements of the dtype, in C
 * order unless {@code fortran_order} is True.
 *
 * <p>The dtypes read, as their element type: {@code f2} FLOAT16, {@code f4} FLOAT, {@code f8} DOUBLE, {@code i1}
 * INT8, {@code u1} UINT8, {@code b1} BOOL, {@code i2} INT16, {@code i4} INT32, {@code i8} INT64, little-endian
 * ({@code <}), big-endian ({@code >}) or native ({@code =}; this machine's order). Every other dtype (unsigned 16-64
 * bit, complex, strings, objects, dates, structured arrays) is refused with the numpy call that converts it.
 *
 * @param where      the file (and array of an {@code .npz}), for messages
 * @param type       the element type
 * @param order      the byte order of the elements
 * @param shape      the array's shape (an empty array for a 0-d array)
 * @param fortran    whether the data are in Fortran (column-major) order
 * @param dataOffset the number of bytes before the data
 */
record NpyHeader(String where, ElementType type, ByteOrder order, long[] shape, boolean fortran, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Reads a header from the start of {@code in}, leaving the stream at the first data byte. */
    static NpyHeader read(InputStream in, String where) throws IOException {
        byte[] start = new byte[8];
        readFully(in, start, where);
        if (!Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) {
            throw new DatasetException(where + " is not a NumPy .npy array (no \\x93NUMPY magic at its start); write"
                    + " it with np.save (or np.savez for several arrays)");
        }
        int major = start[6] & 0xff;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default ->
                throw new DatasetException(where + " is a .npy of format version " + major + "." + (start[7] & 0xff)
                        + "; onnx-inspect reads versions 1.0 to 3.0: save it again with np.save");
        };
        byte[] lengthField = new byte[lengthBytes];
        readFully(in, lengthField, where);
        ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
        if (headerLength > 1 << 20) {
            throw new DatasetException(where + " has a .npy header of " + headerLength + " bytes, more than any"
                    + " np.save writes; the file is damaged: save it again");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        readFully(in, headerBytes, where);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(header, where, 8 + lengthBytes + headerLength);
    }

    private static void readFully(InputStream in, byte[] buffer, String where) throws IOException {
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n < buffer.length) {
            throw new DatasetException(where + " ends inside its .npy header (" + n + " of " + buffer.length
                    + " bytes); the file is truncated: save it again with np.save");
        }
    }

    static NpyHeader parse(String header, String where, long dataOffset) {
        String descr = value(header, "descr", where);
        if (descr.startsWith("[")) {
            throw new DatasetException(where + " holds a structured array (dtype " + descr + "); onnx-inspect reads"
                    + " plain number arrays: save each field as its own array (np.savez(f, x=a['x'], ...))");
        }
        String fortran = value(header, "fortran_order", where);
        String shapeText = value(header, "shape", where);
        long[] shape = parseShape(shapeText, where);
        boolean isFortran = switch (fortran) {
            case "True" -> true;
            case "False" -> false;
            default -> throw malformed(where, "fortran_order " + fortran);
        };
        if (!descr.startsWith("'") && !descr.startsWith("\"")) {
            throw malformed(where, "descr " + descr);
        }
        String dtype = descr.substring(1, descr.length() - 1);
        ByteOrder order;
        char orderChar = dtype.isEmpty() ? '?' : dtype.charAt(0);
        switch (orderChar) {
            case '<', '|' -> order = ByteOrder.LITTLE_ENDIAN;
            case '>' -> order = ByteOrder.BIG_ENDIAN;
            case '=' -> order = ByteOrder.nativeOrder();
            default -> {
                order = ByteOrder.LITTLE_ENDIAN;
                dtype = "=" + dtype;
            }
        }
        return new NpyHeader(where, elementType(dtype.substring(1), dtype, where), order, shape, isFortran, dataOffset);
    }

    private static ElementType elementType(String code, String dtype, String where) {
        return switch (code) {
            case "f2", "e" -> ElementType.FLOAT16;
            case "f4", "f" -> ElementType.FLOAT;
            case "f8", "d" -> ElementType.DOUBLE;
            case "i1", "b" -> ElementType.INT8;
            case "u1", "B" -> ElementType.UINT8;
            case "b1", "?" -> ElementType.BOOL;
            case "i2", "h" -> ElementType.INT16;
            case "i4", "i" -> ElementType.INT32;
            case "i8", "q", "l" -> ElementType.INT64;
            default ->
                throw new DatasetException(where + " has dtype '" + dtype + "' (" + describe(code)
                        + "), which onnx-inspect cannot feed; supported: float16/32/64 (<f2 <f4 <f8), int8/16/32/64"
                        + " (|i1 <i2 <i4 <i8), uint8 (|u1), bool (|b1): convert it, e.g. np.save(f,"
                        + " a.astype(np.float32))"
                        + " or a.astype(np.int64)");
        };
    }

    private static String describe(String code) {
        char kind = code.isEmpty() ? '?' : code.charAt(0);
        return switch (kind) {
            case 'u' -> "unsigned integers wider than 8 bits";
            case 'c' -> "complex numbers";
            case 'f' -> "floats of an unsupported width";
            case 'U', 'S', 'a' -> "strings: tokenize them first";
            case 'O' -> "Python objects: make it a number array (np.stack) first";
            case 'M', 'm' -> "dates or times";
            case 'V' -> "raw bytes";
            default -> "unknown";
        };
    }

    /** The text of a key's value in the dict literal, up to the next top-level comma or the closing brace. */
    private static String value(String header, String key, String where) {
        int at = header.indexOf("'" + key + "'");
        if (at < 0) {
            at = header.indexOf("\"" + key + "\"");
        }
        if (at < 0) {
            throw malformed(where, "no '" + key + "' key");
        }
        int colon = header.indexOf(':', at + key.length() + 2);
        if (colon < 0) {
            throw malformed(where, "no value for '" + key + "'");
        }
        int depth = 0;
        int i = colon + 1;
        while (i < header.length() && header.charAt(i) == ' ') {
            i++;
        }
        int begin = i;
        char quote = 0;
        for (; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        return header.substring(begin, i).trim();
    }

    private static long[] parseShape(String text, String where) {
        if (!text.startsWith("(") || !text.endsWith(")")) {
            throw malformed(where, "shape " + text);
        }
        List<Long> dims = new ArrayList<>();
        for (String part : text.substring(1, text.length() - 1).split(",")) {
            String p = part.trim();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1); // Python 2 longs
            }
            if (!p.isEmpty()) {
                long dim;
                try {
                    dim = Long.parseLong(p);
                } catch (NumberFormatException e) {
                    throw malformed(where, "shape " + text);
                }
                if (dim < 0) {
                    throw malformed(where, "shape " + text + " with a negative dimension");
                }
                dims.add(dim);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static DatasetException malformed(String where, String what) {
        return new DatasetException(where + " has a malformed .npy header (" + what + "); save it again with np.save");
    }

    /** Bytes per element. */
    int itemSize() {
        return type.byteSize();
    }

    /** The number of rows: the first dimension. */
    long rows() {
        return shape[0];
    }

    /** The shape of one row: the shape without the first dimension. */
    long[] rowShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Elements per row. */
    long rowSize() {
        long n = 1;
        for (int d = 1; d < shape.length; d++) {
            n = Math.multiplyExact(n, shape[d]);
        }
        return n;
    }

    /** Bytes of data the header announces. */
    long dataBytes() {
        return Math.multiplyExact(Math.multiplyExact(rows(), rowSize()), (long) itemSize());
    }

    /** The dtype as numpy writes it, for messages (e.g. {@code <f4}). */
    String dtype() {
        String code = switch (type) {
            case FLOAT16 -> "f2";
            case FLOAT -> "f4";
            case DOUBLE -> "f8";
            case INT8 -> "i1";
            case UINT8 -> "u1";
            case BOOL -> "b1";
            case INT16 -> "i2";
            case INT32 -> "i4";
            default -> "i8";
        };
        return (itemSize() == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<") + code;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
