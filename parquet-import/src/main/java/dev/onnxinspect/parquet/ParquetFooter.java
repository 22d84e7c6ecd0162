package dev.onnxinspect.parquet;

import dev.onnxinspect.data.DatasetException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
        struct(1);
    }

    private void struct(int depth) {
        if (depth > MAX_DEPTH) {
            throw damaged("structs nested deeper than " + MAX_DEPTH);
        }
        while (true) {
            int header = u8();
            if (header == 0) {
                return;
            }
            if ((header >>> 4) == 0) {
                varint(); // the field id, zigzag i16
            }
            value(header & 0x0F, depth);
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
            case 9, 10 -> container(depth); // list, set
            case 11 -> map(depth);
            case 12 -> struct(depth + 1);
            default -> throw damaged("unknown Thrift type " + type);
        }
    }

    private void container(int depth) {
        int head = u8();
        long size = (long) (head >>> 4);
        if (size == 15) {
            size = length("a list");
        } else {
            fits(size, "a list");
        }
        int elements = head & 0x0F;
        for (long k = 0; k < size; k++) {
            element(elements, depth + 1);
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
}
