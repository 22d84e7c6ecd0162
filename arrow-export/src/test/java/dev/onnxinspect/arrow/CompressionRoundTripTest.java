package dev.onnxinspect.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** LZ4 and ZSTD files read back to the same values; compressible data gets smaller than uncompressed. */
class CompressionRoundTripTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    /** 5000 rows: neuron i, count i mod 5 of class size 4 + (i mod 5)... written in batches of 1000. */
    private Path write(Compression compression) throws IOException {
        Path file = dir.resolve(compression.name() + ".arrow");
        ArrowWriteOptions options = ArrowWriteOptions.builder()
                .batchRows(1000)
                .compression(compression)
                .build();
        try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                file, TestTables.metadata(), options, allocator, TestTables.LAYERS, TestTables.DATASETS)) {
            for (int i = 0; i < 5000; i++) {
                w.write(i % 2 == 0 ? "fc1" : "fc2", "S1", "mnist", i % 10, i, i % 5, 4 + (i % 5));
            }
            w.commit();
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTrips(Compression compression) throws IOException {
        Path file = write(compression);
        ArrowTables.Table t = ArrowTables.read(file, allocator);
        assertThat(t.rows()).hasSize(5000);
        assertThat(t.batches()).isEqualTo(5);
        for (int i : new int[] {0, 1, 999, 1000, 4999}) {
            var row = t.rows().get(i);
            assertThat(row.get("layer")).isEqualTo(i % 2 == 0 ? "fc1" : "fc2");
            assertThat(row.get("neuron")).isEqualTo(i);
            assertThat(row.get("class")).isEqualTo(i % 10);
            assertThat(row.get("count")).isEqualTo((long) (i % 5));
            // frequency = (i mod 5) / (4 + i mod 5), computed the same way.
            assertThat(row.get("frequency")).isEqualTo((double) (i % 5) / (4 + (i % 5)));
        }
        assertThat(t.metadata()).containsEntry("table", "activation_frequency");
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"LZ4_FRAME", "ZSTD"})
    void compressedBatchesDeclareTheirCodecAndAreSmaller(Compression compression) throws IOException {
        Path plain = write(Compression.NONE);
        Path packed = write(compression);
        // columns repeat with periods 2, 5 and 10: far more compressible than half.
        assertThat(Files.size(packed)).isLessThan(Files.size(plain) / 2);
        try (FileChannel channel = FileChannel.open(packed);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
            List<org.apache.arrow.vector.ipc.message.ArrowBlock> blocks = reader.getRecordBlocks();
            assertThat(blocks).hasSize(5);
            assertThat(reader.loadNextBatch()).isTrue();
            assertThat(reader.getVectorSchemaRoot().getRowCount()).isEqualTo(1000);
        }
    }
}
