package dev.onnxinspect.arrow;

import static dev.onnxinspect.arrow.TestTables.DATASETS;
import static dev.onnxinspect.arrow.TestTables.LAYERS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes one small file of every SPEC §12 table (a few rows each, with nulls, infinities and an int64 above 2^53),
 * for the tests that hand files to another reader.
 */
final class SampleTables {
    /** 2^53 + 1: the first int64 a float64 cannot hold, so a reader that goes through doubles gets it wrong. */
    static final long BIG_INDEX = 9_007_199_254_740_993L;

    private SampleTables() {}

    /** Writes the eleven tables as {@code <table><suffix>.arrow} into {@code dir}; returns the files in order. */
    static List<Path> writeAll(Path dir, String suffix, ArrowWriteOptions options, BufferAllocator allocator)
            throws IOException {
        TableMetadata metadata = TestTables.metadata();
        List<Path> files = new ArrayList<>();
        try (ScoresWriter w = new ScoresWriter(
                file(dir, ScoresWriter.TABLE, suffix),
                metadata,
                options,
                allocator,
                DATASETS,
                List.of("msp", "energy", ScoresWriter.scoreColumn("profile_kl", "fc1")))) {
            w.write("fashion-test", 0, 3, 3, -0.9, -5.25, 0.1);
            w.writeUnlabelled("mnist", BIG_INDEX, 7, -0.5, -1.0, Double.POSITIVE_INFINITY);
            w.write("fashion-test", 2, 0, 1, -0.125, 1e-6, 0.0);
            files.add(commit(w));
        }
        try (OodMetricsWriter w = new OodMetricsWriter(
                file(dir, OodMetricsWriter.TABLE, suffix),
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
                    new OodMetricsWriter.Metrics(0.1, 0.2, 0.3, 0.25, 0.35, 0.4, 0.5, 0.6, 3, 4));
            files.add(commit(w));
        }
        try (RocCurveWriter w = new RocCurveWriter(
                file(dir, RocCurveWriter.TABLE, suffix),
                metadata,
                options,
                allocator,
                List.of("msp"),
                LAYERS,
                DATASETS)) {
            w.write("msp", null, "fashion-test", "mnist", Double.POSITIVE_INFINITY, 0.0, 0.0);
            w.write("msp", "fc1", "fashion-test", "mnist", 3.0, 1.0, 0.0);
            w.write("msp", "fc1", "fashion-test", "mnist", -1.5, 1.0, 1.0);
            files.add(commit(w));
        }
        try (ActivationFrequencyWriter w = new ActivationFrequencyWriter(
                file(dir, ActivationFrequencyWriter.TABLE, suffix), metadata, options, allocator, LAYERS, DATASETS)) {
            for (int neuron = 0; neuron < 5; neuron++) {
                w.write(
                        neuron < 3 ? "fc1" : "fc2",
                        neuron % 2 == 0 ? "S1" : "S2",
                        "fashion-train",
                        1,
                        neuron,
                        neuron,
                        7);
            }
            files.add(commit(w));
        }
        try (FrequencyHistogramWriter w = new FrequencyHistogramWriter(
                file(dir, FrequencyHistogramWriter.TABLE, suffix), metadata, options, allocator, LAYERS, DATASETS)) {
            for (int bin = 0; bin < 4; bin++) {
                w.write("fc2", "S2", "mnist", 4, bin, 10L * bin);
            }
            files.add(commit(w));
        }
        try (InteractionFrequencyWriter w = new InteractionFrequencyWriter(
                file(dir, InteractionFrequencyWriter.TABLE, suffix), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc2", "fashion-test", 1, 4, 2, 1, 8);
            w.write("fc2", "fashion-test", 1, 4, 3, 3, 8);
            w.write("fc2", "mnist", 2, 0, 0, 2, 3);
            files.add(commit(w));
        }
        try (ClassKlWriter w = new ClassKlWriter(
                file(dir, ClassKlWriter.TABLE, suffix),
                metadata,
                options,
                allocator,
                LAYERS,
                List.of("activation_s1", "interaction"),
                DATASETS)) {
            w.write("fc1", "activation_s1", "fashion-test", 0, "mnist", 1, Math.log(2));
            w.write("fc1", "interaction", "mnist", 1, "fashion-test", 0, 0.5);
            files.add(commit(w));
        }
        try (LayerSummaryWriter w = new LayerSummaryWriter(
                file(dir, LayerSummaryWriter.TABLE, suffix), metadata, options, allocator, LAYERS, DATASETS)) {
            w.write("fc1", "mnist", 5, 4, 0.5, 0.25, 2, Math.log(2), 2.0);
            w.write("fc2", "mnist", 5, 4, 0.75, 0.75, 4, Math.log(4), 4.0);
            files.add(commit(w));
        }
        try (NodeClassifierWriter w = new NodeClassifierWriter(
                file(dir, NodeClassifierWriter.TABLE, suffix), metadata, options, allocator, LAYERS, DATASETS)) {
            w.writeNode("fc1", "fashion-train", "fashion-test", 0, 0.25);
            w.writeNode("fc1", "fashion-train", "fashion-test", 1, 0.5);
            w.writeLayer("fc1", "fashion-train", "fashion-test", 0.875);
            files.add(commit(w));
        }
        try (PathSimilarityWriter w = new PathSimilarityWriter(
                file(dir, PathSimilarityWriter.TABLE, suffix), metadata, options, allocator, LAYERS)) {
            w.writeSelf("fc1", 1, 7, 1.0);
            w.writeCross("fc1", 2, PathSimilarityWriter.CROSS_PATTERN, 3, 4, 0.5);
            w.writeCross("fc2", 2, PathSimilarityWriter.CROSS_ACTIVATION, 4, 3, -0.25);
            files.add(commit(w));
        }
        Map<String, Map<String, String>> runs = new LinkedHashMap<>();
        runs.put("baseline", Map.of("label_noise", "0.0"));
        runs.put("noisy", Map.of("label_noise", "0.5"));
        try (TrainingHistoryWriter w = new TrainingHistoryWriter(
                file(dir, TrainingHistoryWriter.TABLE, suffix), metadata, options, allocator, runs)) {
            w.write("baseline", 0, 2.5, 0.125, 2.25, 0.25, 10.0, 0.0);
            w.write("baseline", 1, 1.25, 0.5, 1.5, 0.375, 11.0, 2.0);
            w.write("noisy", 0, Double.POSITIVE_INFINITY, 0.5, 1.5, 0.75, 12.5, 3.0);
            files.add(commit(w));
        }
        return files;
    }

    private static Path file(Path dir, String table, String suffix) {
        return dir.resolve(table + suffix + ".arrow");
    }

    private static Path commit(ArrowTableWriter writer) throws IOException {
        writer.commit();
        return writer.file();
    }
}
