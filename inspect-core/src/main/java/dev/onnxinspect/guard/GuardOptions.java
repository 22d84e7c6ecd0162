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
 * @param falseAlarmRate  the target false-alarm rate a in (0, 1), or 0 (the default) to decide by the
 *                        {@code targetTpr} threshold. With a: a sample is OOD when its conformal p-value (SPEC §6b,
 *                        {@link CalibrationScores}) is {@code <= a}, which accepts at least 1 - a of exchangeable ID
 *                        inputs; it needs calibration data held out from the fit set ({@code calibration} or
 *                        {@code calibrationHoldout}). The {@code targetTpr} thresholds are calibrated either way
 * @param calibration     a separate in-distribution set (labels not needed) on which the thresholds and p-values are
 *                        calibrated, or {@code null}: then the held-out share of the fit set when
 *                        {@code calibrationHoldout} is set, else the fit set itself. Fit-set calibration is optimistic
 *                        for the fitted detectors (KNN, Mahalanobis, NAP, ...: the fit samples are their own
 *                        neighbours), so their false-alarm rate on new ID data will be higher than 1 - targetTpr, and
 *                        their p-values carry no guarantee
 * @param calibrationHoldout m >= 2 to hold out every m-th fit sample (index i with i % m == m - 1, a share of 1/m)
 *                        for calibration when no {@code calibration} set is given; 0 (the default) for none. Choice:
 *                        the calibration set is given separately, or split from the fit set by index
 *                        ({@code HoldoutSource}: streamed, no first pass, and a set ordered by class still gives a
 *                        calibration share across all classes); giving both is refused
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
        double falseAlarmRate,
        DataSource calibration,
        int calibrationHoldout,
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
        if (falseAlarmRate != 0) {
            CalibrationScores.requireRate(falseAlarmRate);
        }
        if (calibrationHoldout < 0 || calibrationHoldout == 1) {
            throw new GuardException("the calibration hold-out takes every m-th fit sample with m >= 2 (or 0 for"
                    + " none), got " + calibrationHoldout + "; e.g. 10 holds out 10% of the fit set");
        }
        if (calibrationHoldout != 0 && calibration != null) {
            throw new GuardException("give either a calibration set or a calibration hold-out of the fit set, not"
                    + " both (hold-out every " + calibrationHoldout + ", calibration set " + calibration.name() + ")");
        }
        if (falseAlarmRate != 0 && calibration == null && calibrationHoldout == 0) {
            throw new GuardException("a target false-alarm rate (" + falseAlarmRate + ") needs calibration scores"
                    + " held out from the fit set (SPEC §6b): give a calibration set (--calibration) or hold out"
                    + " a share of the fit set (calibrationHoldout / --holdout-every, e.g. 10)");
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

    /** Whether verdicts are decided by p-value ({@link #falseAlarmRate} set) rather than the TPR threshold. */
    public boolean decidesByPValue() {
        return falseAlarmRate != 0;
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
        private double falseAlarmRate;
        private DataSource calibration;
        private int calibrationHoldout;
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

        /**
         * Decide by conformal p-value: a sample is OOD when p <= a (SPEC §6b); 0 (the default) decides by the
         * {@link #targetTpr} threshold.
         */
        public Builder falseAlarmRate(double a) {
            this.falseAlarmRate = a;
            return this;
        }

        /** Hold out every m-th fit sample (m >= 2) for calibration when no calibration set is given; 0 = none. */
        public Builder calibrationHoldout(int every) {
            this.calibrationHoldout = every;
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
                    falseAlarmRate,
                    calibration,
                    calibrationHoldout,
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
