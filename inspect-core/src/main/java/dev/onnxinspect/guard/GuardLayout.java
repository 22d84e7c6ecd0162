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
 * default its input; null when the model has none) and the layers of the S1-pattern detectors, plus the model's
 * inputs (names, element types, sample shapes) and K (2 for a binary classifier with one logit).
 */
record GuardLayout(
        String logitsOutput, String featureLayer, List<String> patternLayers, List<GuardInput> inputs, int classes) {
    GuardLayout {
        patternLayers = List.copyOf(patternLayers);
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new GuardException("a guard needs the model's inputs; got none");
        }
        if (classes < 2) {
            throw new GuardException("logits output " + logitsOutput + " has " + classes + " values per sample; a guard"
                    + " needs a classifier with K >= 2 classes");
        }
    }

    /**
     * The shape of one sample of a single-input model, as the fit samples had it (e.g. {@code [1, 28, 28]}).
     *
     * @throws GuardException for a model of several inputs, or fit samples whose shape varied
     */
    int[] sampleShape() {
        if (inputs.size() != 1) {
            throw new GuardException("the model has " + inputs.size() + " inputs " + names() + "; a single sample"
                    + " shape exists only for a model of one input: score named inputs with score(Map)");
        }
        long[] shape = inputs.get(0).fitShape();
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new GuardException("input " + inputs.get(0).describe() + " was fitted on samples of varying"
                        + " shape " + Arrays.toString(shape) + "; score it with score(Map) or an"
                        + " InputTensor of the sample's shape");
            }
            out[d] = Math.toIntExact(shape[d]);
        }
        return out;
    }

    /** Values per input sample of a single-input model ({@link #sampleShape()}). */
    int sampleSize() {
        int size = 1;
        for (int d : sampleShape()) {
            size = Math.multiplyExact(size, d);
        }
        return size;
    }

    /** The input names, in the model's order. */
    List<String> names() {
        return inputs.stream().map(GuardInput::name).toList();
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
                && inputs.equals(g.inputs)
                && classes == g.classes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(logitsOutput, featureLayer, patternLayers, inputs, classes);
    }

    @Override
    public String toString() {
        return "GuardLayout[logits " + logitsOutput + ", features " + featureLayer + ", pattern layers " + patternLayers
                + ", inputs " + inputs + ", K = " + classes + "]";
    }
}
