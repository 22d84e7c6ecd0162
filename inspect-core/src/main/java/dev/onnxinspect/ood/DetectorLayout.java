package dev.onnxinspect.ood;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which tensors of a model the SPEC §5 detectors read, and how one batch of them becomes a {@link DetectorInput}: the
 * logits output, the features h (the input of the dense head, or a tensor the user named; null when there are none,
 * then only the logit and pattern detectors can run) and the layers of the S1-pattern detectors. The one detector
 * wiring of the library: the audit ({@code dev.onnxinspect.audit}) and the guard ({@code OodGuard}) both fit and score
 * through it, so a detector sees the same input whichever of them runs it. Immutable.
 *
 * <p>Binary classifiers (SPEC §5): a logits output with one value z per sample ([N, 1] or [N]) is K = 2 with logits
 * (0, z), so softmax gives exactly (1 - sigmoid(z), sigmoid(z)) and the predicted class is 1 when z > 0, else 0 (a
 * tie at z = 0 goes to the lowest index); {@link #input} expands the logits, and {@link #standardSuite} gives the
 * detectors that read W, b the two rows (0, 0) and (W, b) of {@link #twoClassHead}.
 *
 * @param logitsOutput  the tensor holding the logits {@code [N, K]} ({@code [N, 1]} or {@code [N]} when K = 2)
 * @param featureLayer  the features h, or null when there are none
 * @param patternLayers the layers of the per-layer detectors (NAP Hamming, activation-profile KL, pattern distance)
 * @param classes       K, at least 2
 * @param nacChain      SPEC §5b (bank/gradient detectors): the dense layers NAC-UE reaches back through from the
 *                      features ({@link NacUeDetector#denseReluChain}); their inputs are extra layers of the run.
 *                      Empty (the default): NAC-UE on the features alone
 */
public record DetectorLayout(
        String logitsOutput, String featureLayer, List<String> patternLayers, int classes, List<DenseLayer> nacChain)
        implements Serializable {
    public DetectorLayout {
        Objects.requireNonNull(logitsOutput, "logitsOutput");
        patternLayers = List.copyOf(patternLayers);
        nacChain = List.copyOf(nacChain);
        if (!nacChain.isEmpty() && featureLayer == null) {
            throw new OodException("NAC-UE layers behind the features were given, but there are no features h");
        }
        if (classes < 2) {
            throw new OodException("the logits output " + logitsOutput + " has " + classes + " value(s) per sample;"
                    + " the detectors need a classifier with K >= 2 classes");
        }
    }

    /** A layout whose NAC-UE reads the features alone (no layers behind them). */
    public DetectorLayout(String logitsOutput, String featureLayer, List<String> patternLayers, int classes) {
        this(logitsOutput, featureLayer, patternLayers, classes, List.of());
    }

    /**
     * K of a logits output of the given shape (as the runtime reports it, -1 for a free dimension): [N, K] with K >= 2
     * gives K; [N, 1] and [N] are a binary classifier with one logit, K = 2 (SPEC §5).
     *
     * @throws OodException for any other shape, naming the output and the option that chooses another
     */
    public static int classes(String logitsOutput, long[] shape) {
        if (shape.length == 1 || (shape.length == 2 && shape[1] == 1)) {
            return 2;
        }
        if (shape.length == 2 && shape[1] >= 2 && shape[1] <= Integer.MAX_VALUE) {
            return (int) shape[1];
        }
        throw new OodException("output " + logitsOutput + " has shape " + Arrays.toString(shape) + "; expected logits"
                + " [N, K] with a fixed K >= 2, or [N, 1] / [N] for a binary classifier with one logit: name the"
                + " logits with --logits (CLI) or logitsOutput(...) (API)");
    }

    /**
     * The one-row head of a binary classifier as the two-class head of the logits (0, z) (SPEC §5): the rows (0, 0)
     * and (W, b). A head with more rows is returned as it is.
     */
    public static DenseLayer twoClassHead(DenseLayer head) {
        if (head.outFeatures() != 1) {
            return head;
        }
        int n = head.inFeatures();
        float[] w = new float[2 * n];
        System.arraycopy(head.weights(), 0, w, n, n);
        return new DenseLayer(head.outputName(), head.inputName(), 2, n, w, new float[] {0, head.bias()[0]});
    }

    /**
     * A builder of the SPEC §5 standard suite restricted to what this layout and {@code head} can feed. With a usable
     * head (reading {@link #featureLayer()}, with K rows after {@link #twoClassHead}) it is exactly
     * {@link DetectorSuite#standard(DenseLayer, int, List, double, double)}, less ASH when it would keep no feature
     * (fewer than 6 at p = 0.9: recorded in {@code skipped}). Without one, the detectors that need W, b
     * (GradNorm, ReAct, ASH, DICE, ViM, fDBD, SCALE) are left out, and without features also those that need h
     * (Mahalanobis, KNN, SHE, RMDS, NNGuide, Relation); NAC-UE needs W too; the others keep their order: MSP,
     * MaxLogit, Energy, ODIN, KL-Matching, (with features: Mahalanobis, KNN, SHE, RMDS), GEN, MSP with temperature,
     * Entropy, Entropy with temperature and the per-layer detectors.
     *
     * @param head        the dense head, or null
     * @param headMissing why there is no head (recorded), or null
     * @param tau         the S1 threshold of the per-layer detectors
     * @param alpha       the profile smoothing of activation-profile KL
     * @param skipped     receives one line "names: reason" per group of detectors left out
     */
    public DetectorSuite.Builder standardSuite(
            DenseLayer head, String headMissing, double tau, double alpha, List<String> skipped) {
        String noHead = headMissing != null ? headMissing : "the model has no dense head";
        DenseLayer usable = null;
        if (head != null) {
            DenseLayer expanded = twoClassHead(head);
            if (!head.inputName().equals(featureLayer)) {
                noHead = "the dense head '" + head.outputName() + "' reads '" + head.inputName() + "', not the"
                        + " features '" + featureLayer + "'";
            } else if (expanded.outFeatures() != classes) {
                noHead = "the dense head '" + head.outputName() + "' has " + head.outFeatures() + " outputs but the"
                        + " logits " + logitsOutput + " have K = " + classes + " classes";
            } else {
                usable = expanded;
            }
        }
        if (usable != null) {
            DetectorSuite.Builder b = DetectorSuite.standard(usable, classes, patternLayers, tau, alpha, skipped);
            // SPEC §5b (bank/gradient detectors): NAC-UE over the features and the layers behind them
            if (!nacChain.isEmpty()) {
                b.replace(
                        "nac_ue",
                        NacUeDetector.accumulator(
                                usable, nacChain, NacUeDetector.DEFAULT_M, NacUeDetector.DEFAULT_ALPHA));
            }
            return b;
        }
        skipped.add("gradnorm, react_energy, ash_b, ash_s, ash_p, dice, vim, fdbd, scale: need the dense head W, b"
                + " reading the features: " + noHead);
        if (featureLayer == null) {
            skipped.add("mahalanobis, knn, she, rmds: need features h: " + noHead);
        }
        // SPEC §5b (bank/gradient detectors)
        skipped.add("nac_ue: needs the dense head W, b reading the features: " + noHead);
        if (featureLayer == null) {
            skipped.add("nnguide, relation: need features h: " + noHead);
        }
        DetectorSuite.Builder b = DetectorSuite.builder()
                .add(MaxSoftmaxDetector.msp())
                .add(MaxLogitDetector.create())
                .add(EnergyDetector.create())
                .add(MaxSoftmaxDetector.odin())
                .fit(KlMatchingDetector.accumulator(classes));
        if (featureLayer != null) {
            b.fit(MahalanobisDetector.accumulator(classes))
                    .fit(KnnDetector.accumulator())
                    .fit(SheDetector.accumulator(classes));
            // SPEC §5b (bank/gradient detectors)
            b.fit(NnGuideDetector.accumulator()).fit(RelationDetector.accumulator());
        }
        // SPEC §5b (logit/feature detectors)
        if (featureLayer != null) {
            b.fit(RmdsDetector.accumulator(classes));
        }
        b.add(GenDetector.create())
                .fit(MspTemperatureDetector.accumulator(classes))
                .add(EntropyDetector.create())
                .fit(EntropyDetector.temperatureAccumulator(classes));
        for (String layer : patternLayers) {
            b.fit(NapDetector.accumulator(layer, classes, tau))
                    .fit(ProfileKlDetector.accumulator(layer, classes, tau, alpha))
                    .fit(PatternDistanceDetector.accumulator(layer, classes, tau));
        }
        return b;
    }

    /**
     * The tensors a run must produce: logits, features, pattern layers, NAC-UE's layers behind the features (no
     * duplicates, in that order).
     */
    public List<String> outputs() {
        Set<String> all = new LinkedHashSet<>();
        all.add(logitsOutput);
        if (featureLayer != null) {
            all.add(featureLayer);
        }
        all.addAll(patternLayers);
        nacChain.forEach(d -> all.add(d.inputName()));
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
        DetectorInput.Builder b = DetectorInput.builder(samples).logits(logits(output(outputs, logitsOutput)), classes);
        if (featureLayer != null) {
            b.features(output(outputs, featureLayer));
        }
        for (String layer : patternLayers) {
            b.layer(output(outputs, layer));
        }
        for (DenseLayer d : nacChain) {
            if (!b.hasLayer(d.inputName())) {
                b.layer(output(outputs, d.inputName()));
            }
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

    /** The logits row-major [samples][K]; one logit z per sample becomes (0, z) (SPEC §5). */
    private float[] logits(LayerActivations z) {
        float[] values = z.values();
        if (z.units() == classes) {
            return values;
        }
        if (z.units() != 1 || classes != 2) {
            throw new OodException("the logits output " + logitsOutput + " has " + z.units() + " values per sample;"
                    + " the detectors were set up for K = " + classes + ": use the model they were fitted for");
        }
        float[] two = new float[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            two[2 * i + 1] = values[i];
        }
        return two;
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
