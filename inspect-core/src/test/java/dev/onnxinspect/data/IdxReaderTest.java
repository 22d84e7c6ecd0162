package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Two 2 x 3 images with bytes 0, 51, 102, 153, 204, 255 and 255, 0, ... */
    private static final int[] PIXELS = {0, 51, 102, 153, 204, 255, 255, 0, 1, 254, 128, 17};

    static byte[] idx(int magic, int[] dims, int[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int b : body) {
            out.writeByte(b);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private void assertTinyDataset(InMemoryDataset ds) {
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.sampleShape()).containsExactly(2, 3);
        assertThat(ds.labels()).containsExactly(7, 0);
        // pixel = byte / 255f: 51/255 = 0.2, 102/255 = 0.4, ...
        assertThat(ds.sample(0)).containsExactly(0f, 51 / 255f, 102 / 255f, 153 / 255f, 204 / 255f, 1f);
        assertThat(ds.sample(1)).containsExactly(1f, 0f, 1 / 255f, 254 / 255f, 128 / 255f, 17 / 255f);
        assertThat(ds.sample(0)[1]).isEqualTo(0.2f);
    }

    @Test
    void readsPlainFiles() throws IOException {
        Path images = write("img", idx(0x803, new int[] {2, 2, 3}, PIXELS));
        Path labels = write("lbl", idx(0x801, new int[] {2}, new int[] {7, 0}));
        assertTinyDataset(IdxReader.read("tiny", images, labels));
    }

    @Test
    void readsGzipFilesWhateverTheirName() throws IOException {
        Path images = write("img.idx", gzip(idx(0x803, new int[] {2, 2, 3}, PIXELS)));
        Path labels = write("lbl.gz", gzip(idx(0x801, new int[] {2}, new int[] {7, 0})));
        assertTinyDataset(IdxReader.read("tiny", images, labels));
        assertThat(IdxReader.readImages("u", images).labelled()).isFalse();
    }

    @Test
    void labelsKeepTheFullUnsignedByteRange() throws IOException {
        Path labels = write("lbl", idx(0x801, new int[] {3}, new int[] {0, 128, 255}));
        assertThat(IdxReader.readLabels(labels)).containsExactly(0, 128, 255);
    }

    @Test
    void wrongMagicNamesFileAndBothNumbers() throws IOException {
        Path labels = write("labels-as-images", idx(0x801, new int[] {2}, new int[] {1, 2}));
        assertThatThrownBy(() -> IdxReader.readImages("x", labels))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("labels-as-images")
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("expected 0x00000803");
    }

    @Test
    void truncatedBodyIsAnError() throws IOException {
        byte[] full = idx(0x803, new int[] {2, 2, 3}, PIXELS);
        Path images = write("short", Arrays.copyOf(full, full.length - 1));
        assertThatThrownBy(() -> IdxReader.readImages("x", images))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("short")
                .hasMessageContaining("truncated")
                .hasMessageContaining("12 pixels but only 11");
    }

    @Test
    void truncatedHeaderAndTruncatedGzipAreErrors() throws IOException {
        Path header = write("header", new byte[] {0, 0, 8, 3, 0, 0});
        assertThatThrownBy(() -> IdxReader.readImages("x", header))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("header")
                .hasMessageContaining("truncated");
        byte[] gz = gzip(idx(0x803, new int[] {2, 2, 3}, PIXELS));
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> IdxReader.readImages("x", cut))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cut.gz")
                .hasMessageContaining("truncated");
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        Path labels = write("long", idx(0x801, new int[] {2}, new int[] {1, 2, 3}));
        assertThatThrownBy(() -> IdxReader.readLabels(labels))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("long")
                .hasMessageContaining("after the 2");
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() throws IOException {
        Path images = write("img", idx(0x803, new int[] {2, 2, 3}, PIXELS));
        Path labels = write("lbl", idx(0x801, new int[] {3}, new int[] {7, 0, 1}));
        assertThatThrownBy(() -> IdxReader.read("x", images, labels))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("2 images but")
                .hasMessageContaining("3 labels");
    }

    @Test
    void missingFileIsAnError() {
        assertThatThrownBy(() -> IdxReader.readLabels(dir.resolve("nope")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nope")
                .hasMessageContaining("does not exist")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
    }
}
