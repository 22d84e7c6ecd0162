package dev.onnxinspect.samples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .npy} files the peer benchmark reads, byte for byte against the format's definition (NumPy's
 * "format.rst", version 1.0): magic {@code \x93NUMPY}, version 1.0, a little-endian uint16 header length, a Python
 * dict literal padded with spaces and ended by a newline so that the data starts at a multiple of 64 bytes, then
 * the raw little-endian values. The expected bytes are written out by hand here.
 */
class PeerExportTest {
    @TempDir
    Path dir;

    @Test
    void int64MatrixFollowsTheNpyFormat() throws IOException {
        Path file = dir.resolve("counts.npy");
        PeerExport.writeLongs(file, new long[] {1, 2, 3, 4, 5, -1}, new int[] {2, 3});
        byte[] bytes = Files.readAllBytes(file);
        // dict 59 characters; 10 + 59 + 1 = 70, padded to 128: header length 118 = 59 + 58 spaces + newline
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }";
        assertThat(bytes).hasSize(128 + 6 * 8);
        assertThat(Arrays.copyOfRange(bytes, 0, 10)).containsExactly(0x93 - 256, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0);
        assertThat(new String(bytes, 10, 118, StandardCharsets.US_ASCII)).isEqualTo(dict + " ".repeat(58) + "\n");
        assertThat(Arrays.copyOfRange(bytes, 128, 136)).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(bytes, 168, 176)).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1);
    }

    @Test
    void float32VectorHasAOneElementTupleShape() throws IOException {
        Path file = dir.resolve("input.npy");
        PeerExport.writeFloats(file, new float[] {1.5f, -2f}, new int[] {2});
        byte[] bytes = Files.readAllBytes(file);
        // dict 57 characters; 10 + 57 + 1 = 68, padded to 128: 60 spaces
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        assertThat(bytes).hasSize(128 + 2 * 4);
        assertThat(new String(bytes, 10, 118, StandardCharsets.US_ASCII)).isEqualTo(dict + " ".repeat(60) + "\n");
        // 1.5f = 0x3FC00000, -2f = 0xC0000000, little-endian
        assertThat(Arrays.copyOfRange(bytes, 128, 136)).containsExactly(0, 0, 0xC0 - 256, 0x3F, 0, 0, 0, 0xC0 - 256);
    }
}
