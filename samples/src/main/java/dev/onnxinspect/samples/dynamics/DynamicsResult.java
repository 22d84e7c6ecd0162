package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathOverlapResult;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.WeightTrajectory;
import java.util.List;

/**
 * What a {@link DynamicsAnalysis} found over one checkpoint series: per layer the path similarity summaries
 * (SPEC §9), per layer the path overlaps when anchors were given, and the weight norms per layer and in total
 * (SPEC §10). Immutable.
 *
 * @param layers      the analysed layers, in model output order
 * @param checkpoints the analysed checkpoints' steps and files, in step order
 * @param paths       one result per layer, in {@code layers} order
 * @param overlaps    one result per layer when anchors were given, else empty
 * @param weights     the weight trajectory over all checkpoints (checkpoint 0 of the series is theta_0)
 */
public record DynamicsResult(
        List<String> layers,
        List<CheckpointInfo> checkpoints,
        List<PathSimilarityResult> paths,
        List<PathOverlapResult> overlaps,
        WeightTrajectory weights) {
    public DynamicsResult {
        layers = List.copyOf(layers);
        checkpoints = List.copyOf(checkpoints);
        paths = List.copyOf(paths);
        overlaps = List.copyOf(overlaps);
    }

    /** The path similarity result of one layer. */
    public PathSimilarityResult paths(String layer) {
        return paths.stream()
                .filter(p -> p.layer().equals(layer))
                .findFirst()
                .orElseThrow(
                        () -> new DynamicsException("layer '" + layer + "' was not analysed; layers are " + layers));
    }

    /**
     * One analysed checkpoint.
     *
     * @param step     the checkpoint step
     * @param fileName its file name
     * @param sha256   the SHA-256 of its model bytes
     */
    public record CheckpointInfo(int step, String fileName, String sha256) {}
}
