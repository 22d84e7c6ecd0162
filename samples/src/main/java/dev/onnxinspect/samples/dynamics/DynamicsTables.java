package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.arrow.ArrowResultDirectory;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.PathSimilarityWriter;
import dev.onnxinspect.arrow.TableMetadata;
import dev.onnxinspect.arrow.TrainingHistoryWriter;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes the results of training dynamics into a result directory (SPEC §12): {@code path_similarity.arrow} streamed
 * while the {@link DynamicsAnalysis} runs, {@code training_history.arrow} when run histories are given, the
 * {@code manifest.json} of {@link ArrowResultDirectory}, and the per-layer weight norms as {@link WeightNormsCsv}.
 *
 * <p>Choice: the schema metadata's model file and SHA-256 are the last checkpoint's (the trained model); every
 * checkpoint's file and SHA-256 are in {@link DynamicsResult#checkpoints()}. The class source is recorded as
 * {@code label} although no table here uses classes. Choice: the {@code training_history}
 * weight columns are the trainer's own figures ({@link EpochRecord#weightNorm()}, over the trainable tensors — the
 * same weights {@link CheckpointWeights} reads), not recomputed.
 */
public final class DynamicsTables {
    private DynamicsTables() {}

    /**
     * Runs {@link DynamicsAnalysis#run} on {@code series} and writes the tables into {@code directory}.
     *
     * @param run the run the checkpoints come from: its id labels the weight norm rows; its history, when not
     *            empty, becomes the {@code training_history} table
     * @throws IOException when a file cannot be written (no table is then left under its final name)
     */
    public static DynamicsResult analyse(
            CheckpointSeries series,
            InMemoryDataset probe,
            DynamicsOptions options,
            RunInfo run,
            Path directory,
            BufferAllocator allocator)
            throws IOException {
        List<String> layers = DynamicsAnalysis.layers(series, options);
        Checkpoint last = series.load(series.size() - 1);
        TableMetadata metadata = metadata(last, layers, options.pathOptions(), probe);
        DynamicsResult result;
        try (ArrowResultDirectory out = ArrowResultDirectory.create(
                directory,
                metadata,
                ArrowWriteOptions.defaults(),
                allocator,
                Map.of("run_id", run.runId(), "probe", probe.name()))) {
            PathSimilarityWriter paths = out.pathSimilarity(layers);
            result = DynamicsAnalysis.run(series, probe, options, new PathSimilarityTableSink(paths));
            if (!run.history().isEmpty()) {
                writeHistory(out, List.of(run));
            }
            out.commit();
        }
        WeightNormsCsv.write(directory, Map.of(run.runId(), result.weights()));
        return result;
    }

    /** The {@code training_history} rows of every run, from their epoch records. */
    public static void writeHistory(ArrowResultDirectory out, List<RunInfo> runs) throws IOException {
        Map<String, Map<String, String>> configurations = new LinkedHashMap<>();
        for (RunInfo r : runs) {
            if (configurations.put(r.runId(), r.configuration()) != null) {
                throw new DynamicsException("run id " + r.runId() + " appears twice; give every run its own id");
            }
        }
        TrainingHistoryWriter history = out.trainingHistory(configurations);
        for (RunInfo r : runs) {
            for (EpochRecord e : r.history()) {
                history.write(
                        r.runId(),
                        e.epoch(),
                        e.trainLoss(),
                        e.trainAccuracy(),
                        e.testLoss(),
                        e.testAccuracy(),
                        e.weightNorm(),
                        e.distanceFromInit());
            }
        }
    }

    static TableMetadata metadata(Checkpoint last, List<String> layers, PathOptions paths, InMemoryDataset probe) {
        TableMetadata.Builder b = TableMetadata.builder(last.fileName(), last.sha256(), ClassSource.LABEL)
                .layerNames(layers)
                .tau(paths.tau())
                .parameter("probe_dataset", probe.name())
                .parameter("probe_samples", Long.toString(probe.size()))
                .parameter("pair_seed", Long.toString(paths.seed()))
                .parameter("max_sampled_pairs", Integer.toString(paths.maxSampledPairs()));
        return b.build();
    }
}
