package dev.onnxinspect.dynamics;

import java.util.List;

/**
 * The weight norms of one checkpoint (SPEC §10), per layer and in total. The totals are over all layers' values
 * together: sqrt of the sum of the layers' squared norms (not the sum of the norms).
 *
 * @param step                  the checkpoint step t
 * @param layers                one entry per layer, in the trajectory's layer order
 * @param totalNorm             ||theta_t||_2 over all layers
 * @param totalDistanceFromInit ||theta_t - theta_0||_2 over all layers
 */
public record WeightNorms(int step, List<LayerWeightNorm> layers, double totalNorm, double totalDistanceFromInit) {
    public WeightNorms {
        layers = List.copyOf(layers);
    }

    /**
     * The norms of the named layer.
     *
     * @throws DynamicsException when there is no such layer
     */
    public LayerWeightNorm layer(String name) {
        return layers.stream()
                .filter(l -> l.layer().equals(name))
                .findFirst()
                .orElseThrow(() -> new DynamicsException("no weight named '" + name + "'; weights are "
                        + layers.stream().map(LayerWeightNorm::layer).toList()));
    }
}
