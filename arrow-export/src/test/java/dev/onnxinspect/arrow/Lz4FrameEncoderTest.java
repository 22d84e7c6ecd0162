package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.junit.jupiter.api.Test;

/** {@link Lz4FrameEncoder}: exact bytes on a hand-encoded input, and round trips through commons-compress's decoder. */
class Lz4FrameEncoderTest {
    private static byte[] encode(byte[] input) {
        byte[] frame = new byte[Lz4FrameEncoder.maxFrameLength(input.length)];
        int size = new Lz4FrameEncoder().encode(input, input.length, frame);
        return Arrays.copyOf(frame, size);
    }

    /** Decoded by commons-compress, which also verifies the header checksum. */
    private static byte[] decode(byte[] frame) throws IOException {
        try (FramedLZ4CompressorInputStream in = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(frame))) {
            return in.readAllBytes();
        }
    }

    @Test
    void xxHash32MatchesTheReferenceVectors() {
        // XXH32 reference values with seed 0 (xxHash's sanity tests): "" -> 02CC5D05, "a" -> 550D7456,
        // "abc" -> 32D153FF.
        assertThat(Lz4FrameEncoder.xxHash32Short(new byte[0])).isEqualTo(0x02CC5D05);
        assertThat(Lz4FrameEncoder.xxHash32Short("a".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(0x550D7456);
        assertThat(Lz4FrameEncoder.xxHash32Short("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(0x32D153FF);
    }

    @Test
    void sixteenEqualBytesEncodeToTheHandDerivedBlock() throws IOException {
        byte[] input = new byte[16];
        Arrays.fill(input, (byte) 'a');
        byte[] frame = encode(input);
        // Position 0 misses the empty hash table; position 1 matches position 0 (offset 1). The match may run to
        // 5 bytes before the end (index 11), so its length is 10: one literal 'a', token (1 << 4) | (10 - 4) = 0x16,
        // offset 01 00. The last 5 bytes are literals: token 0x50 and "aaaaa". 10 bytes < 16: stored compressed.
        byte[] block = {0x16, 'a', 0x01, 0x00, 0x50, 'a', 'a', 'a', 'a', 'a'};
        assertThat(Arrays.copyOfRange(frame, 0, 6)).containsExactly(0x04, 0x22, 0x4D, 0x18, 0x60, 0x70);
        assertThat(Arrays.copyOfRange(frame, 7, 11)).containsExactly(10, 0, 0, 0);
        assertThat(Arrays.copyOfRange(frame, 11, 21)).containsExactly(block);
        assertThat(Arrays.copyOfRange(frame, 21, frame.length)).containsExactly(0, 0, 0, 0);
        assertThat(decode(frame)).isEqualTo(input);
    }

    @Test
    void roundTripsShortPeriodicRandomAndMultiBlockInputs() throws IOException {
        Random random = new Random(7);
        int[] lengths = {0, 1, 5, 12, 13, 100, 65_536, 300_000};
        for (int length : lengths) {
            byte[] periodic = new byte[length];
            byte[] noise = new byte[length];
            random.nextBytes(noise);
            for (int i = 0; i < length; i++) {
                periodic[i] = (byte) ((i / 8 * 7919) % 6001);
            }
            assertThat(decode(encode(periodic))).as("periodic %d", length).isEqualTo(periodic);
            assertThat(decode(encode(noise))).as("noise %d", length).isEqualTo(noise);
        }
        // 9 MiB spans three 4 MiB blocks; zeros compress to far below 1%.
        byte[] zeros = new byte[9 << 20];
        byte[] frame = encode(zeros);
        assertThat(decode(frame)).isEqualTo(zeros);
        assertThat(frame.length).isLessThan(zeros.length / 100);
        // incompressible input is stored raw: the frame is at most 7 header + 3 x 4 sizes + 4 end mark bytes larger.
        byte[] noise = new byte[9 << 20];
        random.nextBytes(noise);
        byte[] raw = encode(noise);
        assertThat(raw.length).isEqualTo(noise.length + 7 + 3 * 4 + 4);
        assertThat(decode(raw)).isEqualTo(noise);
    }
}
