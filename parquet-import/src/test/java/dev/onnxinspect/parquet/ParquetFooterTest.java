package dev.onnxinspect.parquet;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.DatasetException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The footer check that runs before DuckDB: hand-encoded Thrift compact footers (a field header byte is the id delta
 * in the high nibble and the type in the low one: 5 i32, 8 binary, 9 list, 11 map, 12 struct; 0 ends a struct), the
 * project's real Parquet seeds, and the fuzzing input that made DuckDB allocate 7.4 GB.
 */
class ParquetFooterTest {
    private static final Path INPUTS =
            Path.of("src/test/resources/dev/onnxinspect/parquet/ParquetFuzzTestInputs/parquetFile");

    @TempDir
    Path dir;

    /** "PAR1", a fake data section, the footer, its length (little-endian int32) and "PAR1". */
    private Path parquet(byte[] footer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 2, 3});
        out.writeBytes(footer);
        int n = footer.length;
        out.writeBytes(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
        out.writeBytes("PAR1".getBytes(StandardCharsets.US_ASCII));
        return Files.write(dir.resolve("f.parquet"), out.toByteArray());
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int k = 0; k < values.length; k++) {
            b[k] = (byte) values[k];
        }
        return b;
    }

    /**
     * Field 1 i32 = 1 (0x15, zigzag 2), field 2 a list of one struct (0x19, size 1 type 12 = 0x1C) holding field 1
     * binary "ab" (0x18, length 2), field 3 a map of one i32 -> i32 (0x1B, size 1, types 0x55, 2, 4), stop.
     */
    @Test
    void aWellFormedFooterPasses() throws IOException {
        byte[] footer = bytes(0x15, 2, 0x19, 0x1C, 0x18, 2, 'a', 'b', 0, 0x1B, 1, 0x55, 2, 4, 0);
        assertThatCode(() -> ParquetFooter.check(parquet(footer))).doesNotThrowAnyException();
    }

    @Test
    void aListLongerThanTheFooterIsRefused() throws IOException {
        // list header 0xFC: size 15 (a varint follows) of structs; the varint 0xFF 0xFF 0xFF 0x7F is 268,435,455
        Path file = parquet(bytes(0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0));
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("a list declares 268435455 elements or bytes but 2 bytes are left");
    }

    @Test
    void aStringLongerThanTheFooterIsRefused() throws IOException {
        Path file = parquet(bytes(0x18, 0x80, 0x01, 'a', 0)); // length 128, 2 bytes left
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("a string declares 128 elements or bytes but 2 bytes are left");
    }

    @Test
    void aMapLargerThanTheFooterIsRefused() throws IOException {
        Path file = parquet(bytes(0x1B, 3, 0x55, 2, 4, 0)); // 3 entries need 6 bytes, 3 are left after the types
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("a map declares 6 elements or bytes but 3 bytes are left");
    }

    /**
     * FileMetaData field 4 (row_groups, 0x49) holds one RowGroup (list header 0x1C) whose field 1 (columns, 0x19)
     * is a list of one list (0x19) instead of structs: DuckDB's reader would take the inner list's bytes as a
     * ColumnChunk. The same footer with a struct element (0x1C) holding an empty ColumnChunk passes.
     */
    @Test
    void aListOfTheWrongElementTypeIsRefused() throws IOException {
        Path file = parquet(bytes(0x49, 0x1C, 0x19, 0x19, 0x15, 2, 0, 0));
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("RowGroup field 1 is a list of Thrift type 9, parquet.thrift says 12");
        assertThatCode(() -> ParquetFooter.check(parquet(bytes(0x49, 0x1C, 0x19, 0x1C, 0, 0, 0))))
                .doesNotThrowAnyException();
        // an unknown field's list may hold anything: DuckDB's reader skips it
        assertThatCode(() -> ParquetFooter.check(parquet(bytes(0xF9, 0x19, 0x15, 2, 0))))
                .doesNotThrowAnyException();
    }

    @Test
    void aFooterThatEndsInsideAValueIsRefused() throws IOException {
        Path file = parquet(bytes(0x15, 2, 0x15)); // no value for the second field, no stop byte
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("it ends inside a value");
    }

    @Test
    void deepNestingIsRefused() throws IOException {
        byte[] footer = new byte[2 * 100];
        for (int k = 0; k < 100; k++) {
            footer[k] = 0x1C; // field +1, struct
        }
        Path file = parquet(footer); // the rest: stop bytes
        assertThatThrownBy(() -> ParquetFooter.check(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nested deeper than " + ParquetFooter.MAX_DEPTH);
    }

    @Test
    void aBrokenFrameIsRefused() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny.parquet"), "PAR1PAR1".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ParquetFooter.check(tiny))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("fewer than a Parquet file's frame");
        Path csv = Files.write(dir.resolve("table.parquet"), "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ParquetFooter.check(csv))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("does not start and end with PAR1");
        byte[] frame = Files.readAllBytes(parquet(bytes(0)));
        frame[frame.length - 7] = 0x7F; // footer length 0x7F01: far beyond the 16-byte file
        Path longFooter = Files.write(dir.resolve("long.parquet"), frame);
        assertThatThrownBy(() -> ParquetFooter.check(longFooter))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("its footer length 32513 does not fit in its 16 bytes");
    }

    @Test
    void realFilesPassAndTheFuzzingFindingIsRefused() throws IOException {
        for (String seed :
                new String[] {"seed-fixed-arrays.parquet", "seed-float-lists.parquet", "seed-int-lists.parquet"}) {
            assertThatCode(() -> ParquetFooter.check(INPUTS.resolve(seed))).doesNotThrowAnyException();
        }
        // two fuzzing findings, each 7.4 GB resident in DuckDB before this check
        assertThatThrownBy(() -> ParquetFooter.check(INPUTS.resolve("oom-01666f672fa1fdf84424247d1d06c42dd80f585d")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("its footer is damaged: a list declares");
        assertThatThrownBy(() -> ParquetFooter.check(INPUTS.resolve("oom-771b10c8a5575e33fb0d98f30af531299533559d")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("its footer is damaged: RowGroup field 1 is a list of Thrift type 9");
    }
}
