package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathOverlapAccumulator;
import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathOverlapSink;
import dev.onnxinspect.dynamics.PathSimilarityAccumulator;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.dynamics.WeightNormAccumulator;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §9 (paths across training) and §10 (weights across training) over the checkpoints of one training run as one
 * Spark job, one task per checkpoint.
 *
 * <pre>{@code
 * SparkDynamicsResult r = SparkCheckpoints.builder(SparkCheckpoints.fromDirectory(Path.of("run-1")), probe)
 *         .weights((name, bytes) -> CheckpointWeights.perLayer(new Checkpoint(0, name, bytes)))
 *         .run(spark);
 * }</pre>
 *
 * <p>Flow: the probe set is broadcast once; task t reads checkpoint t's file (a path every executor can read), opens it
 * in ONNX Runtime, runs the whole probe set through it in probe order, and returns the analysed layers' activations
 * (probe samples x units float32 per layer) and, with a {@link WeightReader}, theta_t. The tasks run in parallel
 * and their outputs are kept by Spark ({@link StorageLevel#MEMORY_AND_DISK()}); the driver then reads them back one
 * checkpoint at a time in step order and feeds the library's accumulators ({@link PathSimilarityAccumulator},
 * {@link PathOverlapAccumulator}, {@link WeightNormAccumulator}) exactly as the single-machine analysis does, so the
 * results are the same bit for bit (ONNX Runtime gives the same activations for the same model, probe and batch size).
 *
 * <p>Choice: the model runs (the cost that grows with the model) are distributed; the comparisons are on the driver,
 * because SPEC §9 compares each checkpoint with the one before it: O(pairs x units) per checkpoint, at most 32,640
 * pairs. Memory: the driver holds two checkpoints' probe activations (as the single-machine analysis) and theta_0;
 * Spark keeps every checkpoint's outputs until the job ends (T x (probe samples x units x 4 bytes + theta)), in
 * memory or on the executors' disks. Choice: without {@link Builder#layers}, the layers are every graph output of the
 * first checkpoint except one named {@code logits}, as the single-machine analysis chooses them.
 */
public final class SparkCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(SparkCheckpoints.class);
    /** The file name of a checkpoint, as the trainers write them: group 1 is the step. */
    public static final Pattern FILE_NAME = Pattern.compile("(?:checkpoint|epoch)-(\\d+)\\.onnx");

    private static final String LOGITS = "logits";

    private SparkCheckpoints() {}

    /**
     * The checkpoints {@code checkpoint-<t>.onnx} (or {@code epoch-<t>.onnx}) of {@code directory}, by step.
     *
     * @throws DynamicsException when the directory cannot be listed, holds none, or two files name one step
     */
    public static List<CheckpointFile> fromDirectory(Path directory) {
        List<CheckpointFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Matcher m = FILE_NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    files.add(new CheckpointFile(
                            step(m.group(1), p), p.toAbsolutePath().toString()));
                }
            }
        } catch (IOException e) {
            throw new DynamicsException(
                    Kind.IO,
                    "cannot list checkpoint directory " + directory + ": " + e.getMessage()
                            + "; give the directory the checkpoints checkpoint-<t>.onnx were written to",
                    e);
        }
        if (files.isEmpty()) {
            throw new DynamicsException("no checkpoint in " + directory + ": expected files named checkpoint-<t>.onnx");
        }
        files.sort(Comparator.comparingInt(CheckpointFile::step));
        return files;
    }

    private static int step(String digits, Path file) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new DynamicsException("checkpoint file " + file + " has a step too large for an int", e);
        }
    }

    /** Starts a job over {@code checkpoints} (increasing steps) with the fixed probe set (labels unused). */
    public static Builder builder(List<CheckpointFile> checkpoints, InMemoryDataset probe) {
        return new Builder(checkpoints, probe);
    }

    /** What to analyse; defaults: every hidden output, {@link PathOptions#defaults()}, batches of 256, no weights. */
    public static final class Builder {
        private final List<CheckpointFile> checkpoints;
        private final InMemoryDataset probe;
        private List<String> layers = List.of();
        private PathOptions options = PathOptions.defaults();
        private WeightReader weights;
        private int batchSize = 256;
        private PathSimilaritySink sink = PathSimilaritySink.NONE;

        private Builder(List<CheckpointFile> checkpoints, InMemoryDataset probe) {
            this.checkpoints = List.copyOf(checkpoints);
            this.probe = Objects.requireNonNull(probe, "probe");
            if (this.checkpoints.isEmpty()) {
                throw new DynamicsException("a checkpoint job needs at least one checkpoint (t = 0 for theta_0)");
            }
            for (int i = 1; i < this.checkpoints.size(); i++) {
                if (this.checkpoints.get(i).step()
                        <= this.checkpoints.get(i - 1).step()) {
                    throw new DynamicsException("checkpoint steps must increase, got "
                            + this.checkpoints.get(i).step() + " after "
                            + this.checkpoints.get(i - 1).step()
                            + "; order the checkpoints by step (fromDirectory does)");
                }
            }
            if (probe.size() == 0) {
                throw new DynamicsException("the probe set " + probe.name() + " is empty; give at least one sample");
            }
        }

        /** The layers to follow (graph outputs of every checkpoint). */
        public Builder layers(List<String> value) {
            layers = List.copyOf(value);
            return this;
        }

        /** tau, pair sampling and anchors (SPEC §9). */
        public Builder pathOptions(PathOptions value) {
            options = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Computes SPEC §10 with this reader of theta_t (run on the executors). */
        public Builder weights(WeightReader value) {
            weights = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Probe samples per ONNX Runtime call, default 256. */
        public Builder batchSize(int value) {
            if (value < 1) {
                throw new DynamicsException("batch size must be >= 1, got " + value);
            }
            batchSize = value;
            return this;
        }

        /** Receives every path_similarity row on the driver, in step order; default none. */
        public Builder sink(PathSimilaritySink value) {
            sink = Objects.requireNonNull(value, "value");
            return this;
        }

        /**
         * Runs the job.
         *
         * @throws DynamicsException when a checkpoint cannot be read, a layer is not an output, or the checkpoints
         *                           disagree (probe size, units, weight names)
         */
        public SparkDynamicsResult run(SparkSession spark) {
            return SparkCheckpoints.run(this, Objects.requireNonNull(spark, "spark"));
        }
    }

    private static SparkDynamicsResult run(Builder b, SparkSession spark) {
        List<String> layers = chooseLayers(b.checkpoints.get(0), b.layers);
        int n = (int) b.probe.size();
        float[] values = new float[n * b.probe.sampleSize()];
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = b.probe.sample(i);
            System.arraycopy(inputs[i], 0, values, i * inputs[i].length, inputs[i].length);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Probe> probe = jsc.broadcast(new Probe(b.probe.name(), values, b.probe.sampleShape()));
        JavaRDD<CheckpointRun> runs = jsc.parallelize(b.checkpoints, b.checkpoints.size())
                .map(new RunCheckpoint(probe, layers, b.batchSize, b.weights))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            runs.count(); // every checkpoint's task, in parallel
            Map<String, PathSimilarityAccumulator> paths = new LinkedHashMap<>();
            Map<String, PathOverlapAccumulator> overlaps = new LinkedHashMap<>();
            for (String layer : layers) {
                paths.put(layer, new PathSimilarityAccumulator(layer, b.options, b.sink));
                if (!b.options.anchors().isEmpty()) {
                    overlaps.put(layer, new PathOverlapAccumulator(layer, inputs, b.options, PathOverlapSink.NONE));
                }
            }
            WeightNormAccumulator weights = null;
            List<SparkDynamicsResult.CheckpointInfo> infos = new ArrayList<>();
            for (Iterator<CheckpointRun> it = runs.toLocalIterator(); it.hasNext(); ) {
                CheckpointRun run = it.next();
                infos.add(new SparkDynamicsResult.CheckpointInfo(run.step(), run.fileName(), run.sha256()));
                for (String layer : layers) {
                    LayerActivations a = new LayerActivations(
                            layer,
                            run.activations().get(layer),
                            n,
                            run.unitShapes().get(layer));
                    paths.get(layer).accept(run.step(), a);
                    PathOverlapAccumulator overlap = overlaps.get(layer);
                    if (overlap != null) {
                        overlap.accept(run.step(), a);
                    }
                }
                if (run.weights() != null) {
                    if (weights == null) {
                        weights = new WeightNormAccumulator(run.weights());
                    }
                    weights.accept(run.step(), run.weights());
                }
                LOG.info(
                        "checkpoint {} ({}): {} layers, {} probe samples",
                        run.step(),
                        run.fileName(),
                        layers.size(),
                        n);
            }
            List<PathSimilarityResult> pathResults = paths.values().stream()
                    .map(PathSimilarityAccumulator::result)
                    .toList();
            List<PathOverlapResult> overlapResults = overlaps.values().stream()
                    .map(PathOverlapAccumulator::result)
                    .toList();
            return new SparkDynamicsResult(
                    layers,
                    infos,
                    pathResults,
                    overlapResults,
                    Optional.ofNullable(weights).map(WeightNormAccumulator::result));
        } finally {
            runs.unpersist();
            probe.unpersist();
        }
    }

    /** The requested layers, checked against the first checkpoint's outputs, or its outputs but {@code logits}. */
    static List<String> chooseLayers(CheckpointFile first, List<String> requested) {
        List<String> outputs;
        try {
            outputs = OnnxModel.load(Path.of(first.path())).describe().outputs().stream()
                    .map(ValueInfo::name)
                    .toList();
        } catch (IOException e) {
            throw new DynamicsException(Kind.IO, "cannot read checkpoint " + first.path() + ": " + e.getMessage(), e);
        }
        if (requested.isEmpty()) {
            List<String> hidden =
                    outputs.stream().filter(o -> !o.equals(LOGITS)).toList();
            if (hidden.isEmpty()) {
                throw new DynamicsException("checkpoint " + first.path() + " exposes no hidden layer (outputs "
                        + outputs + "); export it instrumented (every hidden activation an output) or name the layers");
            }
            return hidden;
        }
        for (String layer : requested) {
            if (!outputs.contains(layer)) {
                throw new DynamicsException("layer '" + layer + "' is not an output of checkpoint " + first.path()
                        + "; expected one of " + outputs);
            }
        }
        return requested;
    }

    /** The probe set as it crosses the wire. */
    private record Probe(String name, float[] values, int[] sampleShape) implements Serializable {
        InMemoryDataset dataset() {
            return InMemoryDataset.of(name, values, null, sampleShape);
        }
    }

    /** What one checkpoint's task gives back: per layer the probe activations (row-major), and theta_t or null. */
    private record CheckpointRun(
            int step,
            String fileName,
            String sha256,
            Map<String, float[]> activations,
            Map<String, int[]> unitShapes,
            Map<String, float[]> weights)
            implements Serializable {}

    /** One checkpoint's task: its model over the whole probe set, and its weights. */
    private static final class RunCheckpoint implements Function<CheckpointFile, CheckpointRun> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Probe> probe;
        private final List<String> layers;
        private final int batchSize;
        private final WeightReader weights;

        RunCheckpoint(Broadcast<Probe> probe, List<String> layers, int batchSize, WeightReader weights) {
            this.probe = probe;
            this.layers = List.copyOf(layers);
            this.batchSize = batchSize;
            this.weights = weights;
        }

        @Override
        public CheckpointRun call(CheckpointFile file) {
            Path path = Path.of(file.path());
            byte[] model;
            try {
                model = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new DynamicsException(
                        Kind.IO,
                        "cannot read checkpoint " + path + " on this executor: " + e.getMessage()
                                + "; checkpoints must be on a file system every executor reads",
                        e);
            }
            String fileName = path.getFileName().toString();
            InMemoryDataset samples = probe.value().dataset();
            int n = (int) samples.size();
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            try (InferenceSession session = InferenceSession.open(model, SessionConfig.defaults())) {
                int done = 0;
                for (Iterator<Batch> it = samples.batches(batchSize); it.hasNext(); ) {
                    Batch batch = it.next();
                    Map<String, LayerActivations> out = session.run(batch, layers);
                    for (String layer : layers) {
                        LayerActivations a = out.get(layer);
                        float[] all = values.computeIfAbsent(layer, k -> new float[n * a.units()]);
                        shapes.putIfAbsent(layer, a.unitShape());
                        if (all.length != n * a.units()) {
                            throw new DynamicsException("checkpoint " + fileName + ", layer " + layer + ": "
                                    + a.units() + " units in one batch but " + all.length / n + " in an earlier one;"
                                    + " the layer must have a fixed size");
                        }
                        System.arraycopy(a.values(), 0, all, done * a.units(), a.samples() * a.units());
                    }
                    done += batch.size();
                }
            }
            Map<String, float[]> theta = weights == null ? null : weights.read(fileName, model);
            return new CheckpointRun(file.step(), fileName, Sha256.of(model), values, shapes, theta);
        }
    }
}
