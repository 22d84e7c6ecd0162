package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.arrow.Compression;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.runtime.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * What an audit inspects: one model, an in-distribution (ID) set, zero or more out-of-distribution (OOD) sets, and
 * an optional labelled ID fit set for the detectors that are fitted (SPEC §5: never the evaluation set).
 *
 * @param model        the ONNX model file (instrumented or not: missing layers are exposed through onnx-io)
 * @param layers       the layers (tensor names) to inspect; empty = every graph output but the logits, and, if the
 *                     model exposes none, every {@code Relu} output
 * @param logitsOutput the output holding the logits; null = the model's first output
 * @param fit          the labelled ID fit set, or null to run only the detectors that need no fitting
 * @param id           the ID evaluation set (the first dataset); classes from its labels, or from the
 *                     predictions when it has none (then no OOD metrics are computed)
 * @param ood          the OOD sets; classes from the model's prediction (their labels, if any, belong to another
 *                     label space)
 * @param batchSize    samples per ONNX Runtime call; 0 (the default): automatic ({@code Inspection.autoBatchSize})
 * @param session      device and threads
 * @param tau          S1 threshold (SPEC §1)
 * @param eps          S2 ratio (SPEC §1)
 * @param bins         histogram bins (SPEC §2)
 * @param alpha        KL smoothing (SPEC §4)
 * @param outDir       where the Arrow tables, the manifest and the report go
 * @param compression  Arrow body compression
 * @param parameters   extra run parameters recorded in the manifest, table metadata and report (e.g. training)
 * @param interactions whether to count the SPEC §3 interactions of the dense layers whose input is inspected
 * @param nodeFitSamples  SPEC §8 node classifiers are fitted on the first this many fit samples (0 = off;
 *                        default {@link Integer#MAX_VALUE} = the whole fit set, as SPEC §8 defines them)
 * @param nodeEvalSamples and evaluated on the first this many ID samples (default: the whole ID set); the counts
 *                        actually used are recorded in the run parameters
 */
public record AuditOptions(Path model, List<String> layers, String logitsOutput, DataSource fit, DataSource id,
                           List<DataSource> ood, int batchSize, SessionConfig session, double tau, double eps,
                           int bins, double alpha, Path outDir, Compression compression,
                           Map<String, String> parameters, boolean interactions, int nodeFitSamples,
                           int nodeEvalSamples) {
    public AuditOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(outDir, "outDir");
        layers = List.copyOf(layers);
        ood = List.copyOf(ood);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be positive (or 0 for automatic), got " + batchSize);
        }
        if (nodeFitSamples < 0 || nodeEvalSamples < 0) {
            throw new IllegalArgumentException("node classifier sample counts must be >= 0, got " + nodeFitSamples
                    + " and " + nodeEvalSamples);
        }
        if (fit != null && !fit.labelled()) {
            throw new IllegalArgumentException("the fit set " + fit.name() + " has no labels; detectors are fitted on"
                    + " a labelled ID set");
        }
    }

    public static Builder builder(Path model, DataSource id, Path outDir) {
        return new Builder(model, id, outDir);
    }

    /** Builder with SPEC defaults: tau 0, eps 1000, 100 bins, alpha 1e-6, batch 256, CPU defaults. */
    public static final class Builder {
        private final Path model;
        private final DataSource id;
        private final Path outDir;
        private List<String> layers = List.of();
        private String logitsOutput;
        private DataSource fit;
        private final List<DataSource> ood = new ArrayList<>();
        private int batchSize;
        private SessionConfig session = SessionConfig.defaults();
        private double tau = 0;
        private double eps = 1000;
        private int bins = 100;
        private double alpha = 1e-6;
        private Compression compression = Compression.NONE;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private boolean interactions = true;
        private int nodeFitSamples = Integer.MAX_VALUE;
        private int nodeEvalSamples = Integer.MAX_VALUE;

        private Builder(Path model, DataSource id, Path outDir) {
            this.model = model;
            this.id = id;
            this.outDir = outDir;
        }

        public Builder layers(List<String> value) {
            layers = value;
            return this;
        }

        public Builder logitsOutput(String value) {
            logitsOutput = value;
            return this;
        }

        public Builder fit(DataSource value) {
            fit = value;
            return this;
        }

        public Builder ood(DataSource value) {
            ood.add(value);
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder session(SessionConfig value) {
            session = value;
            return this;
        }

        public Builder tau(double value) {
            tau = value;
            return this;
        }

        public Builder eps(double value) {
            eps = value;
            return this;
        }

        public Builder bins(int value) {
            bins = value;
            return this;
        }

        public Builder alpha(double value) {
            alpha = value;
            return this;
        }

        public Builder compression(Compression value) {
            compression = value;
            return this;
        }

        public Builder parameter(String key, String value) {
            parameters.put(key, value);
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        public Builder interactions(boolean value) {
            interactions = value;
            return this;
        }

        /** SPEC §8 sample counts: fit on the first {@code fitSamples} of the fit set, evaluate on the ID set. */
        public Builder nodeClassifiers(int fitSamples, int evalSamples) {
            nodeFitSamples = fitSamples;
            nodeEvalSamples = evalSamples;
            return this;
        }

        public AuditOptions build() {
            return new AuditOptions(model, layers, logitsOutput, fit, id, ood, batchSize, session, tau, eps, bins,
                    alpha, outDir, compression, parameters, interactions, nodeFitSamples, nodeEvalSamples);
        }
    }
}
