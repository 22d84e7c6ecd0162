package dev.onnxinspect.audit;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.NeuronView;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an audit inspects and with which parameters: one model, an in-distribution (ID) set, zero or more
 * out-of-distribution (OOD) sets, and an optional labelled ID fit set for the detectors that are fitted (SPEC §5:
 * never the evaluation set). Made by {@link Audit#builder(Path)}; immutable.
 *
 * @param model           the ONNX model file (instrumented or not: missing layers are exposed through onnx-io)
 * @param layers          the layers (tensor names) to inspect; empty = every graph output but the logits, and, if
 *                        the model exposes none, every {@code Relu} output
 * @param logitsOutput    the tensor holding the logits; null = chosen as {@code OnnxModel#classifierTensors} says:
 *                        the output of the dense head, else the only output that can hold logits
 * @param featureLayer    the features h the detectors read; null = the input of the dense head
 * @param head            the dense head (the tensor it computes, or its node) whose W, b the detectors read, reading
 *                        {@code featureLayer} (directly or through reshapes); null = found from the logits
 * @param fit             the labelled ID fit set, or null to run only the detectors that need no fitting
 * @param id              the ID evaluation set (the first dataset); classes from its labels, or from the
 *                        predictions when it has none
 * @param ood             the OOD sets; classes from their labels where they have them (even from another label
 *                        space), else from the model's predictions
 * @param batchSize       samples per ONNX Runtime call; 0 = automatic ({@code Inspection.autoBatchSize})
 * @param session         device and threads
 * @param tau             S1 threshold (SPEC §1)
 * @param eps             S2 ratio (SPEC §1)
 * @param bins            histogram bins (SPEC §2)
 * @param alpha           KL smoothing (SPEC §4)
 * @param parameters      extra run parameters recorded with the results (e.g. how the model was trained)
 * @param interactions    whether to count the SPEC §3 interactions of the dense layers whose input is inspected
 * @param fitStatistics   whether the fit pass also computes the layer statistics (SPEC §1-3, §7) of the fit set
 * @param nodeFitSamples  SPEC §8 node classifiers are fitted on the first this many fit samples (0 = off;
 *                        {@link Integer#MAX_VALUE} = the whole fit set, as SPEC §8 defines them)
 * @param nodeEvalSamples and evaluated on the first this many ID samples ({@link Integer#MAX_VALUE} = all)
 * @param maskInput       the model input holding the attention mask {@code [N, T]} of a sequence model, or null;
 *                        when given, every inspected layer of unit shape {@code [T, d]} is viewed
 *                        {@link NeuronView#MASKED_MEAN} unless {@code views} says otherwise
 * @param views           the neuron view of named layers; the others get the default of {@link Audit}'s memory rule
 * @param memoryBudgetBytes the memory budget B of the memory rule (see {@link Audit}): the most each kind of per-layer
 *                        structure may take in all (default {@link #DEFAULT_MEMORY_BUDGET_BYTES})
 * @param patterns        whether to collect the SPEC §7 patterns: null = as the memory rule allows (default), true =
 *                        on every layer whatever they take, false = off
 * @param nonFinite       what every pass does with a sample whose inspected layers, logits or features hold NaN or
 *                        an infinity ({@link NonFinitePolicy}; default FAIL)
 * @param tuneId          the ID validation set of SPEC §6b hyperparameter selection, or null for none (then the
 *                        detectors keep their SPEC defaults); given together with {@code tuneOod}. Refused when it
 *                        overlaps an evaluation set (see {@code Tuning})
 * @param tuneOod         the OOD validation set of hyperparameter selection, or null
 * @param nacDepth        SPEC §5b (bank/gradient detectors): the dense ReLU layers behind the features that NAC-UE
 *                        reads too (its score the mean over h and them); 0 (the default) = the features alone
 */
public record AuditOptions(
        Path model,
        List<String> layers,
        String logitsOutput,
        String featureLayer,
        String head,
        DataSource fit,
        DataSource id,
        List<DataSource> ood,
        int batchSize,
        SessionConfig session,
        double tau,
        double eps,
        int bins,
        double alpha,
        Map<String, String> parameters,
        boolean interactions,
        boolean fitStatistics,
        int nodeFitSamples,
        int nodeEvalSamples,
        String maskInput,
        Map<String, NeuronView> views,
        long memoryBudgetBytes,
        Boolean patterns,
        NonFinitePolicy nonFinite,
        DataSource tuneId,
        DataSource tuneOod,
        int nacDepth) {
    /** The default memory budget B: 512 MiB (also the default limit of the SPEC §3 interaction counters). */
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 512L << 20;

    public AuditOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(nonFinite, "nonFinite");
        if (id == null) {
            throw new OnnxInspectException("an audit needs an ID evaluation set: call id(...) on the audit builder");
        }
        layers = List.copyOf(layers);
        ood = List.copyOf(ood);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (batchSize < 0) {
            throw new OnnxInspectException("batch size must be positive (or 0 for automatic), got " + batchSize);
        }
        if (nodeFitSamples < 0 || nodeEvalSamples < 0) {
            throw new OnnxInspectException("node classifier sample counts must be >= 0 (0 = off), got " + nodeFitSamples
                    + " and " + nodeEvalSamples);
        }
        views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
        views.forEach((layer, view) -> Objects.requireNonNull(view, "the view of layer " + layer));
        if (memoryBudgetBytes <= 0) {
            throw new OnnxInspectException("the memory budget must be positive, got " + memoryBudgetBytes + " bytes;"
                    + " the default is " + DEFAULT_MEMORY_BUDGET_BYTES + " (512 MiB)");
        }
        if ((tuneId == null) != (tuneOod == null)) {
            throw new OnnxInspectException("hyperparameter selection needs both an ID and an OOD validation set (SPEC"
                    + " §6b), got " + (tuneId == null ? "only the OOD set" : "only the ID set"));
        }
        if (nacDepth < 0) {
            throw new OnnxInspectException("the NAC-UE depth (dense ReLU layers behind the features) must be >= 0, got "
                    + nacDepth + "; 0 reads the features alone");
        }
        if (fit != null && !fit.labelled()) {
            throw new DatasetException("the fit set " + fit.name() + " has no labels; detectors are fitted on a"
                    + " labelled ID set: give labelled data or leave the fit set out");
        }
    }
}
