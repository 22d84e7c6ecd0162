package dev.onnxinspect.arrow;

import static dev.onnxinspect.arrow.TestTables.DATASETS;
import static dev.onnxinspect.arrow.TestTables.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SPEC §12 table written and read back with Arrow Java: column names and types, values, schema metadata.
 * Batches of 2 rows make every table span several record batches. Expected values are the inputs, or closed forms
 * derived in the comments.
 */
class TableWritersRoundTripTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private final ArrowWriteOptions options =
            ArrowWriteOptions.builder().batchRows(2).build();
    private final TableMetadata metadata = TestTables.metadata();

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        // Closing the root allocator throws when any buffer is still allocated: a leak fails the test.
        allocator.close();
    }

    private static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            row.put((String) keyValues[i], keyValues[i + 1]);
        }
        return row;
    }

    private ArrowTables.Table readBack(ArrowTableWriter writer) throws IOException {
        return ArrowTables.read(writer.file(), allocator);
    }

    @Test
    void scores() throws IOException {
        List<String> columns = List.of("msp", "energy", ScoresWriter.scoreColumn("nap_hamming", "fc1"));
        ArrowTables.Table t;
        try (ScoresWriter w =
                new ScoresWriter(dir.resolve("scores.arrow"), metadata, options, allocator, DATASETS, columns)) {
            w.write("fashion-test", 0, 3, 3, -0.9, -5.25, 2.0);
            w.writeUnlabelled("mnist", 1, 7, -0.5, -1.0, Double.POSITIVE_INFINITY);
            w.write("fashion-test", 2, 0, 1, -0.125, 0.0, 0.0);
            assertThat(w.scoreColumns()).containsExactlyElementsOf(columns);
            assertThat(w.rowsWritten()).isEqualTo(3);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "dataset:dict",
                        "sample_index:int64",
                        "label:int32?",
                        "predicted:int32",
                        "msp:float64",
                        "energy:float64",
                        "nap_hamming@fc1:float64");
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "dataset",
                                "fashion-test",
                                "sample_index",
                                0L,
                                "label",
                                3,
                                "predicted",
                                3,
                                "msp",
                                -0.9,
                                "energy",
                                -5.25,
                                "nap_hamming@fc1",
                                2.0),
                        row(
                                "dataset",
                                "mnist",
                                "sample_index",
                                1L,
                                "label",
                                null,
                                "predicted",
                                7,
                                "msp",
                                -0.5,
                                "energy",
                                -1.0,
                                "nap_hamming@fc1",
                                Double.POSITIVE_INFINITY),
                        row(
                                "dataset",
                                "fashion-test",
                                "sample_index",
                                2L,
                                "label",
                                0,
                                "predicted",
                                1,
                                "msp",
                                -0.125,
                                "energy",
                                0.0,
                                "nap_hamming@fc1",
                                0.0));
        // 3 rows in batches of 2: ceil(3 / 2) = 2 record batches.
        assertThat(t.batches()).isEqualTo(2);
        assertThat(t.metadata()).containsEntry("table", "scores");
    }

    @Test
    void oodMetrics() throws IOException {
        ArrowTables.Table t;
        try (OodMetricsWriter w = new OodMetricsWriter(
                dir.resolve("ood_metrics.arrow"),
                metadata,
                options,
                allocator,
                List.of("energy", "nap_hamming"),
                LAYERS,
                DATASETS)) {
            w.write(
                    "energy",
                    null,
                    "fashion-test",
                    "mnist",
                    new OodMetricsWriter.Metrics(0.75, 0.5, 0.625, 0.5625, 0.6875, 0.25, 0.125, 0.375, 10, 20));
            w.write(
                    "nap_hamming",
                    "fc2",
                    "fashion-test",
                    "mnist",
                    new OodMetricsWriter.Metrics(1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 3, 4));
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "detector:dict",
                        "layer:dict?",
                        "id_dataset:dict",
                        "ood_dataset:dict",
                        "auroc:float64",
                        "aupr_in:float64",
                        "aupr_out:float64",
                        "aupr_in_trapz:float64",
                        "aupr_out_trapz:float64",
                        "fpr95_id:float64",
                        "fpr95_ood:float64",
                        "detection_error:float64",
                        "n_id:int64",
                        "n_ood:int64");
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "detector",
                                "energy",
                                "layer",
                                null,
                                "id_dataset",
                                "fashion-test",
                                "ood_dataset",
                                "mnist",
                                "auroc",
                                0.75,
                                "aupr_in",
                                0.5,
                                "aupr_out",
                                0.625,
                                "aupr_in_trapz",
                                0.5625,
                                "aupr_out_trapz",
                                0.6875,
                                "fpr95_id",
                                0.25,
                                "fpr95_ood",
                                0.125,
                                "detection_error",
                                0.375,
                                "n_id",
                                10L,
                                "n_ood",
                                20L),
                        row(
                                "detector",
                                "nap_hamming",
                                "layer",
                                "fc2",
                                "id_dataset",
                                "fashion-test",
                                "ood_dataset",
                                "mnist",
                                "auroc",
                                1.0,
                                "aupr_in",
                                1.0,
                                "aupr_out",
                                1.0,
                                "aupr_in_trapz",
                                1.0,
                                "aupr_out_trapz",
                                1.0,
                                "fpr95_id",
                                0.0,
                                "fpr95_ood",
                                0.0,
                                "detection_error",
                                0.0,
                                "n_id",
                                3L,
                                "n_ood",
                                4L));
    }

    @Test
    void rocCurve() throws IOException {
        ArrowTables.Table t;
        try (RocCurveWriter w = new RocCurveWriter(
                dir.resolve("roc_curve.arrow"), metadata, options, allocator, List.of("msp"), LAYERS, DATASETS)) {
            // ID scores {1, 2}, OOD scores {3}: at t = +inf nothing flagged (0, 0); t = 3 flags the OOD sample
            // (tpr 1, fpr 0); t = 1 flags everything (1, 1).
            w.write("msp", null, "fashion-test", "mnist", Double.POSITIVE_INFINITY, 0.0, 0.0);
            w.write("msp", null, "fashion-test", "mnist", 3.0, 1.0, 0.0);
            w.write("msp", null, "fashion-test", "mnist", 1.0, 1.0, 1.0);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "detector:dict",
                        "layer:dict?",
                        "id_dataset:dict",
                        "ood_dataset:dict",
                        "threshold:float64",
                        "tpr:float64",
                        "fpr:float64");
        assertThat(t.column("threshold")).containsExactly(Double.POSITIVE_INFINITY, 3.0, 1.0);
        assertThat(t.column("tpr")).containsExactly(0.0, 1.0, 1.0);
        assertThat(t.column("fpr")).containsExactly(0.0, 0.0, 1.0);
        assertThat(t.column("layer")).containsExactly(null, null, null);
    }

    @Test
    void activationFrequency() throws IOException {
        ArrowTables.Table t;
        try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                dir.resolve("af.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc1", "S1", "fashion-train", 0, 0, 3, 4);
            w.write("fc1", "S2", "fashion-train", 0, 1, 0, 4);
            w.write("fc2", "S1", "mnist", 9, 127, 7, 7);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "significance:dict",
                        "dataset:dict",
                        "class:int32",
                        "neuron:int32",
                        "count:int64",
                        "class_size:int64",
                        "frequency:float64");
        // frequency = count / class_size: 3/4 = 0.75, 0/4 = 0, 7/7 = 1 (all exact in binary).
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "layer",
                                "fc1",
                                "significance",
                                "S1",
                                "dataset",
                                "fashion-train",
                                "class",
                                0,
                                "neuron",
                                0,
                                "count",
                                3L,
                                "class_size",
                                4L,
                                "frequency",
                                0.75),
                        row(
                                "layer",
                                "fc1",
                                "significance",
                                "S2",
                                "dataset",
                                "fashion-train",
                                "class",
                                0,
                                "neuron",
                                1,
                                "count",
                                0L,
                                "class_size",
                                4L,
                                "frequency",
                                0.0),
                        row(
                                "layer",
                                "fc2",
                                "significance",
                                "S1",
                                "dataset",
                                "mnist",
                                "class",
                                9,
                                "neuron",
                                127,
                                "count",
                                7L,
                                "class_size",
                                7L,
                                "frequency",
                                1.0));
    }

    @Test
    void frequencyHistogram() throws IOException {
        ArrowTables.Table t;
        try (FrequencyHistogramWriter w =
                new FrequencyHistogramWriter(dir.resolve("fh.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc1", "S1", "mnist", 2, 0, 10);
            w.write("fc1", "S1", "mnist", 2, 3, 6);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "significance:dict",
                        "dataset:dict",
                        "class:int32",
                        "bin:int32",
                        "lower:float64",
                        "upper:float64",
                        "neurons:int64");
        // B = 4 (metadata): bin 0 = [0, 0.25), bin 3 = [0.75, 1.0].
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "layer",
                                "fc1",
                                "significance",
                                "S1",
                                "dataset",
                                "mnist",
                                "class",
                                2,
                                "bin",
                                0,
                                "lower",
                                0.0,
                                "upper",
                                0.25,
                                "neurons",
                                10L),
                        row(
                                "layer",
                                "fc1",
                                "significance",
                                "S1",
                                "dataset",
                                "mnist",
                                "class",
                                2,
                                "bin",
                                3,
                                "lower",
                                0.75,
                                "upper",
                                1.0,
                                "neurons",
                                6L));
    }

    @Test
    void interactionFrequency() throws IOException {
        ArrowTables.Table t;
        try (InteractionFrequencyWriter w = new InteractionFrequencyWriter(
                dir.resolve("if.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc2", "fashion-test", 1, 4, 2, 1, 8);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "dataset:dict",
                        "class:int32",
                        "out_neuron:int32",
                        "in_neuron:int32",
                        "count:int64",
                        "class_size:int64",
                        "frequency:float64");
        // 1 / 8 = 0.125 exactly.
        assertThat(t.rows())
                .containsExactly(row(
                        "layer",
                        "fc2",
                        "dataset",
                        "fashion-test",
                        "class",
                        1,
                        "out_neuron",
                        4,
                        "in_neuron",
                        2,
                        "count",
                        1L,
                        "class_size",
                        8L,
                        "frequency",
                        0.125));
    }

    @Test
    void classKl() throws IOException {
        ArrowTables.Table t;
        try (ClassKlWriter w = new ClassKlWriter(
                dir.resolve("kl.arrow"),
                metadata,
                options,
                allocator,
                LAYERS,
                List.of("activation_s1", "interaction"),
                DATASETS)) {
            w.write("fc1", "activation_s1", "fashion-test", 0, "mnist", 1, Math.log(2));
            w.write("fc1", "activation_s1", "mnist", 1, "fashion-test", 0, 0.5);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "quantity:dict",
                        "dataset_p:dict",
                        "class_p:int32",
                        "dataset_q:dict",
                        "class_q:int32",
                        "kl:float64");
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "layer",
                                "fc1",
                                "quantity",
                                "activation_s1",
                                "dataset_p",
                                "fashion-test",
                                "class_p",
                                0,
                                "dataset_q",
                                "mnist",
                                "class_q",
                                1,
                                "kl",
                                Math.log(2)),
                        row(
                                "layer",
                                "fc1",
                                "quantity",
                                "activation_s1",
                                "dataset_p",
                                "mnist",
                                "class_p",
                                1,
                                "dataset_q",
                                "fashion-test",
                                "class_q",
                                0,
                                "kl",
                                0.5));
    }

    @Test
    void layerSummary() throws IOException {
        ArrowTables.Table t;
        try (LayerSummaryWriter w =
                new LayerSummaryWriter(dir.resolve("ls.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            // 4 samples, two distinct patterns with counts 2 and 2: H = ln 2, P = 2.
            w.write("fc1", "mnist", 5, 4, 0.5, 0.25, 2, Math.log(2), 2.0);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "dataset:dict",
                        "class:int32",
                        "samples:int64",
                        "active_fraction_s1:float64",
                        "active_fraction_s2:float64",
                        "distinct_patterns:int64",
                        "entropy:float64",
                        "perplexity:float64");
        assertThat(t.rows())
                .containsExactly(row(
                        "layer",
                        "fc1",
                        "dataset",
                        "mnist",
                        "class",
                        5,
                        "samples",
                        4L,
                        "active_fraction_s1",
                        0.5,
                        "active_fraction_s2",
                        0.25,
                        "distinct_patterns",
                        2L,
                        "entropy",
                        Math.log(2),
                        "perplexity",
                        2.0));
    }

    @Test
    void nodeClassifier() throws IOException {
        ArrowTables.Table t;
        try (NodeClassifierWriter w =
                new NodeClassifierWriter(dir.resolve("nc.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.writeNode("fc1", "fashion-train", "fashion-test", 0, 0.25);
            w.writeNode("fc1", "fashion-train", "fashion-test", 1, 0.5);
            w.writeLayer("fc1", "fashion-train", "fashion-test", 0.875);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "fit_dataset:dict",
                        "eval_dataset:dict",
                        "node:int32?",
                        "accuracy:float64?",
                        "layer_accuracy:float64?");
        assertThat(t.column("node")).containsExactly(0, 1, null);
        assertThat(t.column("accuracy")).containsExactly(0.25, 0.5, null);
        assertThat(t.column("layer_accuracy")).containsExactly(null, null, 0.875);
        assertThat(t.column("eval_dataset")).containsOnly("fashion-test");
    }

    @Test
    void pathSimilarity() throws IOException {
        ArrowTables.Table t;
        try (PathSimilarityWriter w =
                new PathSimilarityWriter(dir.resolve("ps.arrow"), metadata, options, allocator, LAYERS)) {
            w.writeSelf("fc1", 1, 7, 1.0);
            w.writeCross("fc1", 2, PathSimilarityWriter.CROSS_PATTERN, 3, 4, 0.5);
            w.writeCross("fc2", 2, PathSimilarityWriter.CROSS_ACTIVATION, 4, 3, -0.25);
            w.commit();
            t = readBack(w);
        }
        assertThat(TestTables.describe(t.schema().getFields()))
                .containsExactly(
                        "layer:dict",
                        "step:int32",
                        "kind:dict",
                        "sample_i:int32",
                        "sample_j:int32?",
                        "similarity:float64");
        assertThat(t.rows())
                .containsExactly(
                        row(
                                "layer",
                                "fc1",
                                "step",
                                1,
                                "kind",
                                "self",
                                "sample_i",
                                7,
                                "sample_j",
                                null,
                                "similarity",
                                1.0),
                        row(
                                "layer",
                                "fc1",
                                "step",
                                2,
                                "kind",
                                "cross_pattern",
                                "sample_i",
                                3,
                                "sample_j",
                                4,
                                "similarity",
                                0.5),
                        row(
                                "layer",
                                "fc2",
                                "step",
                                2,
                                "kind",
                                "cross_activation",
                                "sample_i",
                                4,
                                "sample_j",
                                3,
                                "similarity",
                                -0.25));
    }

    @Test
    void trainingHistory() throws IOException {
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        runs.put("baseline", Map.of("label_noise", "0.0", "dropout", "0.0"));
        Map<String, String> noisy = new HashMap<>();
        noisy.put("label_noise", "0.5");
        runs.put("noisy", noisy);
        ArrowTables.Table t;
        try (TrainingHistoryWriter w =
                new TrainingHistoryWriter(dir.resolve("th.arrow"), metadata, options, allocator, runs)) {
            assertThat(w.configurationKeys()).containsExactlyInAnyOrder("label_noise", "dropout");
            w.write("baseline", 0, 2.5, 0.125, 2.25, 0.25, 10.0, 0.0);
            w.write("noisy", 1, Double.POSITIVE_INFINITY, 0.5, 1.5, 0.75, 12.5, 3.0);
            w.commit();
            t = readBack(w);
        }
        List<String> described = TestTables.describe(t.schema().getFields());
        assertThat(described.get(0)).isEqualTo("run_id:dict");
        assertThat(described.subList(1, 3)).containsExactlyInAnyOrder("label_noise:dict?", "dropout:dict?");
        assertThat(described.subList(3, described.size()))
                .containsExactly(
                        "epoch:int32",
                        "train_loss:float64",
                        "train_accuracy:float64",
                        "test_loss:float64",
                        "test_accuracy:float64",
                        "weight_norm:float64",
                        "distance_from_init:float64");
        assertThat(t.column("run_id")).containsExactly("baseline", "noisy");
        assertThat(t.column("label_noise")).containsExactly("0.0", "0.5");
        // the noisy run has no dropout key: null.
        assertThat(t.column("dropout")).containsExactly("0.0", null);
        assertThat(t.column("train_loss")).containsExactly(2.5, Double.POSITIVE_INFINITY);
        assertThat(t.column("distance_from_init")).containsExactly(0.0, 3.0);
        assertThat(t.column("epoch")).containsExactly(0, 1);
    }

    @Test
    void schemaMetadataRecordsTheRunAndTheDefinitions() throws IOException {
        ArrowTables.Table t;
        try (LayerSummaryWriter w =
                new LayerSummaryWriter(dir.resolve("ls.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.commit();
            t = readBack(w);
        }
        assertThat(t.rows()).isEmpty();
        assertThat(t.metadata())
                .containsEntry("table", "layer_summary")
                .containsEntry("library_version", LibraryVersion.get())
                .containsEntry("model_file", "mlp.onnx")
                .containsEntry("model_sha256", TestTables.EMPTY_SHA256)
                .containsEntry("layers", "[\"fc1\", \"fc2\"]")
                .containsEntry("tau", "0.25")
                .containsEntry("eps", "500.0")
                .containsEntry("alpha", "0.001")
                .containsEntry("bins", "4")
                .containsEntry("score_convention", "higher = more OOD")
                .containsEntry("class_source", "label")
                .containsEntry("param.seed", "42")
                .containsKeys("significance_s1", "significance_s2");
        assertThat(t.metadata().get("significance_s1")).contains("a_j > tau");
        assertThat(LibraryVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void dictionariesHoldExactlyTheConstructorValuesInOrder() throws IOException {
        try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                dir.resolve("af.arrow"), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc2", "S2", "mnist", 0, 0, 1, 1);
            w.commit();
        }
        try (var channel = FileChannel.open(dir.resolve("af.arrow"));
                var reader = new org.apache.arrow.vector.ipc.ArrowFileReader(channel, allocator)) {
            reader.loadNextBatch();
            var dictionaries = reader.getDictionaryVectors();
            var layerId = reader.getVectorSchemaRoot()
                    .getSchema()
                    .findField("layer")
                    .getDictionary()
                    .getId();
            var layerDictionary = dictionaries.get(layerId).getVector();
            assertThat(layerDictionary.getField().getType())
                    .isEqualTo(org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE);
            assertThat(Arrays.asList(
                            layerDictionary.getObject(0).toString(),
                            layerDictionary.getObject(1).toString()))
                    .containsExactly("fc1", "fc2");
            // "fc2" is dictionary entry 1, "S2" entry 1 of [S1, S2], "mnist" entry 2 of DATASETS.
            var root = reader.getVectorSchemaRoot();
            assertThat(((org.apache.arrow.vector.IntVector) root.getVector("layer")).get(0))
                    .isEqualTo(1);
            assertThat(((org.apache.arrow.vector.IntVector) root.getVector("significance")).get(0))
                    .isEqualTo(1);
            assertThat(((org.apache.arrow.vector.IntVector) root.getVector("dataset")).get(0))
                    .isEqualTo(2);
        }
    }

    @Test
    void theBatchSizeDoesNotChangeTheTable() throws IOException {
        List<List<Map<String, Object>>> tables = new ArrayList<>();
        for (int batchRows : new int[] {1, 7, 65_536}) {
            Path file = dir.resolve("af-" + batchRows + ".arrow");
            try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                    file,
                    metadata,
                    ArrowWriteOptions.builder().batchRows(batchRows).build(),
                    allocator,
                    LAYERS,
                    DATASETS)) {
                for (int i = 0; i < 50; i++) {
                    w.write(LAYERS.get(i % 2), i % 3 == 0 ? "S1" : "S2", DATASETS.get(i % 3), i % 10, i, i % 8, 8);
                }
                w.commit();
            }
            ArrowTables.Table t = ArrowTables.read(file, allocator);
            // 50 rows: 50, ceil(50 / 7) = 8 and 1 record batches.
            assertThat(t.batches()).isEqualTo(batchRows == 1 ? 50 : batchRows == 7 ? 8 : 1);
            tables.add(t.rows());
        }
        assertThat(tables.get(1)).isEqualTo(tables.get(0));
        assertThat(tables.get(2)).isEqualTo(tables.get(0));
    }

    @Test
    void memoryStaysAtOneBatchWhateverTheRowCount() throws IOException {
        long small = peakWriting(2_000);
        long large = peakWriting(200_000);
        // Streaming: 100 times the rows, the same peak (one 1000-row batch, the dictionaries and the IPC staging).
        assertThat(large).isEqualTo(small);
        // and far below the 200,000 rows themselves: 200,000 * (5 * 4 + 3 * 8) bytes = 8.8 MB.
        assertThat(large).isLessThan(1 << 20);
    }

    private long peakWriting(int rows) throws IOException {
        try (BufferAllocator child = allocator.newChildAllocator("peak", 0, Long.MAX_VALUE);
                ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                        dir.resolve("big-" + rows + ".arrow"),
                        metadata,
                        ArrowWriteOptions.builder().batchRows(1000).build(),
                        child,
                        LAYERS,
                        DATASETS)) {
            for (int i = 0; i < rows; i++) {
                w.write("fc1", "S1", "mnist", 0, i, 1, 2);
            }
            w.commit();
            return child.getPeakMemoryAllocation();
        }
    }
}
