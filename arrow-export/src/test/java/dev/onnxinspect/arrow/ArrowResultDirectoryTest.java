package dev.onnxinspect.arrow;

import static dev.onnxinspect.arrow.TestTables.DATASETS;
import static dev.onnxinspect.arrow.TestTables.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowResultDirectoryTest {
    @TempDir
    Path root;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private ArrowResultDirectory directory(Path dir) throws IOException {
        return ArrowResultDirectory.create(
                dir,
                TestTables.metadata(),
                ArrowWriteOptions.builder().compression(Compression.ZSTD).build(),
                allocator,
                Map.of("batch_size", "256", "note", "quote \" and\nnewline"));
    }

    private List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitWritesEveryTableAndTheManifest() throws IOException {
        Path dir = root.resolve("run");
        try (ArrowResultDirectory results = directory(dir)) {
            LayerSummaryWriter summary = results.layerSummary(LAYERS, DATASETS);
            summary.write("fc1", "mnist", 0, 2, 0.5, 0.5, 1, 0.0, 1.0);
            // committed by the caller before the directory: fine.
            summary.commit();
            ScoresWriter scores = results.scores(DATASETS, List.of("energy"));
            scores.write("mnist", 0, 1, 1, -3.5);
            scores.write("mnist", 1, 2, 2, -1.5);
            // the scores writer is still open: the directory commits it.
            results.commit();
            assertThat(scores.committed()).isTrue();
        }
        assertThat(listing(dir)).containsExactly("layer_summary.arrow", "manifest.json", "scores.arrow");
        JsonNode manifest =
                new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.get("format").asText()).isEqualTo("onnx-inspect-results/1");
        assertThat(manifest.get("library_version").asText()).isEqualTo(LibraryVersion.get());
        assertThat(manifest.get("tables")).hasSize(2);
        JsonNode first = manifest.get("tables").get(0);
        assertThat(first.get("table").asText()).isEqualTo("layer_summary");
        assertThat(first.get("file").asText()).isEqualTo("layer_summary.arrow");
        assertThat(first.get("rows").asLong()).isEqualTo(1);
        assertThat(first.get("compression").asText()).isEqualTo("ZSTD");
        assertThat(manifest.get("tables").get(1).get("rows").asLong()).isEqualTo(2);
        assertThat(manifest.get("parameters").get("batch_size").asText()).isEqualTo("256");
        assertThat(manifest.get("parameters").get("note").asText()).isEqualTo("quote \" and\nnewline");
        assertThat(manifest.get("metadata").get("model_sha256").asText()).isEqualTo(TestTables.EMPTY_SHA256);
        assertThat(manifest.get("metadata").get("score_convention").asText()).isEqualTo("higher = more OOD");
        assertThat(ArrowTables.read(dir.resolve("scores.arrow"), allocator).column("energy"))
                .containsExactly(-3.5, -1.5);
    }

    @Test
    void closeWithoutCommitWritesNoManifestAndRemovesAStaleOne() throws IOException {
        Path dir = root.resolve("run");
        try (ArrowResultDirectory results = directory(dir)) {
            results.commit();
        }
        assertThat(listing(dir)).containsExactly("manifest.json");
        try (ArrowResultDirectory results = directory(dir)) {
            // opening the directory again deletes the old manifest: its tables are about to be replaced; the
            // hidden lock file holds the directory for this run until it is closed.
            assertThat(listing(dir)).containsExactly(".onnx-inspect.lock");
            ClassKlWriter kl = results.classKl(LAYERS, List.of("activation_s1"), DATASETS);
            kl.write("fc1", "activation_s1", "mnist", 0, "mnist", 1, 0.25);
        }
        assertThat(listing(dir)).isEmpty();
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefusedAndKept() throws IOException {
        Path file = Files.writeString(root.resolve("taken"), "x");
        assertThatThrownBy(() -> directory(file))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("cannot write into " + file + ": it is a regular file, not a directory; give the path of"
                        + " a new or an existing directory")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void anEmptyPathIsRefusedInsteadOfWritingIntoTheWorkingDirectory() {
        // before: Path.of("") became the working directory and the tables were written there (issue 13, item 3)
        assertThatThrownBy(() -> directory(Path.of("")))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageStartingWith("the output directory is an empty path")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedAtOnceAndNothingIsMixed() throws IOException {
        Path dir = root.resolve("run");
        try (ArrowResultDirectory first = directory(dir)) {
            ScoresWriter scores = first.scores(DATASETS, List.of("energy"));
            scores.write("mnist", 0, 1, 1, -3.5);
            // before: the second run deleted the manifest and wrote its tables among the first run's
            assertThatThrownBy(() -> directory(dir))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessage("cannot write into " + dir + ": this process is writing its results there (lock file"
                            + " .onnx-inspect.lock); wait for it to finish or give another directory")
                    .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
            first.commit();
        }
        // the lock file does not stay among the results
        assertThat(listing(dir)).containsExactly("manifest.json", "scores.arrow");
        JsonNode manifest =
                new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.get("tables")).hasSize(1);
        // released: the next run may write the directory
        try (ArrowResultDirectory next = directory(dir)) {
            next.commit();
        }
        assertThat(listing(dir)).containsExactly("manifest.json", "scores.arrow");
    }

    @Test
    void anAbortedTableFailsTheCommitAndEachTableIsOpenedOnce() throws IOException {
        Path dir = root.resolve("run");
        try (ArrowResultDirectory results = directory(dir)) {
            results.nodeClassifier(LAYERS, DATASETS).writeLayer("fc1", "mnist", "mnist", 0.5);
            assertThatThrownBy(() -> results.nodeClassifier(LAYERS, DATASETS))
                    .hasMessageContaining("table node_classifier was already opened");
            PathSimilarityWriter paths = results.pathSimilarity(LAYERS);
            paths.abort();
            assertThatThrownBy(results::commit)
                    .isInstanceOf(ArrowExportException.class)
                    .hasMessageContaining("table path_similarity was aborted");
            assertThatThrownBy(() -> results.layerSummary(LAYERS, DATASETS))
                    .hasMessageContaining("already committed or closed");
        }
        assertThat(listing(dir)).isEmpty();
    }

    @Test
    void everyTableHasAFactory() throws IOException {
        Path dir = root.resolve("all");
        try (ArrowResultDirectory results = directory(dir)) {
            results.scores(DATASETS, List.of("msp"));
            results.oodMetrics(List.of("msp"), LAYERS, DATASETS);
            results.rocCurve(List.of("msp"), LAYERS, DATASETS);
            results.activationFrequency(LAYERS, DATASETS);
            results.frequencyHistogram(LAYERS, DATASETS);
            results.interactionFrequency(LAYERS, DATASETS);
            results.classKl(LAYERS, List.of("activation_s1"), DATASETS);
            results.layerSummary(LAYERS, DATASETS);
            results.nodeClassifier(LAYERS, DATASETS);
            results.pathSimilarity(LAYERS);
            results.trainingHistory(Map.of("run", Map.of("seed", "1")));
            results.commit();
        }
        assertThat(listing(dir))
                .containsExactly(
                        "activation_frequency.arrow",
                        "class_kl.arrow",
                        "frequency_histogram.arrow",
                        "interaction_frequency.arrow",
                        "layer_summary.arrow",
                        "manifest.json",
                        "node_classifier.arrow",
                        "ood_metrics.arrow",
                        "path_similarity.arrow",
                        "roc_curve.arrow",
                        "scores.arrow",
                        "training_history.arrow");
    }
}
