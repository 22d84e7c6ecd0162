package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.PathSimilarityWriter;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathOverlapAccumulator;
import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathOverlapSink;
import dev.onnxinspect.dynamics.PathSimilarityAccumulator;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.dynamics.StepSummary;
import dev.onnxinspect.dynamics.WeightNormAccumulator;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.InitializerInfo;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoints job against the single-machine analysis (the same inspect-core accumulators fed in one JVM, as the
 * samples' DynamicsAnalysis does) and against values derived by hand: checkpoint 1 repeats checkpoint 0, so its
 * self similarities are all 1 and its distance from theta_0 is 0.
 */
class SparkCheckpointsTest {
    private static final int PROBE = 40;
    private static final WeightReader EVERY_INITIALIZER = (name, bytes) -> {
        OnnxModel m = OnnxModel.fromBytes(bytes);
        Map<String, float[]> theta = new LinkedHashMap<>();
        for (InitializerInfo i : m.describe().initializers()) {
            theta.put(i.name(), m.initializer(i.name()).values());
        }
        return theta;
    };

    @TempDir
    Path dir;

    @Test
    void equalsTheSingleMachineAnalysisOneTaskPerCheckpoint() throws Exception {
        float[][] w0 = weights(11);
        writeCheckpoint(dir.resolve("checkpoint-000.onnx"), w0);
        writeCheckpoint(dir.resolve("checkpoint-001.onnx"), w0);
        writeCheckpoint(dir.resolve("checkpoint-002.onnx"), weights(12));
        writeCheckpoint(dir.resolve("checkpoint-010.onnx"), weights(13));
        Files.writeString(dir.resolve("notes.txt"), "not a checkpoint");
        InMemoryDataset probe = AuditFixtures.data("probe", PROBE, 5, 1, 0, 0).dataset();
        PathOptions options = PathOptions.builder().anchors(0, 7).build();
        List<CheckpointFile> files = SparkCheckpoints.fromDirectory(dir);
        assertThat(files).extracting(CheckpointFile::step).containsExactly(0, 1, 2, 10);

        SparkSession spark = AuditFixtures.spark("local[2]");
        SparkDynamicsResult result;
        try {
            result = SparkCheckpoints.builder(files, probe)
                    .pathOptions(options)
                    .weights(EVERY_INITIALIZER)
                    .batchSize(16)
                    .run(spark);
        } finally {
            spark.stop();
        }

        assertThat(result.layers()).containsExactly("h");
        assertThat(result.checkpoints())
                .extracting(SparkDynamicsResult.CheckpointInfo::fileName)
                .containsExactly(
                        "checkpoint-000.onnx", "checkpoint-001.onnx", "checkpoint-002.onnx", "checkpoint-010.onnx");
        Reference expected = singleMachine(files, probe, options, 16);
        PathSimilarityResult paths = result.paths().get(0);
        assertThat(paths.steps()).containsExactly(1, 2, 10);
        for (PathKind kind : PathKind.values()) {
            assertThat(paths.summaries(kind)).isEqualTo(expected.paths().summaries(kind));
        }
        PathOverlapResult overlaps = result.overlaps().get(0);
        assertThat(overlaps.steps()).isEqualTo(expected.overlaps().steps());
        assertThat(overlaps.neighbours()).isEqualTo(expected.overlaps().neighbours());
        WeightTrajectory weights = result.weights().orElseThrow();
        assertThat(weights).isEqualTo(expected.weights());

        // by hand: checkpoint 1 repeats checkpoint 0 (unit 0 of h is 4 for every sample, so no pattern is all zero)
        StepSummary self = paths.summary(1, PathKind.SELF);
        assertThat(self.count()).isEqualTo(PROBE);
        assertThat(self.min()).isEqualTo(1.0);
        assertThat(self.mean()).isCloseTo(1.0, within(1e-15));
        double norm0 = 0;
        for (float[] w : w0) {
            for (float v : w) {
                norm0 += (double) v * v;
            }
        }
        assertThat(weights.at(1).totalDistanceFromInit()).isEqualTo(0.0);
        assertThat(weights.at(1).totalNorm()).isCloseTo(Math.sqrt(norm0), within(1e-12));
        assertThat(weights.at(10).totalDistanceFromInit()).isGreaterThan(0);
    }

    @Test
    void refusesALayerThatNoCheckpointOutputs() throws Exception {
        writeCheckpoint(dir.resolve("checkpoint-0.onnx"), weights(1));
        InMemoryDataset probe = AuditFixtures.data("probe", 4, 5, 1, 0, 0).dataset();
        assertThatThrownBy(() -> SparkCheckpoints.builder(SparkCheckpoints.fromDirectory(dir), probe)
                        .layers(List.of("fc2"))
                        .run(null))
                .isInstanceOf(NullPointerException.class);
        SparkSession spark = AuditFixtures.spark("local[1]");
        try {
            assertThatThrownBy(() -> SparkCheckpoints.builder(SparkCheckpoints.fromDirectory(dir), probe)
                            .layers(List.of("fc2"))
                            .run(spark))
                    .isInstanceOf(DynamicsException.class)
                    .hasMessageContaining("layer 'fc2' is not an output of checkpoint")
                    .hasMessageContaining("expected one of [h, logits]");
        } finally {
            spark.stop();
        }
        assertThatThrownBy(() -> SparkCheckpoints.fromDirectory(dir.resolve("missing")))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("cannot list checkpoint directory");
    }

    /**
     * spark-submit's entry point: the checkpoints of a directory and a probe set in a Parquet folder of three files
     * (its order given by a column) give the path_similarity table of the single-machine analysis (the library's
     * accumulator over the checkpoints in this JVM, its rows written by the same Arrow writer), row for row.
     */
    @Test
    void theEntryPointWritesThePathSimilarityTableOfTheSingleMachineAnalysis() throws Exception {
        Path checkpoints = Files.createDirectories(dir.resolve("run"));
        writeCheckpoint(checkpoints.resolve("checkpoint-0.onnx"), weights(21));
        writeCheckpoint(checkpoints.resolve("checkpoint-1.onnx"), weights(22));
        writeCheckpoint(checkpoints.resolve("checkpoint-5.onnx"), weights(23));
        AuditFixtures.Data probe = AuditFixtures.data("probe", PROBE, 5, 1, 0, 0);
        SparkSession spark = Sessions.local("local[2]");
        // three files whose rows Spark may read in any order; --order sample_id restores the probe's
        AuditFixtures.partitioned(spark, probe.rows(), 15, 10, 15)
                .write()
                .parquet(dir.resolve("probe.parquet").toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SparkCheckpointsMain.run(
                new String[] {
                    "--checkpoints",
                    checkpoints.toString(),
                    "--probe",
                    dir.resolve("probe.parquet").toString(),
                    "--input",
                    "x",
                    "--order",
                    "sample_id",
                    "--batch-size",
                    "16",
                    "--out",
                    dir.resolve("out").toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("followed 40 probe samples of probe through 3 checkpoints (steps 0..5), layers [h]")
                .containsPattern("h: mean self similarity [0-9.]+ at step 5");
        assertThat(dir.resolve("out/manifest.json")).exists();

        Path reference = dir.resolve("reference");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowResultDirectory tables = ArrowResultDirectory.create(
                        reference,
                        TableMetadata.builder(
                                        "checkpoint-5.onnx",
                                        Sha256.of(checkpoints.resolve("checkpoint-5.onnx")),
                                        ClassSource.LABEL)
                                .layerNames(List.of("h"))
                                .build(),
                        ArrowWriteOptions.defaults(),
                        allocator,
                        Map.of())) {
            PathSimilarityWriter writer = tables.pathSimilarity(List.of("h"));
            PathSimilaritySink rows = (layer, step, kind, i, j, value) -> {
                if (kind == PathKind.SELF) {
                    writer.writeSelf(layer, step, i, value);
                } else {
                    writer.writeCross(layer, step, kind.tableName(), i, j, value);
                }
            };
            singleMachine(
                    SparkCheckpoints.fromDirectory(checkpoints), probe.dataset(), PathOptions.defaults(), 16, rows);
            tables.commit();
        }
        assertThat(SubmitCheck.compareTables(reference, dir.resolve("out"), List.of("path_similarity")))
                .isEmpty();

        // a probe column that is not there: one line, status 3
        err.reset();
        Sessions.local("local[1]");
        status = SparkCheckpointsMain.run(
                new String[] {
                    "--checkpoints", checkpoints.toString(),
                    "--probe", dir.resolve("probe.parquet").toString(),
                    "--input", "pixels",
                    "--out", dir.resolve("out2").toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("error: the probe set " + dir.resolve("probe.parquet") + " has no column 'pixels'")
                .doesNotContain("\n");
    }

    private record Reference(PathSimilarityResult paths, PathOverlapResult overlaps, WeightTrajectory weights) {}

    /** The single-machine analysis: every checkpoint in step order in this JVM, the same accumulators. */
    private static Reference singleMachine(
            List<CheckpointFile> files, InMemoryDataset probe, PathOptions options, int batchSize) throws Exception {
        return singleMachine(files, probe, options, batchSize, PathSimilaritySink.NONE);
    }

    private static Reference singleMachine(
            List<CheckpointFile> files,
            InMemoryDataset probe,
            PathOptions options,
            int batchSize,
            PathSimilaritySink sink)
            throws Exception {
        int n = (int) probe.size();
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = probe.sample(i);
        }
        PathSimilarityAccumulator paths = new PathSimilarityAccumulator("h", options, sink);
        PathOverlapAccumulator overlaps = new PathOverlapAccumulator("h", inputs, options, PathOverlapSink.NONE);
        WeightNormAccumulator weights = null;
        for (CheckpointFile file : files) {
            byte[] bytes = Files.readAllBytes(Path.of(file.path()));
            List<float[]> parts = new ArrayList<>();
            int units = 0;
            try (InferenceSession session = InferenceSession.open(bytes, SessionConfig.defaults())) {
                for (Iterator<Batch> it = probe.batches(batchSize); it.hasNext(); ) {
                    LayerActivations a = session.run(it.next(), List.of("h")).get("h");
                    units = a.units();
                    parts.add(a.values().clone());
                }
            }
            float[] all = new float[n * units];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            LayerActivations h = new LayerActivations("h", all, n, new int[] {units});
            paths.accept(file.step(), h);
            overlaps.accept(file.step(), h);
            Map<String, float[]> theta = EVERY_INITIALIZER.read(file.path(), bytes);
            if (weights == null) {
                weights = new WeightNormAccumulator(theta);
            }
            weights.accept(file.step(), theta);
        }
        return new Reference(paths.result(), overlaps.result(), weights.result());
    }

    /** W1, b1, W2, b2 of the fixtures' MLP shape, multiples of 1/4; unit 0 of h reads nothing and has bias 4. */
    private static float[][] weights(long seed) {
        Random r = new Random(seed);
        float[][] w = {
            new float[AuditFixtures.DIM * AuditFixtures.HIDDEN],
            new float[AuditFixtures.HIDDEN],
            new float[AuditFixtures.HIDDEN * AuditFixtures.CLASSES],
            new float[AuditFixtures.CLASSES]
        };
        for (float[] part : w) {
            for (int i = 0; i < part.length; i++) {
                part[i] = (r.nextInt(9) - 4) / 4f;
            }
        }
        for (int j = 0; j < AuditFixtures.DIM; j++) {
            w[0][j * AuditFixtures.HIDDEN] = 0;
        }
        w[1][0] = 4;
        return w;
    }

    private static void writeCheckpoint(Path file, float[][] w) throws Exception {
        GraphBuilder g = GraphBuilder.create("checkpoint");
        String x = g.input("x", TensorShape.batched("N", AuditFixtures.DIM));
        g.addInitializer("fc1.weight", w[0], AuditFixtures.DIM, AuditFixtures.HIDDEN);
        g.addInitializer("fc1.bias", w[1], AuditFixtures.HIDDEN);
        g.addInitializer("fc2.weight", w[2], AuditFixtures.HIDDEN, AuditFixtures.CLASSES);
        g.addInitializer("fc2.bias", w[3], AuditFixtures.CLASSES);
        String h = g.relu("h", g.gemm("fc1", x, "fc1.weight", "fc1.bias", false));
        g.output(h);
        g.output(g.gemm("logits", h, "fc2.weight", "fc2.bias", false));
        g.build().save(file);
    }
}
