package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test vectors of FIPS 180-2 (appendix B) and the well-known digest of the empty message. */
class Sha256Test {
    /** FIPS 180-2 B.1: SHA-256("abc"). */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /** SHA-256 of the empty message. */
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** FIPS 180-2 B.3: SHA-256 of one million 'a' (longer than any read buffer, so the file is streamed). */
    private static final String MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    @TempDir
    Path dir;

    private static byte[] millionA() {
        byte[] bytes = new byte[1_000_000];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }

    @Test
    void bytesGiveTheFipsTestVectorsInLowercaseHex() {
        assertThat(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
        assertThat(Sha256.of(new byte[0])).isEqualTo(EMPTY);
        assertThat(Sha256.of(millionA())).isEqualTo(MILLION_A);
    }

    @Test
    void aFileHashesLikeItsBytes() throws IOException {
        assertThat(Sha256.of(Files.write(dir.resolve("abc.txt"), "abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(ABC);
        assertThat(Sha256.of(Files.write(dir.resolve("empty"), new byte[0]))).isEqualTo(EMPTY);
        assertThat(Sha256.of(Files.write(dir.resolve("a.bin"), millionA()))).isEqualTo(MILLION_A);
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> Sha256.of(dir.resolve("none.onnx"))).isInstanceOf(NoSuchFileException.class);
    }
}
