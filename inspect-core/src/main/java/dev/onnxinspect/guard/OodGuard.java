package dev.onnxinspect.guard;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.OodException;
import dev.onnxinspect.ood.ProfileKlDetector;
import dev.onnxinspect.ood.ScoreColumns;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model with fitted OOD detectors and calibrated thresholds, ready to judge single inputs in an application: each
 * {@link #score} gives the prediction, its softmax confidence, every detector's score (SPEC §5) and conformal p-value
 * (SPEC §6b, {@link CalibrationScores}) and a yes/no OOD decision by the primary detector's threshold
 * ({@link Thresholds}, SPEC §6 {@code fpr95_id}) or, with {@link GuardOptions#falseAlarmRate()} a, by p <= a.
 *
 * <p>Lifecycle: {@link #fit} or {@link #load} opens the model in ONNX Runtime (instrumented to expose the logits of
 * the last dense layer, its input features h and the pattern layers); the guard owns that native session and
 * {@link #close()} releases it (idempotent; it waits for scores in progress; scoring afterwards fails). {@link #save}
 * writes the detectors and thresholds (not the model) to a directory that {@link #load} reads back for the same model
 * file, checked by SHA-256.
 *
 * <p>Threads: immutable after construction and safe to use from many threads at once: ONNX Runtime sessions allow
 * concurrent runs and the detectors are immutable. A verdict does not depend on which thread or how many threads
 * scored it. Scores of {@link #scoreBatch} may differ from {@link #score} of the same input in the last float32 bits
 * of the activations, because ONNX Runtime may use other kernels for other batch sizes.
 *
 * <p>Choice: the logits, the features and the dense head are chosen as in the audit
 * ({@link OnnxModel#classifierTensors}, names from {@link GuardOptions}): by default the logits are the output of the
 * model's dense head, also when a Softmax or Sigmoid follows it. The detectors the model cannot feed (those needing
 * W, b without a dense head; those needing h without features) are left out with a log line; the guard is refused
 * only when its primary detector (or a detector named in {@link GuardOptions#detectors()}) is among them, with the
 * reason. A binary classifier with one logit z is K = 2 with logits (0, z) (SPEC §5).
 */
public final class OodGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OodGuard.class);

    private final InferenceSession session;
    private final DetectorSuite suite;
    private final GuardLayout layout;
    private final Thresholds thresholds;
    private final CalibrationScores calibration;
    private final double falseAlarmRate;
    private final String primary;
    private final double primaryThreshold;
    private final String modelSha256;
    private final List<String> outputs;
    private final Map<String, Long> skippedNonFinite;

    private OodGuard(InferenceSession session, GuardFiles.Saved s, Map<String, Long> skippedNonFinite) {
        Thresholds thresholds = s.thresholds();
        DetectorSuite suite = s.suite();
        if (!thresholds.values().keySet().equals(new LinkedHashSet<>(suite.names()))) {
            throw new GuardException(
                    "thresholds for " + thresholds.values().keySet() + " do not match the detectors " + suite.names());
        }
        if (s.calibration() != null
                && !s.calibration().sorted().keySet().equals(thresholds.values().keySet())) {
            throw new GuardException("calibration scores for "
                    + s.calibration().sorted().keySet() + " do not match the detectors " + suite.names());
        }
        if (s.falseAlarmRate() != 0 && s.calibration() == null) {
            throw new GuardException("a guard deciding at a false-alarm rate needs its calibration scores");
        }
        this.session = session;
        this.suite = suite;
        this.layout = s.layout();
        this.thresholds = thresholds;
        this.calibration = s.calibration();
        this.falseAlarmRate = s.falseAlarmRate();
        this.primary = s.primary();
        this.modelSha256 = s.modelSha256();
        double t = knownDetector(primary, thresholds);
        this.primaryThreshold = falseAlarmRate == 0 ? t : calibration.threshold(primary, falseAlarmRate);
        this.outputs = layout.outputs();
        this.skippedNonFinite = Collections.unmodifiableMap(new LinkedHashMap<>(skippedNonFinite));
    }

    private static double knownDetector(String name, Thresholds thresholds) {
        if (!thresholds.values().containsKey(name)) {
            throw new GuardException("unknown detector '" + name + "'; choose the primary detector among "
                    + thresholds.values().keySet());
        }
        return thresholds.threshold(name);
    }

    /**
     * Fits the standard detector suite (those of {@link DetectorSuite#standard} the model can feed, see
     * {@link DetectorLayout#standardSuite}) on a labelled in-distribution set in one
     * streamed pass, then calibrates every detector's threshold on {@link GuardOptions#calibration()} (or, with a
     * warning, on the fit set) in a second pass. Memory: the calibration pass keeps every calibration score (n x
     * detectors doubles; a quantile needs them all); the fitted detectors keep what SPEC §5 needs (KNN and NAP
     * keep the fit samples' features and patterns, temperature scaling the fit logits). A detector the fit data cannot
     * define (e.g. KNN with fewer than k fit samples, SCALE on features with negative values) is left out with its
     * reason, logged, unless it is the primary or a kept detector: then the guard refuses, naming the reason (Choice:
     * as the audit does; before SPEC §5b the whole fit failed).
     *
     * @param modelPath the ONNX classifier (its file is hashed so that a saved guard can be tied to it)
     * @param fit       labelled ID samples; labels in [0, K)
     * @throws IOException    when the model cannot be read
     * @throws GuardException when the logits cannot be chosen, the primary (or a kept) detector cannot run on the
     *                        model (e.g. ViM without a dense head), the fit set is unlabelled, or a detector name
     *                        in the options is unknown; other {@link OnnxInspectException}s when the data does not
     *                        fit the model or cannot define a detector
     */
    public static OodGuard fit(Path modelPath, DataSource fit, GuardOptions options) throws IOException {
        if (!fit.labelled()) {
            throw new GuardException("fit set " + fit.name() + " is unlabelled; the class-conditional detectors"
                    + " (Mahalanobis, SHE, profiles) need true labels: fit on labelled in-distribution data");
        }
        OnnxModel model = OnnxModel.load(modelPath);
        String sha = Sha256.of(modelPath);
        ClassifierTensors tensors = GuardFitting.tensors(model, options);
        DataSource heldOut = null;
        if (options.calibrationHoldout() != 0) {
            heldOut = HoldoutSource.calibrationPart(fit, options.calibrationHoldout());
            fit = HoldoutSource.fitPart(fit, options.calibrationHoldout());
        }
        String features = tensors.features();
        List<String> patternLayers = !options.patternLayers().isEmpty()
                ? options.patternLayers()
                : features == null ? List.of() : List.of(features);
        List<String> outputs = new ArrayList<>(new LinkedHashSet<>(concat(tensors.logits(), features, patternLayers)));
        InferenceSession session = GuardFitting.open(model, outputs, options.session());
        try {
            DataSource fitSource = GuardFitting.fitted(session, fit, "fit set");
            GuardLayout layout = new GuardLayout(
                    tensors.logits(),
                    features,
                    patternLayers,
                    GuardFitting.inputs(session, fitSource),
                    DetectorLayout.classes(tensors.logits(), session.outputShape(tensors.logits())));
            List<String> skipped = new ArrayList<>();
            DetectorSuite.Builder builder = layout.detectors()
                    .standardSuite(
                            tensors.head(), tensors.headMissing(), 0.0, ProfileKlDetector.DEFAULT_ALPHA, skipped);
            skipped.forEach(why -> LOG.info("the guard leaves out {}", why));
            Map<String, Long> skippedSamples = new LinkedHashMap<>();
            long fitSkipped = GuardFitting.fit(session, builder, layout, fitSource, options);
            int planned = skipped.size();
            DetectorSuite fitted = builder.buildSkippingFailures(skipped);
            skipped.subList(planned, skipped.size()).forEach(why -> LOG.warn("the guard leaves out {}", why));
            DetectorSuite suite = GuardFitting.keep(fitted, options.detectors(), skipped);
            GuardFitting.knownName(options.primaryDetector(), suite, skipped);
            DataSource given = options.calibration() != null ? options.calibration() : heldOut;
            DataSource calibration = given != null ? GuardFitting.fitted(session, given, "calibration set") : fitSource;
            if (given == null) {
                LOG.warn(
                        "calibrating thresholds on the fit set {}: optimistic for fitted detectors (their fit samples"
                                + " are their own neighbours) and their p-values carry no guarantee; give"
                                + " GuardOptions.calibration a held-out ID set or set calibrationHoldout",
                        fit.name());
            }
            GuardFitting.Calibration scores =
                    GuardFitting.calibrationScores(session, suite, layout, calibration, options);
            Thresholds thresholds = Thresholds.calibrate(calibration.name(), scores.scores(), options.targetTpr());
            CalibrationScores conformal = CalibrationScores.of(calibration.name(), given != null, scores.scores());
            if (options.nonFinite() == NonFinitePolicy.SKIP) {
                skippedSamples.put(fit.name(), fitSkipped);
                skippedSamples.merge(calibration.name(), scores.skippedNonFinite(), Math::max);
            }
            LOG.info(
                    "fitted an OOD guard on {} with {} detectors; thresholds at {}% TPR on {} ({} samples)",
                    fit.name(),
                    suite.names().size(),
                    100 * options.targetTpr(),
                    calibration.name(),
                    thresholds.calibrationSamples());
            return new OodGuard(
                    session,
                    new GuardFiles.Saved(
                            sha,
                            layout,
                            options.primaryDetector(),
                            thresholds,
                            conformal,
                            options.falseAlarmRate(),
                            suite),
                    skippedSamples);
        } catch (RuntimeException e) {
            GuardFitting.closeAfterFailure(session, e);
            throw e;
        }
    }

    /**
     * Loads a guard saved by {@link #save} for the model file, on the CPU; see
     * {@link #load(Path, Path, SessionConfig)}.
     */
    public static OodGuard load(Path modelPath, Path dir) throws IOException {
        return load(modelPath, dir, SessionConfig.defaults());
    }

    /**
     * Loads a guard saved by {@link #save}, with the primary detector it was saved with.
     *
     * @throws GuardException when the directory holds no guard, a damaged one, or one fitted for another model (the
     *                        model file's SHA-256 differs)
     */
    public static OodGuard load(Path modelPath, Path dir, SessionConfig config) throws IOException {
        // the model first: its loader names a missing or unreadable file with the reason
        OnnxModel model = OnnxModel.load(modelPath);
        String sha = Sha256.of(modelPath);
        GuardFiles.Saved saved = GuardFiles.load(dir, sha, model.describe().inputs());
        InferenceSession session = GuardFitting.open(model, saved.layout(), config);
        try {
            return new OodGuard(session, saved, Map.of());
        } catch (RuntimeException e) {
            GuardFitting.closeAfterFailure(session, e);
            throw e;
        }
    }

    /**
     * Saves the detectors and thresholds (not the model) into {@code dir}, created if needed; every file is written
     * atomically. Load with {@link #load} and the same model file.
     */
    public void save(Path dir) throws IOException {
        GuardFiles.save(
                dir,
                new GuardFiles.Saved(modelSha256, layout, primary, thresholds, calibration, falseAlarmRate, suite));
    }

    /**
     * Judges one input sample of a model with one input.
     *
     * @param input one sample, row-major, of {@link #sampleSize()} floats (shape {@link #sampleShape()}); not kept
     * @throws GuardException when the model has several inputs, the input has the wrong length or holds NaN or
     *                        infinite values, or the model's logits or features for it are not finite
     */
    public Verdict score(float[] input) {
        if (input == null) {
            throw new GuardException("the input is null; expected " + layout.sampleSize() + " floats");
        }
        return scoreBatch(List.of(input)).get(0);
    }

    /**
     * Judges several input samples of a model with one input in one model run; the verdicts are in input order.
     *
     * @throws GuardException as {@link #score(float[])}, naming the input's index; for an empty list
     */
    public List<Verdict> scoreBatch(List<float[]> inputs) {
        if (inputs == null) {
            throw new GuardException(
                    "the list of inputs is null; give at least one sample of " + layout.sampleSize() + " floats");
        }
        int n = inputs.size();
        if (n == 0) {
            throw new GuardException(
                    "no input to score; give at least one sample of " + layout.sampleSize() + " floats");
        }
        int size = layout.sampleSize();
        float[] data = new float[n * size];
        for (int i = 0; i < n; i++) {
            float[] x = checked(inputs.get(i), i, n);
            System.arraycopy(x, 0, data, i * size, size);
        }
        return scoreBatch(new Batch(data, n, layout.sampleShape(), null));
    }

    /**
     * Judges one sample given by input name, for models of any number of inputs (e.g. {@code input_ids} and
     * {@code attention_mask} of a text model). Each value is either
     * <ul>
     * <li>a primitive array of the sample's values, row-major: {@code float[]}, {@code double[]}, {@code long[]},
     *     {@code int[]}, {@code short[]} (float16 bits for a FLOAT16 input, else int16) or {@code byte[]} (the
     *     input's type where it is INT8, UINT8 or BOOL, else int8). Its shape is the input's sample shape
     *     ({@link #inputs()}) with a free dimension (a sequence length) inferred from the array's length; with
     *     several free dimensions (an image of any size), the fit samples' shape; or</li>
     * <li>an {@link InputTensor} of batch size 1 with its full shape (its name is ignored).</li>
     * </ul>
     * Values are converted to the input's element type where no value changes (int32 to int64, float32 to
     * float64, ...); anything lossy is refused.
     *
     * @param inputs one value per model input, by name; not kept
     * @throws GuardException naming the input for a missing or unknown name, a value of an unusable type or length,
     *                        NaN or infinite values, or a lossy type
     */
    public Verdict score(Map<String, ?> inputs) {
        if (inputs == null) {
            throw new GuardException("the inputs are null; give one value per model input: " + describeInputs());
        }
        for (String name : inputs.keySet()) {
            if (!layout.names().contains(name)) {
                throw new GuardException("unknown input '" + name + "'; the model's inputs are " + describeInputs());
            }
        }
        List<InputTensor> tensors = new ArrayList<>();
        for (GuardInput in : layout.inputs()) {
            Object value = inputs.get(in.name());
            if (value == null) {
                throw new GuardException(
                        "input " + in.name() + " is missing; give one value per model input: " + describeInputs());
            }
            tensors.add(tensor(in, value));
        }
        return scoreBatch(new Batch(1, tensors, null)).get(0);
    }

    /**
     * Judges every sample of a batch in one model run, e.g. a batch of a {@link DataSource}: its tensors feed the
     * model's inputs by name (an unnamed tensor the only input), converted where no value changes; the verdicts are
     * in sample order. The batch's labels are ignored. A batch of several samples may give scores that differ from
     * {@link #score(Map)} of each sample in the last float32 bits (ONNX Runtime kernels for other batch sizes), and
     * padding a sequence to the batch's longest changes only what the model's own mask lets it change.
     *
     * @throws GuardException when the batch does not fit the model's inputs, or the model's logits or features for
     *                        it are not finite
     */
    public List<Verdict> scoreBatch(Batch batch) {
        return scoreBatch(batch, NonFinitePolicy.FAIL).verdicts();
    }

    /**
     * As {@link #scoreBatch(Batch)}; with {@link NonFinitePolicy#SKIP} a sample whose logits, features or pattern
     * layers hold NaN or an infinity gets no verdict (it is counted instead), and the others get exactly the verdicts
     * they get in a batch without it.
     *
     * @throws GuardException as {@link #scoreBatch(Batch)} (with FAIL, for non-finite outputs)
     */
    public ScoredBatch scoreBatch(Batch batch, NonFinitePolicy nonFinite) {
        int n = batch.size();
        Map<String, LayerActivations> out;
        try {
            out = session.run(batch, outputs);
        } catch (InferenceException e) {
            throw new GuardException(
                    e.kind(),
                    (n == 1 ? "the input" : "a batch of " + n + " inputs") + " cannot be" + " run: " + e.getMessage(),
                    e);
        }
        int[] scored = new int[n];
        int kept = 0;
        if (nonFinite == NonFinitePolicy.SKIP) {
            boolean[] finite = new boolean[n];
            int bad = NonFinitePolicy.markFinite(out.values(), n, finite);
            for (int i = 0; i < n; i++) {
                if (finite[i]) {
                    scored[kept++] = i;
                }
            }
            if (bad == n) {
                return new ScoredBatch(List.of(), new int[0], n);
            }
            if (bad > 0) {
                Map<String, LayerActivations> selected = new LinkedHashMap<>();
                out.forEach((name, a) -> selected.put(name, a.select(finite)));
                out = selected;
            }
        } else {
            for (int i = 0; i < n; i++) {
                scored[kept++] = i;
            }
        }
        return new ScoredBatch(verdicts(out, kept), Arrays.copyOf(scored, kept), n - kept);
    }

    private List<Verdict> verdicts(Map<String, LayerActivations> out, int n) {
        DetectorInput input;
        try {
            input = layout.detectorInput(out, n, null);
        } catch (OodException e) {
            throw new GuardException(
                    e.kind(),
                    "the model's outputs for " + (n == 1 ? "the input" : "a batch of " + n + " inputs")
                            + " cannot be scored: " + e.getMessage(),
                    e);
        }
        ScoreColumns scores = suite.score(input);
        List<String> names = suite.names();
        List<Verdict> verdicts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Double> row = new LinkedHashMap<>();
            Map<String, Double> pValues = new LinkedHashMap<>();
            for (String name : names) {
                double score = scores.score(name, i);
                row.put(name, score);
                if (calibration != null && !Double.isNaN(score)) {
                    pValues.put(name, calibration.pValue(name, score));
                }
            }
            if (pValues.size() != row.size()) {
                pValues.clear(); // a NaN score somewhere: no p-values rather than a partial set
            }
            double s = row.get(primary);
            boolean ood = falseAlarmRate == 0 ? s > primaryThreshold : calibration.flagged(primary, s, falseAlarmRate);
            verdicts.add(new Verdict(
                    input.predictedClass(i), confidence(input, i), row, pValues, primary, primaryThreshold, ood));
        }
        return List.copyOf(verdicts);
    }

    private InputTensor tensor(GuardInput in, Object value) {
        String which = "input " + in.name();
        if (value instanceof InputTensor t) {
            if (t.shape()[0] != 1) {
                throw new GuardException(which + " is a tensor of shape " + Arrays.toString(t.shape()) + "; give one"
                        + " sample: batch size 1 first");
            }
            requireFinite(t.data(), which);
            return new InputTensor(in.name(), t.type(), t.shape(), t.data());
        }
        ElementType type = arrayType(value, in.type());
        if (type == null) {
            throw new GuardException(which + " is a " + value.getClass().getSimpleName() + "; give a primitive array"
                    + " (float[], long[], ...) of its values or an InputTensor");
        }
        requireFinite(value, which);
        long[] sample = in.shapeOf(Array.getLength(value), which);
        long[] shape = new long[sample.length + 1];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return new InputTensor(in.name(), type, shape, value);
    }

    /** The element type of a primitive array for an input of type {@code wanted}, or null for another object. */
    private static ElementType arrayType(Object value, ElementType wanted) {
        if (value instanceof float[]) {
            return ElementType.FLOAT;
        } else if (value instanceof double[]) {
            return ElementType.DOUBLE;
        } else if (value instanceof long[]) {
            return ElementType.INT64;
        } else if (value instanceof int[]) {
            return ElementType.INT32;
        } else if (value instanceof short[]) {
            return wanted == ElementType.FLOAT16 ? ElementType.FLOAT16 : ElementType.INT16;
        } else if (value instanceof byte[]) {
            return wanted == ElementType.UINT8 || wanted == ElementType.BOOL ? wanted : ElementType.INT8;
        }
        return null;
    }

    private static void requireFinite(Object values, String which) {
        if (values instanceof float[] a) {
            for (int j = 0; j < a.length; j++) {
                if (!Float.isFinite(a[j])) {
                    throw notFinite(j, which, a[j]);
                }
            }
        } else if (values instanceof double[] a) {
            for (int j = 0; j < a.length; j++) {
                if (!Double.isFinite(a[j])) {
                    throw notFinite(j, which, a[j]);
                }
            }
        }
    }

    private static GuardException notFinite(int j, String which, double value) {
        return new GuardException("value " + j + " of " + which + " is " + value + "; the model needs finite"
                + " numbers: clean or reject that input before scoring");
    }

    private String describeInputs() {
        return layout.inputs().stream().map(GuardInput::describe).toList().toString();
    }

    private float[] checked(float[] x, int index, int n) {
        String which = n == 1 ? "the input" : "input " + index;
        if (x == null) {
            throw new GuardException(which + " is null; expected " + layout.sampleSize() + " floats");
        }
        if (x.length != layout.sampleSize()) {
            throw new GuardException(which + " has " + x.length + " values, expected " + layout.sampleSize()
                    + " (one sample of shape " + Arrays.toString(layout.sampleShape()) + ", row-major); reshape or"
                    + " resize it to the model's input");
        }
        requireFinite(x, which);
        return x;
    }

    private static List<String> concat(String logits, String features, List<String> patternLayers) {
        List<String> all = new ArrayList<>();
        all.add(logits);
        if (features != null) {
            all.add(features);
        }
        all.addAll(patternLayers);
        return all;
    }

    /** max_c softmax(z)_c = 1 / sum_c exp(z_c - max z), in float64. */
    private static double confidence(DetectorInput input, int i) {
        int k = input.classes();
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, input.logit(i, c));
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(input.logit(i, c) - max);
        }
        return 1 / sum;
    }

    /**
     * Per set of the fit ({@link GuardOptions#nonFinite} SKIP: the fit set, then the calibration set when it is
     * another), the samples left out because the model's outputs held NaN or an infinity; empty for a guard
     * fitted with FAIL or loaded from files (the counts are not saved).
     */
    public Map<String, Long> skippedNonFinite() {
        return skippedNonFinite;
    }

    /** The detector names (score columns), in order. */
    public List<String> detectorNames() {
        return suite.names();
    }

    /** The fitted detectors. */
    public DetectorSuite detectors() {
        return suite;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public String primaryDetector() {
        return primary;
    }

    /**
     * The calibration scores behind the p-values (SPEC §6b), or null for a guard saved before they were kept (file
     * format 1 or 2; its verdicts carry no p-values).
     */
    public CalibrationScores calibration() {
        return calibration;
    }

    /** The target false-alarm rate a the verdicts are decided at (p <= a), or 0 when they use {@link #thresholds}. */
    public double falseAlarmRate() {
        return falseAlarmRate;
    }

    /** The primary detector's score threshold the verdicts use: a sample is OOD when its score is above it. */
    public double threshold() {
        return primaryThreshold;
    }

    /**
     * The shape of one input sample of a single-input model, as the fit samples had it, e.g. {@code [1, 28, 28]}.
     *
     * @throws GuardException for a model of several inputs or fit samples of varying shape (see {@link #inputs()})
     */
    public int[] sampleShape() {
        return layout.sampleShape();
    }

    /** Floats per input sample of a single-input model ({@link #sampleShape()}). */
    public int sampleSize() {
        return layout.sampleSize();
    }

    /** The model's inputs: names, element types, sample shapes (-1 where free) and the fit samples' shapes. */
    public List<GuardInput> inputs() {
        return layout.inputs();
    }

    /** K, the number of classes. */
    public int classes() {
        return layout.classes();
    }

    /** The SHA-256 of the model file this guard belongs to (lower-case hex). */
    public String modelSha256() {
        return modelSha256;
    }

    /** The tensors read: logits, penultimate features, pattern layers. */
    public List<String> outputs() {
        return outputs;
    }

    /** Releases the native session; waits for scores in progress. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "OodGuard[" + layout + ", primary " + primary + " > " + primaryThreshold + ", "
                + suite.names().size() + " detectors]";
    }
}
