package dev.onnxinspect.audit;

import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.ProgressListener;
import dev.onnxinspect.runtime.SessionConfig;
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
 * <p>Memory: the layer statistics are bounded by layers x classes x units (the SPEC §3 interaction counters are
 * left out, with the reason recorded, where they exceed their memory limit); the per-sample scores grow with the
 * samples (the metrics need all of them), as do the S1 patterns of SPEC §7 and the node classifiers' fit values
 * (SPEC §8 needs every fit activation).
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
     * progress reporting.
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
        private AuditProgress progress = AuditProgress.NONE;

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
                    nodeEvalSamples);
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
