package dev.onnxinspect.dynamics;

import java.util.List;

/**
 * Weight norms across training (SPEC §10): one {@link WeightNorms} per checkpoint, as
 * {@link WeightNormAccumulator#result()} returns them. Immutable.
 *
 * @param layers      the weight names, in the order used for every checkpoint (sorted by name)
 * @param checkpoints one entry per checkpoint, in step order
 */
public record WeightTrajectory(List<String> layers, List<WeightNorms> checkpoints) {
    public WeightTrajectory {
        layers = List.copyOf(layers);
        checkpoints = List.copyOf(checkpoints);
    }

    /**
     * The norms at {@code step}.
     *
     * @throws DynamicsException when that step was not accepted
     */
    public WeightNorms at(int step) {
        return checkpoints.stream()
                .filter(c -> c.step() == step)
                .findFirst()
                .orElseThrow(() -> new DynamicsException("no checkpoint at step " + step + "; steps are "
                        + checkpoints.stream().map(WeightNorms::step).toList()));
    }
}
