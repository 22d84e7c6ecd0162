package dev.onnxinspect.spark;

import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.WeightTrajectory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SPEC §9-10 over a training run's checkpoints, computed by {@link SparkCheckpoints}: the same results the
 * single-machine analysis gives with the same accumulators.
 *
 * @param layers      the analysed layers
 * @param checkpoints step, file name and SHA-256 of each checkpoint, in step order
 * @param paths       per layer, the path similarities (SPEC §9)
 * @param overlaps    per layer, the path overlaps and neighbour ranks of the anchors (empty without anchors)
 * @param weights     the weight norms (SPEC §10), empty without a {@link WeightReader}
 */
public record SparkDynamicsResult(
        List<String> layers,
        List<CheckpointInfo> checkpoints,
        List<PathSimilarityResult> paths,
        List<PathOverlapResult> overlaps,
        Optional<WeightTrajectory> weights) {
    public SparkDynamicsResult {
        layers = List.copyOf(layers);
        checkpoints = List.copyOf(checkpoints);
        paths = List.copyOf(paths);
        overlaps = List.copyOf(overlaps);
        Objects.requireNonNull(weights, "weights");
    }

    /** One analysed checkpoint. */
    public record CheckpointInfo(int step, String fileName, String sha256) {}
}
