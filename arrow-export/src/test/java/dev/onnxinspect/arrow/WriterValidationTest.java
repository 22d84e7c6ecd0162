package dev.onnxinspect.arrow;

import static dev.onnxinspect.arrow.TestTables.DATASETS;
import static dev.onnxinspect.arrow.TestTables.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.inspect.ClassSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad inputs give a clear {@link ArrowExportException}; a rejected row leaves no trace in the file. */
class WriterValidationTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private final TableMetadata metadata = TestTables.metadata();
    private final ArrowWriteOptions options = ArrowWriteOptions.defaults();

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void anUnknownKeyNamesTheColumnAndTheAllowedValues() throws IOException {
        try (ActivationFrequencyWriter w =
                new ActivationFrequencyWriter(dir.resolve("a.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            assertThatThrownBy(() -> w.write("fc3", "S1", "mnist", 0, 0, 1, 1))
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessage("unknown layer 'fc3': the writer was made with [fc1, fc2]; pass every layer value to"
                            + " the writer when you create it");
            assertThatThrownBy(() -> w.write("fc1", "S3", "mnist", 0, 0, 1, 1))
                    .hasMessageContaining("unknown significance 'S3'")
                    .hasMessageContaining("[S1, S2]");
            assertThatThrownBy(() -> w.write(null, "S1", "mnist", 0, 0, 1, 1))
                    .hasMessageContaining("column 'layer' does not allow null");
        }
    }

    @Test
    void aRowRejectedHalfWayLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("a.arrow");
        try (ActivationFrequencyWriter w =
                new ActivationFrequencyWriter(file, metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc1", "S1", "mnist", 0, 0, 1, 4);
            // layer and significance are set before the unknown dataset is found.
            assertThatThrownBy(() -> w.write("fc2", "S2", "cifar", 5, 5, 2, 4))
                    .isInstanceOf(ArrowExportException.class);
            w.write("fc1", "S1", "mnist", 0, 1, 2, 4);
            assertThat(w.rowsWritten()).isEqualTo(2);
            w.commit();
        }
        ArrowTables.Table t = ArrowTables.read(file, allocator);
        assertThat(t.column("layer")).containsExactly("fc1", "fc1");
        assertThat(t.column("frequency")).containsExactly(0.25, 0.5);
    }

    @Test
    void nanAndOutOfRangeValuesAreRejected() throws IOException {
        try (ScoresWriter w = new ScoresWriter(
                dir.resolve("s.arrow"), metadata, options, allocator, DATASETS, List.of("msp", "energy"))) {
            assertThatThrownBy(() -> w.write("mnist", 0, 1, 1, -0.5, Double.NaN))
                    .hasMessageContaining("column 'energy' got NaN");
            assertThatThrownBy(() -> w.write("mnist", 0, 1, 1, -0.5))
                    .hasMessage("expected 2 scores [msp, energy], got 1");
            assertThatThrownBy(() -> w.write("mnist", 0, -1, 1, -0.5, 1.0))
                    .hasMessage("column 'label' must be >= 0, got -1");
        }
        try (ActivationFrequencyWriter w =
                new ActivationFrequencyWriter(dir.resolve("a.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            assertThatThrownBy(() -> w.write("fc1", "S1", "mnist", 0, 0, 0, 0))
                    .hasMessageContaining("class_size must be >= 1, got 0")
                    .hasMessageContaining("a class without samples yields no rows");
        }
        try (FrequencyHistogramWriter w =
                new FrequencyHistogramWriter(dir.resolve("h.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            // B = 4 in the test metadata, so bins are 0..3.
            assertThatThrownBy(() -> w.write("fc1", "S1", "mnist", 0, 4, 1))
                    .hasMessage("bin must be between 0 and 3 (B = 4 from the table metadata), got 4");
        }
        try (LayerSummaryWriter w =
                new LayerSummaryWriter(dir.resolve("l.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            assertThatThrownBy(() -> w.write("fc1", "mnist", 0, 4, 1.5, 0.0, 1, 0.0, 1.0))
                    .hasMessage("column 'active_fraction_s1' is a fraction in [0, 1], got 1.5");
            assertThatThrownBy(() -> w.write("fc1", "mnist", 0, 4, 0.5, 0.5, 5, 0.0, 1.0))
                    .hasMessageContaining("distinct_patterns must be between 1 and samples 4, got 5");
        }
        assertThatThrownBy(() -> new OodMetricsWriter.Metrics(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 3))
                .hasMessageContaining("at least one ID and one OOD sample");
        try (PathSimilarityWriter w =
                new PathSimilarityWriter(dir.resolve("p.arrow"), metadata, options, allocator, LAYERS)) {
            assertThatThrownBy(() -> w.writeSelf("fc1", 0, 1, 1.0)).hasMessageContaining("step must be >= 1");
            assertThatThrownBy(() -> w.writeCross("fc1", 1, "self", 1, 2, 1.0)).hasMessageContaining("use writeSelf");
            assertThatThrownBy(() -> w.writeCross("fc1", 1, PathSimilarityWriter.CROSS_PATTERN, 2, 2, 1.0))
                    .hasMessageContaining("two different samples");
        }
    }

    @Test
    void badTableDefinitionsAreRejectedBeforeAnyFileIsCreated() throws IOException {
        assertThatThrownBy(() -> new ActivationFrequencyWriter(
                        dir.resolve("a.arrow"), metadata, options, allocator, List.of("fc1", "fc1"), DATASETS))
                .hasMessageContaining("'fc1' appears twice");
        assertThatThrownBy(() -> new ScoresWriter(
                        dir.resolve("s.arrow"), metadata, options, allocator, DATASETS, List.of("msp", "label")))
                .hasMessageContaining("column name 'label' is used twice");
        assertThatThrownBy(() ->
                        new ScoresWriter(dir.resolve("s.arrow"), metadata, options, allocator, DATASETS, List.of()))
                .hasMessageContaining("at least one score column");
        assertThatThrownBy(() -> new TrainingHistoryWriter(
                        dir.resolve("t.arrow"), metadata, options, allocator, Map.of("run", Map.of("epoch", "3"))))
                .hasMessageContaining("clashes with a fixed column");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void metadataAndOptionsValidate() throws IOException {
        assertThatThrownBy(() -> TableMetadata.builder("mlp.onnx", "abc", ClassSource.LABEL)
                        .build())
                .hasMessageContaining("64 lowercase hex digits");
        assertThatThrownBy(() -> TableMetadata.builder("models/mlp.onnx", TestTables.EMPTY_SHA256, ClassSource.LABEL)
                        .build())
                .hasMessageContaining("without directories");
        assertThatThrownBy(() -> TableMetadata.builder("mlp.onnx", TestTables.EMPTY_SHA256, ClassSource.LABEL)
                        .bins(0)
                        .build())
                .hasMessage("bins must be at least 1, got 0");
        assertThatThrownBy(() -> ArrowWriteOptions.builder().batchRows(0).build())
                .hasMessageContaining("batchRows must be between 1 and");
        TableMetadata defaults = TableMetadata.builder("m.onnx", TestTables.EMPTY_SHA256, ClassSource.PREDICTED)
                .build();
        // SPEC §1, §2, §4 defaults.
        assertThat(defaults.tau()).isEqualTo(0.0);
        assertThat(defaults.eps()).isEqualTo(1000.0);
        assertThat(defaults.alpha()).isEqualTo(1e-6);
        assertThat(defaults.bins()).isEqualTo(100);
        assertThat(defaults.toSchemaMetadata("scores"))
                .containsEntry("class_source", "predicted")
                .containsEntry("layers", "[]");
    }

    @Test
    void classSourcesAreWrittenInLowerCase() {
        // SPEC §12: class_source is "label" or "predicted"
        assertThat(TableMetadata.classSourceValue(ClassSource.LABEL)).isEqualTo("label");
        assertThat(TableMetadata.classSourceValue(ClassSource.PREDICTED)).isEqualTo("predicted");
    }
}
