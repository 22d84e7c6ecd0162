package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxCheckpointWriter;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written to disk, read back as a series, analysed into Arrow and CSV files that are read back. */
class DynamicsTablesTest {
    @TempDir
    Path temp;

    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private Path writeCheckpoints() {
        Path dir = temp.resolve("checkpoints");
        var writer = new OnnxCheckpointWriter(TinyCheckpoints.MLP, dir, "tiny", ExportOptions.DEFAULTS);
        List<ModelParameters> params = TinyCheckpoints.parameters();
        for (int t = 0; t < params.size(); t++) {
            writer.onEpoch(TinyCheckpoints.record(t), params.get(t));
        }
        return dir;
    }

    @Test
    void writesThePathSimilarityTableHistoryAndWeightNorms() throws IOException {
        Path checkpoints = writeCheckpoints();
        CheckpointSeries series = CheckpointSeries.fromDirectory(checkpoints);
        assertThat(series.steps()).containsExactly(0, 1, 2);
        Path out = temp.resolve("out");
        var history = List.of(TinyCheckpoints.record(0), TinyCheckpoints.record(1), TinyCheckpoints.record(2));

        DynamicsResult result = DynamicsTables.analyse(
                series,
                TinyCheckpoints.probe(),
                DynamicsOptions.builder().build(),
                new RunInfo("tiny", Map.of("lr", "0.1"), history),
                out,
                allocator);

        List<Map<String, Object>> rows = read(out.resolve("path_similarity.arrow"), null);
        var actual = new ArrayList<DynamicsAnalysisTest.Row>();
        for (Map<String, Object> r : rows) {
            PathKind kind = switch ((String) r.get("kind")) {
                case "self" -> PathKind.SELF;
                case "cross_pattern" -> PathKind.CROSS_PATTERN;
                default -> PathKind.CROSS_ACTIVATION;
            };
            actual.add(new DynamicsAnalysisTest.Row(
                    (String) r.get("layer"),
                    (Integer) r.get("step"),
                    kind,
                    (Integer) r.get("sample_i"),
                    r.get("sample_j") == null ? -1 : (Integer) r.get("sample_j"),
                    (Double) r.get("similarity")));
        }
        DynamicsAnalysisTest.assertRows(actual);

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Map<String, Object>> historyRows = read(out.resolve("training_history.arrow"), metadata);
        assertThat(historyRows).extracting(r -> r.get("epoch")).containsExactly(0, 1, 2);
        assertThat(historyRows).extracting(r -> r.get("distance_from_init")).containsExactly(0.0, 1.0, 2.0);
        assertThat(historyRows).extracting(r -> r.get("lr")).containsOnly("0.1");
        assertThat(metadata)
                .containsEntry("model_file", "checkpoint-002.onnx")
                .containsEntry("model_sha256", Sha256.of(checkpoints.resolve("checkpoint-002.onnx")))
                .containsEntry("param.probe_samples", "3");
        assertThat(result.checkpoints().get(2).sha256()).isEqualTo(metadata.get("model_sha256"));

        // the norms of DynamicsAnalysisTest#weightNormsFromTheInitializersEqualHandDerivedValues, one line each
        assertThat(Files.readAllLines(out.resolve(WeightNormsCsv.FILE)))
                .containsExactly(
                        WeightNormsCsv.HEADER,
                        "tiny,0,dense1/linear," + Math.sqrt(2) + ",0.0",
                        "tiny,0,logits," + Math.sqrt(2) + ",0.0",
                        "tiny,0,total,2.0,0.0",
                        "tiny,1,dense1/linear," + Math.sqrt(10.25) + "," + Math.sqrt(8.25),
                        "tiny,1,logits," + Math.sqrt(2) + ",0.0",
                        "tiny,1,total,3.5," + Math.sqrt(8.25),
                        "tiny,2,dense1/linear," + Math.sqrt(11) + "," + Math.sqrt(5),
                        "tiny,2,logits," + Math.sqrt(2) + ",0.0",
                        "tiny,2,total," + Math.sqrt(13) + "," + Math.sqrt(5));
        assertThat(Files.exists(out.resolve("manifest.json"))).isTrue();
    }

    /** Both names are read; the step is the number, whatever its digits. */
    @Test
    void readsCheckpointAndEpochFileNamesInStepOrder() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("named"));
        Path written = writeCheckpoints();
        Files.copy(written.resolve("checkpoint-000.onnx"), dir.resolve("checkpoint-0.onnx"));
        Files.copy(written.resolve("checkpoint-001.onnx"), dir.resolve("epoch-10.onnx"));
        Files.copy(written.resolve("checkpoint-002.onnx"), dir.resolve("checkpoint-002.onnx"));
        CheckpointSeries series = CheckpointSeries.fromDirectory(dir);
        assertThat(series.steps()).containsExactly(0, 2, 10);
        assertThat(series.load(2).fileName()).isEqualTo("epoch-10.onnx");
        assertThat(series.load(2).model()).isEqualTo(Files.readAllBytes(written.resolve("checkpoint-001.onnx")));
    }

    @Test
    void rejectsDirectoriesWithoutOrWithDuplicateCheckpoints() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "not a checkpoint");
        assertThatThrownBy(() -> CheckpointSeries.fromDirectory(empty))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("checkpoint-<t>.onnx");
        Path dir = writeCheckpoints();
        Files.copy(dir.resolve("checkpoint-001.onnx"), dir.resolve("epoch-1.onnx"));
        assertThatThrownBy(() -> CheckpointSeries.fromDirectory(dir))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("step 1");
        assertThatThrownBy(() -> CheckpointSeries.fromDirectory(temp.resolve("missing")))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("cannot list");
    }

    @Test
    void rejectsSeriesOutOfOrder() {
        byte[] model = {1};
        assertThatThrownBy(() -> CheckpointSeries.of(
                        List.of(new Checkpoint(2, "a.onnx", model), new Checkpoint(1, "b.onnx", model))))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("increase");
        assertThatThrownBy(() -> new Checkpoint(0, "dir/a.onnx", model))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("without directories");
    }

    /** Reads every row, decoding dictionary columns to strings; copies the schema metadata into {@code metadata}. */
    private List<Map<String, Object>> read(Path file, Map<String, String> metadata) throws IOException {
        try (FileChannel channel = FileChannel.open(file);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            if (metadata != null) {
                metadata.putAll(root.getSchema().getCustomMetadata());
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                Map<Long, Dictionary> dictionaries = reader.getDictionaryVectors();
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        DictionaryEncoding encoding = v.getField().getDictionary();
                        Object value = v.isNull(i)
                                ? null
                                : encoding == null
                                        ? v.getObject(i)
                                        : dictionaries
                                                .get(encoding.getId())
                                                .getVector()
                                                .getObject(((IntVector) v).get(i))
                                                .toString();
                        row.put(v.getName(), value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
