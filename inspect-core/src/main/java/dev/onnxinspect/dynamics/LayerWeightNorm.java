package dev.onnxinspect.dynamics;

/**
 * One layer's weight norms at one checkpoint (SPEC §10).
 *
 * @param layer            the weight's name
 * @param norm             ||theta_t||_2 of this layer's values
 * @param distanceFromInit ||theta_t - theta_0||_2 of this layer's values
 */
public record LayerWeightNorm(String layer, double norm, double distanceFromInit) {
    public LayerWeightNorm {
        if (layer == null || !(norm >= 0) || !(distanceFromInit >= 0)) {
            throw new DynamicsException("a layer weight norm needs a name and non-negative norms, got " + layer + ", "
                    + norm + ", " + distanceFromInit);
        }
    }
}
