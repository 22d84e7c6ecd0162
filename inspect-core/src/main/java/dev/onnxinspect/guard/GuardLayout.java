package dev.onnxinspect.guard;

import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which tensors of the model a guard reads: the logits (by default the output of the dense head), the features h (by
 * default its input; null when the model has none) and the layers of the S1-pattern detectors, plus the shape of one
 * input sample and K (2 for a binary classifier with one logit).
 */
record GuardLayout(
        String logitsOutput, String featureLayer, List<String> patternLayers, int[] sampleShape, int classes) {
    GuardLayout {
        patternLayers = List.copyOf(patternLayers);
        sampleShape = sampleShape.clone();
        if (classes < 2) {
            throw new GuardException("logits output " + logitsOutput + " has " + classes + " values per sample; a guard"
                    + " needs a classifier with K >= 2 classes");
        }
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Floats per input sample. */
    int sampleSize() {
        int size = 1;
        for (int d : sampleShape) {
            size *= d;
        }
        return size;
    }

    /** The detector wiring of this layout (the same the audit uses). */
    DetectorLayout detectors() {
        return new DetectorLayout(logitsOutput, featureLayer, patternLayers, classes);
    }

    /** The outputs every run requests: logits, features, pattern layers (no duplicates, in that order). */
    List<String> outputs() {
        return detectors().outputs();
    }

    /** The detector input of one batch of run outputs (logits, features, pattern layers; labels or null). */
    DetectorInput detectorInput(Map<String, LayerActivations> out, int n, int[] labels) {
        return detectors().input(out, n, labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuardLayout g
                && logitsOutput.equals(g.logitsOutput)
                && Objects.equals(featureLayer, g.featureLayer)
                && patternLayers.equals(g.patternLayers)
                && Arrays.equals(sampleShape, g.sampleShape)
                && classes == g.classes;
    }

    @Override
    public int hashCode() {
        return (logitsOutput.hashCode() * 31 + Objects.hashCode(featureLayer)) * 31 + Arrays.hashCode(sampleShape);
    }

    @Override
    public String toString() {
        return "GuardLayout[logits " + logitsOutput + ", features " + featureLayer + ", pattern layers " + patternLayers
                + ", sample shape " + Arrays.toString(sampleShape) + ", K = " + classes + "]";
    }
}
