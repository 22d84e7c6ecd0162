package dev.onnxinspect.guard;

import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.runtime.SessionConfig;
import java.util.List;

/**
 * How {@link OodGuard#fit} builds a guard. Made by {@link #builder()}; every value has a default.
 *
 * @param primaryDetector the detector whose threshold makes the yes/no decision; default {@value #DEFAULT_PRIMARY}.
 *                        Choice: energy (Liu et al.) needs no fitting, so its threshold is the only one that is not
 *                        optimistic when calibrated on the fit set, and it is a strong, cheap baseline. Choosing
 *                        "the best" detector would need OOD data, which a guard does not have
 * @param targetTpr       the fraction of in-distribution calibration samples that must be accepted, in (0, 1];
 *                        default 0.95 (SPEC §6 {@code fpr95_id}: t is the smallest score with at least
 *                        ceil(targetTpr * n) ID scores {@code <= t}; a sample is OOD when its score {@code > t})
 * @param calibration     a separate in-distribution set (labels not needed) on which the thresholds are chosen, or
 *                        {@code null} to calibrate on the fit set. Fit-set calibration is optimistic for the fitted
 *                        detectors (KNN, Mahalanobis, NAP, ...: the fit samples are their own neighbours), so their
 *                        false-alarm rate on new ID data will be higher than 1 - targetTpr
 * @param patternLayers   the layers the S1-pattern detectors (NAP, activation-profile KL, pattern distance) read;
 *                        empty (the default) means the features h (none when the model has none). Choice: one
 *                        layer keeps fitting and scoring cheap; name more layers to add them
 * @param detectors       the detector names the guard keeps (score columns), or empty (the default) for the whole
 *                        standard suite. Choice: every standard detector the model can feed is fitted either way;
 *                        the others are dropped before calibration, so they cost nothing when scoring
 * @param batchSize       samples per batch while fitting and calibrating; default (and 0) automatic
 *                        ({@link dev.onnxinspect.inspect.Inspection#autoBatchSize})
 * @param session         how ONNX Runtime runs the model; default {@link SessionConfig#defaults()} (CPU)
 * @param logitsOutput    the tensor holding the logits, or null (the default) to choose as the audit does: the output
 *                        of the dense head, else the only output that can hold logits
 *                        ({@link dev.onnxinspect.onnx.OnnxModel#classifierTensors})
 * @param featureLayer    the features h the feature detectors read, or null (the default) for the dense head's input
 * @param head            the dense head (its tensor or node) whose W, b the detectors read, reading
 *                        {@code featureLayer}; null (the default) to find it from the logits
 * @param nonFinite       what the fit and calibration passes do with a sample whose logits, features or pattern
 *                        layers hold NaN or an infinity; default {@link NonFinitePolicy#FAIL} (the detectors refuse
 *                        it); {@link NonFinitePolicy#SKIP} leaves it out of fitting and calibration, counted in
 *                        {@link OodGuard#skippedNonFinite()}
 */
public record GuardOptions(
        String primaryDetector,
        double targetTpr,
        DataSource calibration,
        List<String> patternLayers,
        List<String> detectors,
        int batchSize,
        SessionConfig session,
        String logitsOutput,
        String featureLayer,
        String head,
        NonFinitePolicy nonFinite) {
    public static final String DEFAULT_PRIMARY = "energy";

    public GuardOptions {
        if (primaryDetector == null || primaryDetector.isBlank()) {
            throw new GuardException("a guard needs a primary detector name, got '" + primaryDetector + "'");
        }
        if (!(targetTpr > 0 && targetTpr <= 1)) {
            throw new GuardException("target true-positive rate must lie in (0, 1], got " + targetTpr
                    + "; e.g. 0.95 accepts 95% of in-distribution samples");
        }
        if (batchSize < 0) {
            throw new GuardException("batch size must be at least 1 (or 0 for automatic), got " + batchSize);
        }
        if (nonFinite == null) {
            throw new GuardException("a guard needs a non-finite policy; the default is NonFinitePolicy.FAIL");
        }
        if (session == null) {
            throw new GuardException("a guard needs a session configuration; use SessionConfig.defaults()");
        }
        patternLayers = List.copyOf(patternLayers);
        detectors = List.copyOf(detectors);
        if (!detectors.isEmpty() && !detectors.contains(primaryDetector)) {
            throw new GuardException("the primary detector '" + primaryDetector + "' is not among the kept detectors "
                    + detectors + "; add it to detectors(...) or choose another primary");
        }
    }

    /** The defaults: energy, 95%, calibration on the fit set, the penultimate layer, every detector, CPU. */
    public static GuardOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link GuardOptions}; not thread-safe. */
    public static final class Builder {
        private String primaryDetector = DEFAULT_PRIMARY;
        private double targetTpr = 0.95;
        private DataSource calibration;
        private List<String> patternLayers = List.of();
        private List<String> detectors = List.of();
        private int batchSize;
        private SessionConfig session = SessionConfig.defaults();
        private String logitsOutput;
        private String featureLayer;
        private String head;
        private NonFinitePolicy nonFinite = NonFinitePolicy.FAIL;

        private Builder() {}

        public Builder primaryDetector(String name) {
            this.primaryDetector = name;
            return this;
        }

        public Builder targetTpr(double value) {
            this.targetTpr = value;
            return this;
        }

        /** A separate ID calibration set (recommended); without one the fit set is used. */
        public Builder calibration(DataSource source) {
            this.calibration = source;
            return this;
        }

        public Builder patternLayers(List<String> names) {
            this.patternLayers = List.copyOf(names);
            return this;
        }

        public Builder detectors(List<String> names) {
            this.detectors = List.copyOf(names);
            return this;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder session(SessionConfig config) {
            this.session = config;
            return this;
        }

        /** The tensor holding the logits; default: chosen automatically (see {@link GuardOptions}). */
        public Builder logitsOutput(String tensor) {
            this.logitsOutput = tensor;
            return this;
        }

        /** The features h the feature detectors read; default: the input of the dense head. */
        public Builder featureLayer(String tensor) {
            this.featureLayer = tensor;
            return this;
        }

        /** The dense head (tensor or node) whose W, b the detectors read; default: found from the logits. */
        public Builder head(String tensorOrNode) {
            this.head = tensorOrNode;
            return this;
        }

        /** What fitting and calibration do with samples of non-finite outputs; default FAIL (see the record). */
        public Builder nonFinite(NonFinitePolicy value) {
            this.nonFinite = value;
            return this;
        }

        /** @throws GuardException when a value is out of range */
        public GuardOptions build() {
            return new GuardOptions(
                    primaryDetector,
                    targetTpr,
                    calibration,
                    patternLayers,
                    detectors,
                    batchSize,
                    session,
                    logitsOutput,
                    featureLayer,
                    head,
                    nonFinite);
        }
    }
}
