package dev.onnxinspect.parquet;

import dev.onnxinspect.data.DatasetException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Checks a Parquet file's frame and footer before DuckDB reads it: "PAR1" at both ends, a footer length inside the
 * file, and a footer (Thrift compact protocol) whose every declared length fits in the bytes that are left.
 *
 * <p>Why: DuckDB's Thrift reader sizes a list or a string by the length the file declares before it reads the
 * elements. A damaged footer of a few hundred bytes declaring a list of a billion elements made it allocate 7.4 GB
 * before it failed with {@code TProtocolException} (a fuzzing finding); {@code memory_limit} does not cover that
 * memory. A structural walk of the footer, which decodes no field's meaning, refuses such a file in one line.
 *
 * <p>The walk: a struct is fields until a stop byte (a field header gives the type and the field id delta, or 0 and
 * the id as a zigzag varint); a value is a boolean (in the type), a byte, a varint (i16, i32, i64), 8 bytes (double),
 * a length-prefixed binary, a list or set (size in the header, or a varint after 15), a map (varint size, then the key
 * and value types) or a struct. Every element takes at least one byte, so a declared size larger than the bytes left
 * is impossible in a valid file; nesting deeper than {@value #MAX_DEPTH} levels is refused too.
 */
final class ParquetFooter {
    static final int MAX_DEPTH = 64;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final ByteBuffer footer;

    private ParquetFooter(Path file, ByteBuffer footer) {
        this.file = file;
        this.footer = footer;
    }

    /**
     * Checks the file's frame and footer.
     *
     * @throws DatasetException naming the file and what is wrong, when it is not a Parquet file or its footer is
     *                          damaged
     * @throws IOException      when the file cannot be read
     */
    static void check(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 2L * MAGIC.length + Integer.BYTES) {
                throw damaged(file, "it has " + size + " bytes, fewer than a Parquet file's frame (12)");
            }
            ByteBuffer head = read(channel, 0, MAGIC.length);
            ByteBuffer tail = read(channel, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
            if (!magic(head, 0) || !magic(tail, 4)) {
                throw damaged(file, "it does not start and end with PAR1");
            }
            long length = Integer.toUnsignedLong(tail.getInt(0));
            if (length == 0 || length > size - 2L * MAGIC.length - Integer.BYTES) {
                throw damaged(file, "its footer length " + length + " does not fit in its " + size + " bytes");
            }
            new ParquetFooter(file, read(channel, size - 8 - length, (int) length)).walk();
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the file ended while reading " + length + " bytes at " + position);
            }
        }
        return buffer.flip();
    }

    private static boolean magic(ByteBuffer buffer, int at) {
        for (int k = 0; k < MAGIC.length; k++) {
            if (buffer.get(at + k) != MAGIC[k]) {
                return false;
            }
        }
        return true;
    }

    private static DatasetException damaged(Path file, String why) {
        return new DatasetException(file + " is not a Parquet file DuckDB can read (" + why + "); write it with pandas"
                + " to_parquet, pyarrow.parquet.write_table or polars write_parquet");
    }

    private DatasetException damaged(String why) {
        return damaged(
                file, "its footer is damaged: " + why + " at byte " + footer.position() + " of " + footer.limit());
    }

    /** Walks the FileMetaData struct; bytes after its stop byte are left to DuckDB. */
    private void walk() {
        struct(1, Shape.FILE_META_DATA);
    }

    private void struct(int depth) {
        struct(depth, Shape.NONE);
    }

    /**
     * A struct whose known list and struct fields are checked against {@code shape}: a list field whose elements
     * are not of the type parquet.thrift gives it is refused, because DuckDB's generated reader takes the elements
     * as the declared type whatever the file says (a fuzzed footer whose column list held lists instead of structs
     * made it allocate 7.4 GB); a known field of another type is skipped by that reader, and walked as any value here.
     */
    private void struct(int depth, Shape shape) {
        if (depth > MAX_DEPTH) {
            throw damaged("structs nested deeper than " + MAX_DEPTH);
        }
        int id = 0;
        while (true) {
            int header = u8();
            if (header == 0) {
                return;
            }
            int delta = header >>> 4;
            if (delta == 0) {
                long zigzag = varint();
                id = (int) ((zigzag >>> 1) ^ -(zigzag & 1));
            } else {
                id += delta;
            }
            int type = header & 0x0F;
            Shape.ListField list = shape.lists().get(id);
            Shape nested = shape.structs().get(id);
            if ((type == 9 || type == 10) && list != null) {
                list(depth, shape.name() + " field " + id, list);
            } else if (type == 12 && nested != null) {
                struct(depth + 1, nested);
            } else {
                value(type, depth);
            }
        }
    }

    /** A list or set whose elements must be of the expected type (any, for {@link Shape#ANY_LIST}). */
    private void list(int depth, String field, Shape.ListField expected) {
        int head = u8();
        long size = (long) (head >>> 4);
        if (size == 15) {
            size = length("a list");
        } else {
            fits(size, "a list");
        }
        int elements = head & 0x0F;
        if (size > 0 && expected.type() >= 0 && elements != expected.type()) {
            throw damaged(field + " is a list of Thrift type " + elements + ", parquet.thrift says " + expected.type());
        }
        for (long k = 0; k < size; k++) {
            if (expected.type() == 12) {
                struct(depth + 1, expected.elements());
            } else {
                element(elements, depth + 1);
            }
        }
    }

    private void value(int type, int depth) {
        switch (type) {
            case 1, 2 -> { // boolean true, false: in the type
            }
            case 3 -> u8(); // byte
            case 4, 5, 6 -> varint(); // i16, i32, i64
            case 7 -> skip(8); // double
            case 8 -> skip(length("a string")); // binary
            case 9, 10 -> list(depth, "a list", Shape.ANY_LIST); // list, set
            case 11 -> map(depth);
            case 12 -> struct(depth + 1);
            default -> throw damaged("unknown Thrift type " + type);
        }
    }

    private void map(int depth) {
        long size = length("a map");
        if (size == 0) {
            return;
        }
        int types = u8();
        fits(2 * size, "a map");
        for (long k = 0; k < size; k++) {
            element(types >>> 4, depth + 1);
            element(types & 0x0F, depth + 1);
        }
    }

    /** A list, set or map element: as a field value, except that a boolean takes one byte. */
    private void element(int type, int depth) {
        if (depth > MAX_DEPTH) {
            throw damaged("containers nested deeper than " + MAX_DEPTH);
        }
        if (type == 1 || type == 2) {
            u8();
        } else {
            value(type, depth);
        }
    }

    /** A declared size or length (an unsigned varint) that must fit in the bytes left. */
    private long length(String what) {
        long length = varint();
        fits(length, what);
        return length;
    }

    private void fits(long count, String what) {
        if (count < 0 || count > footer.remaining()) {
            throw damaged(what + " declares " + Long.toUnsignedString(count) + " elements or bytes but "
                    + footer.remaining() + " bytes are left");
        }
    }

    private int u8() {
        if (!footer.hasRemaining()) {
            throw damaged("it ends inside a value");
        }
        return footer.get() & 0xFF;
    }

    private void skip(long bytes) {
        if (bytes > footer.remaining()) {
            throw damaged("a value of " + bytes + " bytes with " + footer.remaining() + " left");
        }
        footer.position(footer.position() + (int) bytes);
    }

    /** An unsigned LEB128 varint of at most 10 bytes. */
    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw damaged("a varint longer than 10 bytes");
    }

    /**
     * The list and struct fields of a parquet.thrift struct that can hold lists, by field id (Thrift compact types:
     * 5 i32, 6 i64, 8 binary, 12 struct). Fields not named here are walked as any value.
     */
    private record Shape(String name, Map<Integer, ListField> lists, Map<Integer, Shape> structs) {
        /** A list field: its element type and, for structs, their shape. */
        record ListField(int type, Shape elements) {}

        static final Shape NONE = new Shape("a struct", Map.of(), Map.of());
        /** A list no field of parquet.thrift names: its elements may be of any type (type -1). */
        static final ListField ANY_LIST = new ListField(-1, NONE);

        static final Shape KEY_VALUE = new Shape("KeyValue", Map.of(), Map.of());
        static final Shape SIZE_STATISTICS =
                new Shape("SizeStatistics", Map.of(2, new ListField(6, NONE), 3, new ListField(6, NONE)), Map.of());
        static final Shape GEOSPATIAL_STATISTICS =
                new Shape("GeospatialStatistics", Map.of(2, new ListField(5, NONE)), Map.of());
        static final Shape COLUMN_META_DATA = new Shape(
                "ColumnMetaData",
                Map.of(
                        2, new ListField(5, NONE), // encodings
                        3, new ListField(8, NONE), // path_in_schema
                        8, new ListField(12, KEY_VALUE), // key_value_metadata
                        13, new ListField(12, NONE)), // encoding_stats
                Map.of(16, SIZE_STATISTICS, 17, GEOSPATIAL_STATISTICS));
        static final Shape COLUMN_KEY =
                new Shape("EncryptionWithColumnKey", Map.of(1, new ListField(8, NONE)), Map.of());
        static final Shape COLUMN_CRYPTO = new Shape("ColumnCryptoMetaData", Map.of(), Map.of(2, COLUMN_KEY));
        static final Shape COLUMN_CHUNK =
                new Shape("ColumnChunk", Map.of(), Map.of(3, COLUMN_META_DATA, 8, COLUMN_CRYPTO));
        static final Shape ROW_GROUP = new Shape(
                "RowGroup",
                Map.of(1, new ListField(12, COLUMN_CHUNK), 4, new ListField(12, NONE)), // columns, sorting_columns
                Map.of());
        static final Shape FILE_META_DATA = new Shape(
                "FileMetaData",
                Map.of(
                        2, new ListField(12, NONE), // schema (SchemaElement: no lists)
                        4, new ListField(12, ROW_GROUP), // row_groups
                        5, new ListField(12, KEY_VALUE), // key_value_metadata
                        7, new ListField(12, NONE)), // column_orders
                Map.of());
    }
}
