package dev.onnxinspect.audit;

import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.inspect.ProgressListener;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.MemoryLimitExceededException;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.PatternAccumulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An audit of one ONNX classifier, as a library call: fits the OOD detectors of SPEC §5 (and the SPEC §8 node
 * classifiers) on a labelled ID fit set, inspects the fit set, the ID set and every OOD set in one streamed pass
 * each (layer statistics of SPEC §1-3 and §7, detector scores), and derives the SPEC §6 metrics and the SPEC §4
 * class-wise KL matrices. The result is an immutable {@link AuditResult}; arrow-export's {@code AuditTables} writes
 * it as the SPEC §12 tables of a result directory.
 *
 * <pre>{@code
 * AuditResult result = Audit.builder(Path.of("model.onnx"))
 *         .fit(train.subset(0, 10_000))
 *         .id(test)
 *         .ood(digits)
 *         .run();
 * }</pre>
 *
 * <p>Memory: the layer statistics are bounded by layers x classes x neurons; the per-sample scores grow with the
 * samples (the metrics need all of them), as do the S1 patterns of SPEC §7, the per-layer detectors' fit patterns and
 * the node classifiers' fit values (SPEC §8 needs every fit activation). Choice: the memory rule (SPEC §3 asks only
 * that a size be said before a configured limit is exceeded). Before the first pass the audit states and
 * checks what these take, against one budget B ({@link Builder#memoryBudgetBytes}, default 512 MiB), and decides:
 * <ol>
 *   <li><b>Views.</b> A layer keeps the view the user chose ({@link Builder#view}). Otherwise, with an attention mask
 *   named ({@link Builder#mask}), a layer of unit shape {@code [T, d]} is viewed {@link NeuronView#MASKED_MEAN};
 *   a map {@code [C, ...]} is viewed {@link NeuronView#CHANNEL_MEAN} when its flattened statistics (the S1/S2
 *   counters, 2 x K x units ints, and scratch: {@link LayerStatisticsAccumulator#estimate}) exceed its share B / L of
 *   the budget (L inspected layers) or when its size varies; every other layer stays FLATTENED (SPEC's default). A
 *   ResNet-50 at 224 x 224 with K = 1000 thus gets channel views for all 49 ReLU maps (the smallest, [512, 7, 7],
 *   would take 191 MiB flattened; with the features, L = 50 and the share is 10.2 MiB) and keeps its 2048 features
 *   flattened; the Fashion-MNIST MLP and the LeNet-like CNN stay flattened.</li>
 *   <li><b>Counters.</b> The S1/S2 counters of all layers, with these views, must fit B (per dataset: each inspected
 *   set keeps its own); otherwise the audit refuses before any pass with a {@link MemoryLimitExceededException}
 *   naming the largest layers. SPEC §3 interaction counters of a dense layer are counted when they fit B and skipped
 *   (recorded) otherwise.</li>
 *   <li><b>Per-sample structures.</b> SPEC §7 patterns (per layer {@link PatternAccumulator#bytesPerPattern} times the
 *   largest pass), the SPEC §5 per-layer detectors (NAP Hamming, activation-profile KL, pattern distance: K x n fit
 *   counts, profiles and fit patterns) and the SPEC §8 node classifiers
 *   ({@link NodeClassifierFitAccumulator#estimate}) each take the layers from the deepest (last) back, each layer if
 *   it fits in what is left of B. After the passes the SPEC §4 KL matrices follow the same rule (their entries
 *   known from the classes present). {@link Builder#patterns} overrides the rule for patterns.</li>
 * </ol>
 * Every decision that departs from the SPEC defaults is in the run parameters: {@code neuron_view.<layer>} (the view
 * and why), {@code <kind>_skipped.<layer>} for patterns, pattern_detectors, node_classifiers, kl and interactions
 * (with the size), {@code memory_estimate.<kind>} (bytes), {@code memory_budget_bytes}, {@code mask_input} and, per
 * dataset, {@code empty_mask_samples.<dataset>} (samples left out for an attention mask without a 1); with
 * {@link Builder#nonFinite} SKIP, {@code non_finite} and, per dataset, {@code skipped_non_finite.<dataset>}. The per-layer
 * detectors read each layer through its view (channel or masked means), the features always flattened.
 * <p>Threads: {@link Builder#run()} runs ONNX Runtime on one producer thread and the statistics on the caller's thread
 * and a small pool of its own (one per layer, at most one per core), which it shuts down before returning.
 */
public final class Audit {
    private Audit() {}

    /** Starts an audit of the model file; the ID set ({@link Builder#id}) is required, everything else optional. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * Runs an audit.
     *
     * @throws IOException                 when the model file cannot be read
     * @throws dev.onnxinspect.OnnxInspectException when the model, the data or an option does not fit (the message
     *                                     says what to change)
     */
    public static AuditResult run(AuditOptions options, AuditProgress progress) throws IOException {
        return AuditRunner.run(options, Objects.requireNonNull(progress, "progress"));
    }

    /**
     * Builder with the SPEC defaults: tau 0, eps 1000, 100 bins, alpha 1e-6, automatic batch size, ONNX Runtime's
     * CPU defaults, interactions and fit-set statistics on, node classifiers on every fit and ID sample, no
     * progress reporting; the memory rule (class Javadoc) with a budget of 512 MiB, no attention mask.
     */
    public static final class Builder {
        private final Path model;
        private DataSource id;
        private List<String> layers = List.of();
        private String logitsOutput;
        private String featureLayer;
        private String head;
        private DataSource fit;
        private final List<DataSource> ood = new ArrayList<>();
        private int batchSize;
        private SessionConfig session = SessionConfig.defaults();
        private double tau;
        private double eps = 1000;
        private int bins = 100;
        private double alpha = 1e-6;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private boolean interactions = true;
        private boolean fitStatistics = true;
        private int nodeFitSamples = Integer.MAX_VALUE;
        private int nodeEvalSamples = Integer.MAX_VALUE;
        private String maskInput;
        private final Map<String, NeuronView> views = new LinkedHashMap<>();
        private long memoryBudgetBytes = AuditOptions.DEFAULT_MEMORY_BUDGET_BYTES;
        private int nacDepth;
        private Boolean patterns;
        private NonFinitePolicy nonFinite = NonFinitePolicy.FAIL;
        private AuditProgress progress = AuditProgress.NONE;
        private DataSource tuneId;
        private DataSource tuneOod;

        private Builder(Path model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The ID evaluation set (required): classes from its labels, or from the predictions without labels. */
        public Builder id(DataSource value) {
            id = Objects.requireNonNull(value, "id");
            return this;
        }

        /** Adds an OOD set; may be called several times. */
        public Builder ood(DataSource value) {
            ood.add(Objects.requireNonNull(value, "ood"));
            return this;
        }

        /** Adds OOD sets, in order. */
        public Builder ood(List<? extends DataSource> values) {
            values.forEach(this::ood);
            return this;
        }

        /** The labelled ID fit set of the fitted detectors and node classifiers (never the evaluation set). */
        public Builder fit(DataSource value) {
            fit = value;
            return this;
        }

        /** The layers (tensor names) to inspect; default: every output but the logits, else every Relu output. */
        public Builder layers(List<String> value) {
            layers = List.copyOf(value);
            return this;
        }

        /**
         * The tensor holding the logits ([N, K], or [N, 1] / [N] for a binary classifier with one logit); default:
         * the output of the model's dense head, else its only output that can hold logits (see
         * {@code OnnxModel#classifierTensors}).
         */
        public Builder logitsOutput(String value) {
            logitsOutput = value;
            return this;
        }

        /**
         * The features h that the feature detectors (Mahalanobis, KNN, SHE, and with the head ReAct, ASH, DICE, ViM,
         * GradNorm) read, flattened per sample; default: the input of the dense head. Features that the head does not
         * read (through reshapes) leave the detectors needing W, b out, with the reason.
         */
        public Builder featureLayer(String tensor) {
            featureLayer = tensor;
            return this;
        }

        /**
         * The dense head whose W, b the detectors read: the tensor it computes or its node; it must be a dense layer
         * reading {@link #featureLayer} (directly or through Flatten, Reshape, Squeeze). Default: found by walking
         * back from the logits.
         */
        public Builder head(String tensorOrNode) {
            head = tensorOrNode;
            return this;
        }

        /** Samples per ONNX Runtime call; 0 (default) = automatic. */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder session(SessionConfig value) {
            session = Objects.requireNonNull(value, "session");
            return this;
        }

        /** S1 threshold tau (SPEC §1), default 0. */
        public Builder tau(double value) {
            tau = value;
            return this;
        }

        /** S2 ratio eps (SPEC §1), default 1000. */
        public Builder eps(double value) {
            eps = value;
            return this;
        }

        /** Frequency histogram bins (SPEC §2), default 100. */
        public Builder bins(int value) {
            bins = value;
            return this;
        }

        /** KL smoothing alpha (SPEC §4), default 1e-6. */
        public Builder alpha(double value) {
            alpha = value;
            return this;
        }

        /** An extra run parameter recorded with the results. */
        public Builder parameter(String key, String value) {
            parameters.put(key, value);
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        /** Whether to count the SPEC §3 weight-neuron interactions (default on). */
        public Builder interactions(boolean value) {
            interactions = value;
            return this;
        }

        /** Whether the fit pass also computes the fit set's layer statistics (default on). */
        public Builder fitStatistics(boolean value) {
            fitStatistics = value;
            return this;
        }

        /**
         * SPEC §8 sample counts: fit the node classifiers on the first {@code fitSamples} of the fit set (0 = no node
         * classifiers), evaluate them on the first {@code evalSamples} of the ID set. Default: all of both.
         */
        public Builder nodeClassifiers(int fitSamples, int evalSamples) {
            nodeFitSamples = fitSamples;
            nodeEvalSamples = evalSamples;
            return this;
        }

        /**
         * The model input that holds the attention mask {@code [N, T]} (0 padding, 1 token) of a sequence model; the
         * data must feed it. Every inspected layer of unit shape {@code [T, d]} is then viewed
         * {@link NeuronView#MASKED_MEAN} (unless {@link #view} says otherwise). Default: none.
         */
        public Builder mask(String inputName) {
            maskInput = Objects.requireNonNull(inputName, "inputName");
            return this;
        }

        /** The neuron view of one layer, instead of the memory rule's default. */
        public Builder view(String layer, NeuronView view) {
            views.put(Objects.requireNonNull(layer, "layer"), Objects.requireNonNull(view, "view"));
            return this;
        }

        /** The same view for several layers. */
        public Builder view(List<String> layers, NeuronView view) {
            layers.forEach(l -> view(l, view));
            return this;
        }

        /**
         * The memory budget B of the memory rule (see {@link Audit}); default
         * {@link AuditOptions#DEFAULT_MEMORY_BUDGET_BYTES} (512 MiB).
         */
        public Builder memoryBudgetBytes(long bytes) {
            memoryBudgetBytes = bytes;
            return this;
        }

        /**
         * SPEC §7 patterns on every layer (true) or on none (false), instead of the memory rule's choice (the
         * deepest layers whose patterns fit the budget).
         */
        public Builder patterns(boolean value) {
            patterns = value;
            return this;
        }

        /**
         * What every pass (fit, ID, OOD) does with a sample whose inspected layers, logits or features hold NaN or an
         * infinity; default {@link NonFinitePolicy#FAIL}. With {@link NonFinitePolicy#SKIP} such a sample is left out
         * of every statistic and detector (the results are those of the data without it) and counted per dataset:
         * {@link DatasetResult#skippedNonFinite()} and the run parameter {@code skipped_non_finite.<dataset>}.
         */
        public Builder nonFinite(NonFinitePolicy value) {
            nonFinite = Objects.requireNonNull(value, "nonFinite");
            return this;
        }

        /**
         * Chooses the detectors' hyperparameters on a validation pair (SPEC §6b): per detector with a grid
         * ({@code DetectorGrids}), the grid point with the largest AUROC of {@code idValidation} against
         * {@code oodValidation}; ties: the default, then the first in grid order. The chosen values and every grid
         * point's AUROC are recorded in the run parameters ({@code tuning.<detector>}, {@code tuning.<detector>.grid}).
         * The validation sets must not overlap the evaluation sets (same source, same name or an identical sample:
         * refused before any model run). Costs one inspection pass per validation set, and the fitted detectors'
         * fit memory times their grid size (KNN excepted).
         */
        public Builder tuneOn(DataSource idValidation, DataSource oodValidation) {
            tuneId = Objects.requireNonNull(idValidation, "idValidation");
            tuneOod = Objects.requireNonNull(oodValidation, "oodValidation");
            return this;
        }

        /**
         * SPEC §5b: NAC-UE reads, besides the features h, the {@code depth} dense ReLU layers behind them (h =
         * Relu(dense(a_1)), a_1 = Relu(dense(a_2)), ...), its score the mean of the per-layer scores; default 0 (the
         * features alone). The audit refuses a depth that reaches a layer that is not Relu of a dense layer (a
         * convolution: {@code UNSUPPORTED}), naming it.
         */
        public Builder nacDepth(int depth) {
            nacDepth = depth;
            return this;
        }

        /** How passes report progress (e.g. a console bar); default: not at all. */
        public Builder progress(AuditProgress value) {
            progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /** The validated options. */
        public AuditOptions options() {
            return new AuditOptions(
                    model,
                    layers,
                    logitsOutput,
                    featureLayer,
                    head,
                    fit,
                    id,
                    ood,
                    batchSize,
                    session,
                    tau,
                    eps,
                    bins,
                    alpha,
                    parameters,
                    interactions,
                    fitStatistics,
                    nodeFitSamples,
                    nodeEvalSamples,
                    maskInput,
                    views,
                    memoryBudgetBytes,
                    patterns,
                    nonFinite,
                    tuneId,
                    tuneOod,
                    nacDepth);
        }

        /** Runs the audit; see {@link Audit#run(AuditOptions, AuditProgress)}. */
        public AuditResult run() throws IOException {
            return Audit.run(options(), progress);
        }
    }

    /** A {@link ProgressListener} factory: one listener per pass ("fit on ...", "inspect ..."). */
    static ProgressListener start(AuditProgress progress, String task, long total) {
        ProgressListener listener = progress.start(task, total);
        return listener == null ? ProgressListener.none() : listener;
    }
}
