package dev.onnxinspect.ood;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which tensors of a model the SPEC §5 detectors read, and how one batch of them becomes a {@link DetectorInput}: the
 * logits output, the penultimate features h (the input of the last dense layer; null when the model has no dense
 * head, then only the logit and pattern detectors can run) and the layers of the S1-pattern detectors. The one
 * detector wiring of the library: the audit ({@code dev.onnxinspect.audit}) and the guard ({@code OodGuard}) both fit
 * and score through it, so a detector sees the same input whichever of them runs it. Immutable.
 *
 * @param logitsOutput  the tensor holding the logits {@code [N, K]}
 * @param featureLayer  the penultimate features, or null when there are none
 * @param patternLayers the layers of the per-layer detectors (NAP Hamming, activation-profile KL, pattern distance)
 * @param classes       K, at least 2
 */
public record DetectorLayout(String logitsOutput, String featureLayer, List<String> patternLayers, int classes) {
    public DetectorLayout {
        Objects.requireNonNull(logitsOutput, "logitsOutput");
        patternLayers = List.copyOf(patternLayers);
        if (classes < 2) {
            throw new OodException("the logits output " + logitsOutput + " has " + classes + " value(s) per sample;"
                    + " the detectors need a classifier with K >= 2 classes");
        }
    }

    /** The tensors a run must produce: logits, features, pattern layers (no duplicates, in that order). */
    public List<String> outputs() {
        Set<String> all = new LinkedHashSet<>();
        all.add(logitsOutput);
        if (featureLayer != null) {
            all.add(featureLayer);
        }
        all.addAll(patternLayers);
        return List.copyOf(all);
    }

    /** The tensors an inspection must expose besides the logits: features and pattern layers. */
    public List<String> layers() {
        List<String> all = outputs();
        return all.subList(1, all.size());
    }

    /**
     * The detector input of one batch of run outputs.
     *
     * @param outputs the run's outputs by tensor name (at least {@link #outputs()}); not copied
     * @param samples the batch's sample count
     * @param labels  the true labels for fitting, or null when scoring
     */
    public DetectorInput input(Map<String, LayerActivations> outputs, int samples, int[] labels) {
        DetectorInput.Builder b = DetectorInput.builder(samples).logits(output(outputs, logitsOutput).values(), classes);
        if (featureLayer != null) {
            b.features(output(outputs, featureLayer));
        }
        for (String layer : patternLayers) {
            b.layer(output(outputs, layer));
        }
        if (labels != null) {
            b.labels(labels);
        }
        return b.build();
    }

    /** The detector input of one inspected batch; with {@code labels}, the view's classes are the labels. */
    public DetectorInput input(BatchView view, boolean labels) {
        Map<String, LayerActivations> outputs = new LinkedHashMap<>(view.activations());
        outputs.put(logitsOutput, view.logits());
        return input(outputs, view.size(), labels ? view.classes() : null);
    }

    /** A hook that streams labelled fit batches into every fit accumulator of a suite builder (SPEC §5 fitting). */
    public InspectionHook fitting(DetectorSuite.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        return view -> builder.accept(input(view, true));
    }

    /** A hook that scores every batch with a fitted suite and keeps every sample's scores. */
    public ScoreCollector scoring(DetectorSuite suite) {
        return new ScoreCollector(suite, this);
    }

    private static LayerActivations output(Map<String, LayerActivations> outputs, String name) {
        LayerActivations a = outputs.get(name);
        if (a == null) {
            throw new OodException("the run produced no tensor " + name + " for the detectors; it produced "
                    + outputs.keySet() + ": expose it as a graph output (onnx-io instrument)");
        }
        return a;
    }
}
