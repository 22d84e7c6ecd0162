package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Optional;
import java.util.Set;

/**
 * What the per-layer S1-pattern detectors of SPEC §5 (NAP Hamming, activation-profile KL, pattern distance) share:
 * the layer they read, the number of classes, the S1 threshold tau, the layer's unit count, their column name
 * {@code type[layer]}, and the checks every score call starts with. Immutable like its subclasses.
 */
abstract class LayerPatternDetector implements PersistentDetector {
    final String layer;
    final int classes;
    final double tau;
    final int units;

    LayerPatternDetector(String layer, int classes, double tau, int units) {
        this.layer = layer;
        this.classes = classes;
        this.tau = tau;
        this.units = units;
    }

    @Override
    public final String name() {
        return S1Patterns.name(typeId(), layer);
    }

    @Override
    public final Optional<String> layer() {
        return Optional.of(layer);
    }

    @Override
    public final Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.LAYER_ACTIVATIONS);
    }

    /** The layer's activations of the input, after checking the logits' width and the layer's unit count. */
    final LayerActivations checkedActivations(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        ClassCount.checkLogitWidth(input, classes, name());
        return S1Patterns.layer(input, layer, units, name());
    }
}
