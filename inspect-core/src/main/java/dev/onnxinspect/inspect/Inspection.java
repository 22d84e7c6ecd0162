package dev.onnxinspect.inspect;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetRules;
import dev.onnxinspect.runtime.Device;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.ModelInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming pass of a model over a data source: every batch is run through ONNX Runtime and handed, with the
 * requested layers' activations, the logits and each sample's class, to the hooks (SPEC §2: the class is the true
 * label where labels exist, else the predicted class).
 *
 * <p>ONNX Runtime computes batch n+1 on a producer thread (which also iterates the data source) while the hooks
 * process batch n on the calling thread;
 * memory stays bounded (at most four batches alive). By default ONNX Runtime writes the outputs into reused native
 * memory ({@link Builder#reuseOutputMemory}): the activations a hook receives are valid during its call only.
 * Exceptions from either side stop both and are rethrown by
 * {@link #run}: a hook's exception unchanged, a data or model failure as an {@link InspectionException} whose cause
 * is the original.
 *
 * <p>Inputs: the source's inputs ({@link DataSource#inputs()}: one or several named tensors of any element type)
 * are checked against the model's when the inspection is built ({@link InferenceSession#checkInputs}), so that a
 * data/model mismatch fails before any work; the batches reach the hooks unchanged, so a hook reads any input (e.g.
 * an attention mask) with {@code view.batch().input(name)}.
 *
 * <p>Made by {@link #builder}; {@link #run} may be called more than once (each call is a new pass). Does not own
 * or close the session or the data source.
 *
 * <p>Choice: with {@link ClassSource#LABEL} every label must lie in [0, K), K the logits per sample (K = 2 for a
 * binary classifier with one logit, SPEC §5), else the run
 * stops naming the sample; with {@link ClassSource#PREDICTED} labels are passed through unchecked (an OOD set may
 * use another label space) and a sample whose logits contain NaN stops the run (its class is undefined). NaN or
 * infinite activations are not checked here by default (the statistics count them, the detectors refuse them);
 * {@link Builder#nonFinite} with {@link NonFinitePolicy#SKIP} leaves such samples out of every hook. An empty source
 * is refused by {@link DatasetRules}, unless it is one part of a larger dataset ({@link Builder#part}). A logits output whose shape the model
 * does not declare is checked on the first batch.
 */
public final class Inspection {
    /** The largest automatic batch size. */
    public static final int MAX_AUTO_BATCH = 256;
    /** The smallest automatic batch size. */
    public static final int MIN_AUTO_BATCH = 8;
    /** The activation bytes one automatic batch aims at (at most), so that a batch's outputs stay in the caches. */
    public static final long AUTO_BATCH_BYTES = 2L << 20;
    /**
     * The output bytes per batch the automatic batch size aims at for a session that hands outputs over in blocked
     * channel layout ({@link dev.onnxinspect.runtime.InferenceSession#channelBlocks()}).
     */
    public static final long AUTO_BATCH_BYTES_BLOCKED = 8L << 20;
    /** The size an automatic batch assumes for an output dimension the model leaves free (see autoBatchSize). */
    public static final int AUTO_BATCH_FREE_DIM = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Inspection.class);
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;
    private static final long LOGGED_SKIPS = 5;

    private final InferenceSession session;
    private final DataSource source;
    private final String logitsOutput;
    private final List<String> layers;
    private final int batchSize;
    private final ClassSource classSource;
    private final ProgressListener progress;
    private final boolean reuseOutputMemory;
    private final int numClasses;
    private final NonFinitePolicy nonFinite;
    private final boolean part;

    private Inspection(Builder b) {
        this.session = b.session;
        this.source = b.source;
        this.logitsOutput = b.logitsOutput != null ? b.logitsOutput : firstOutput(b.session);
        this.layers = List.copyOf(new LinkedHashSet<>(b.layers));
        this.batchSize = b.batchSize > 0 || b.batchSize < 0
                ? b.batchSize
                : autoBatchSize(b.session, concat(logitsOutput, layers));
        this.classSource =
                b.classSource != null ? b.classSource : b.source.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
        this.progress = b.progress;
        this.reuseOutputMemory = b.reuseOutputMemory;
        this.nonFinite = b.nonFinite;
        this.part = b.part;
        this.numClasses = validate();
    }

    /** Starts a builder; the session and the data source are required, everything else has a default. */
    public static Builder builder(InferenceSession session, DataSource source) {
        return new Builder(session, source);
    }

    private static String firstOutput(InferenceSession session) {
        List<String> outputs = session.outputNames();
        if (outputs.isEmpty()) {
            throw new InspectionException("the model has no tensor output to use as logits");
        }
        return outputs.get(0);
    }

    /**
     * The automatic batch size for running these outputs: the largest power of two whose outputs take at most
     * {@link #AUTO_BATCH_BYTES} (2 MiB; 8 MiB with blocked channel outputs), within [{@value #MIN_AUTO_BATCH}, {@value #MAX_AUTO_BATCH}];
     * {@value #MAX_AUTO_BATCH} when the model runs on CUDA (the rule is about CPU caches; a GPU wants large
     * batches); the model's own batch size when an input fixes one.
     * <p>Choice (measured, see the README's benchmark): a batch whose outputs fit in the caches lets the
     * statistics read what ONNX Runtime has just written while it is still there. For the LeNet-like CNN (88 KB of
     * activations per sample: batch 16) the inspection ran at 0.76-0.85 of plain inference at batch 16 and
     * 0.71-0.72 at batch 64-256; an MLP (1.5 KB per sample) keeps 256. The statistics never depend on the batch
     * size (ONNX Runtime's own outputs may differ in the last bits between batch sizes, as its kernels may sum in
     * another order).
     * <p>Choice (measured the same way, 2026-12-08): a session with blocked channel outputs aims at
     * {@link #AUTO_BATCH_BYTES_BLOCKED} (8 MiB) instead. Without the reorders, a small batch's fixed costs (the hand-off
     * to the statistics thread, the run's set-up) dominate: the LeNet-like CNN ran at 0.81-0.86 of plain inference at
     * batch 16, 0.86-0.90 at 32, 0.91-0.94 at 64, 0.93 at 128 and 0.84 at 256, and its inspection was fastest at
     * 64-128 (samples/s).
     * <p>Choice: an output dimension after the batch dimension that the model leaves symbolic (a sequence length, a
     * free image size) counts as {@value #AUTO_BATCH_FREE_DIM}, and an output of undeclared shape as
     * {@value #AUTO_BATCH_FREE_DIM} values per sample: sizes of the order of a short text's tokens or a feature
     * map's side, so that e.g. a text model's {@code [N, T, 768]} layers get batches of 8 instead of 256 whatever T
     * is. The rule sizes batches only (memory, speed), never a result.
     *
     * @throws dev.onnxinspect.runtime.InferenceException for an unknown output name
     */
    public static int autoBatchSize(InferenceSession session, List<String> outputs) {
        for (ModelInput input : session.inputs()) {
            long fixed = input.rank() > 0 ? input.shape()[0] : -1;
            if (fixed > 0 && fixed <= Integer.MAX_VALUE) {
                return (int) fixed;
            }
        }
        if (session.device() == Device.CUDA) {
            return MAX_AUTO_BATCH;
        }
        long bytes = 0;
        for (String name : new LinkedHashSet<>(outputs)) {
            long[] shape = session.outputShape(name);
            long units = shape.length == 0 ? AUTO_BATCH_FREE_DIM : 1;
            for (int d = 1; d < shape.length; d++) {
                units *= shape[d] < 0 ? AUTO_BATCH_FREE_DIM : shape[d];
            }
            bytes += units * Float.BYTES;
        }
        long budget = session.channelBlocks().isEmpty() ? AUTO_BATCH_BYTES : AUTO_BATCH_BYTES_BLOCKED;
        int batch = MAX_AUTO_BATCH;
        while (batch > MIN_AUTO_BATCH && batch * bytes > budget) {
            batch /= 2;
        }
        return batch;
    }

    /** Checks everything that can be checked before the first batch; returns K. */
    private int validate() {
        if (batchSize < 1) {
            throw new InspectionException("batch size must be at least 1 (or 0 for automatic), got " + batchSize);
        }
        DatasetRules.requireSamples(source);
        if (classSource == ClassSource.LABEL && !source.labelled()) {
            throw new InspectionException("class source LABEL needs labels, but data source " + source.name()
                    + " is unlabelled; use ClassSource.PREDICTED");
        }
        for (String layer : layers) {
            session.outputShape(layer);
        }
        long[] logitsShape = session.outputShape(logitsOutput);
        session.checkInputs(source.inputs());
        // an output without a declared shape (rank 0 here) is checked on the first batch instead
        if (logitsShape.length > 2 || (logitsShape.length == 2 && logitsShape[1] == 0)) {
            throw new InspectionException("logits output " + logitsOutput + " has shape "
                    + Arrays.toString(logitsShape) + "; expected [batch, K] with K >= 1 classes, or [batch] for"
                    + " a binary classifier with one logit");
        }
        if (logitsShape.length == 1) {
            return 2;
        }
        return logitsShape.length == 2 && logitsShape[1] > 0 ? classes((int) logitsShape[1]) : -1;
    }

    /** K of {@code units} logits per sample; one logit z is a binary classifier: K = 2, logits (0, z) (SPEC §5). */
    private static int classes(int units) {
        return units == 1 ? 2 : units;
    }

    /**
     * Streams the data source through the model and the hooks.
     *
     * @return what was inspected
     * @throws InspectionException for an empty source, a label outside [0, K), NaN logits when classes are
     *                             predicted, or a failure reading data or running the model (cause = original)
     */
    public InspectionSummary run(InspectionHook... hooks) {
        return run(List.of(hooks));
    }

    /** As {@link #run(InspectionHook...)}. */
    public InspectionSummary run(List<InspectionHook> hooks) {
        List<InspectionHook> all = List.copyOf(hooks);
        List<String> outputs = new ArrayList<>(new LinkedHashSet<>(concat(logitsOutput, layers)));
        long total = source.size();
        long start = System.nanoTime();
        long lastLog = start;
        long samples = 0;
        long read = 0;
        long skipped = 0;
        int batches = 0;
        long[] classCounts = null;
        boolean[] finite = new boolean[0];
        try (InspectionRunner runner = InspectionRunner.start(session, source, batchSize, outputs, reuseOutputMemory)) {
            InspectionRunner.Computed computed;
            while ((computed = runner.next()) != null) {
                int n = computed.batch().size();
                int bad = 0;
                try {
                    if (nonFinite == NonFinitePolicy.SKIP) {
                        if (finite.length < n) {
                            finite = new boolean[n];
                        }
                        bad = NonFinitePolicy.markFinite(computed.outputs().values(), n, finite);
                        if (bad > 0) {
                            logSkipped(computed, finite, skipped);
                        }
                    }
                    if (bad < n) {
                        BatchView view = view(computed, bad > 0 ? finite : null, samples);
                        if (classCounts == null) {
                            classCounts = new long[view.numClasses()];
                        }
                        for (int c : view.classes()) {
                            classCounts[c]++;
                        }
                        for (InspectionHook hook : all) {
                            hook.onBatch(view);
                        }
                        batches++;
                    }
                } finally {
                    runner.recycle(computed);
                }
                samples += n - bad;
                skipped += bad;
                read += n;
                progress.onProgress(read, total);
                long now = System.nanoTime();
                if (now - lastLog >= LOG_EVERY_NANOS && (progress == ProgressListener.NONE || LOG.isDebugEnabled())) {
                    lastLog = now;
                    // one progress display per pass: the caller's listener, or (when there is none) this line
                    logProgress(
                            progress == ProgressListener.NONE,
                            "inspecting {}: {} samples{}, {} samples/s",
                            source.name(),
                            samples,
                            total > 0 ? String.format(" of %d (%.0f%%)", total, 100.0 * samples / total) : "",
                            Math.round(samples / ((now - start) / 1e9)));
                }
            }
        }
        if (skipped > 0) {
            LOG.warn(
                    "{}: skipped {} of {} samples with NaN or infinite activations (non-finite policy SKIP)",
                    source.name(),
                    skipped,
                    read);
        }
        if (part && samples == 0) {
            // one part of a larger dataset: no (finite) sample is a defined partial; the caller checks the whole
            return new InspectionSummary(
                    source.name(),
                    0,
                    skipped,
                    batches,
                    classSource,
                    new long[Math.max(0, numClasses)],
                    session.device(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
        if (samples == 0 && skipped > 0) {
            throw new InspectionException("all " + skipped + " samples of " + source.name() + " have NaN or infinite"
                    + " activations and were skipped; an inspection needs at least one finite sample: check the"
                    + " data and the model");
        }
        DatasetRules.requireSamplesRead(source.name(), samples);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug(
                "inspected {} samples of {} in {} batches in {} ms",
                samples,
                source.name(),
                batches,
                elapsed.toMillis());
        return new InspectionSummary(
                source.name(), samples, skipped, batches, classSource, classCounts, session.device(), elapsed);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** Logs the source indices of the first skipped samples (at most {@value #LOGGED_SKIPS} per pass). */
    private void logSkipped(InspectionRunner.Computed computed, boolean[] finite, long skippedBefore) {
        long logged = skippedBefore;
        for (int i = 0; i < computed.batch().size() && logged < LOGGED_SKIPS; i++) {
            if (!finite[i]) {
                int sample = i;
                String where = computed.outputs().entrySet().stream()
                        .filter(e -> !NonFinitePolicy.rowFinite(e.getValue(), sample))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElse("?");
                LOG.warn(
                        "{}: skipping sample {}: output {} has a NaN or infinite value",
                        source.name(),
                        computed.firstSample() + i,
                        where);
                logged++;
            }
        }
    }

    /**
     * The hooks' view of a computed batch: all its samples (keep null), or those marked in keep, copied (the
     * samples with non-finite outputs left out). {@code first} is the index of the view's first sample among the
     * samples kept so far.
     */
    private BatchView view(InspectionRunner.Computed computed, boolean[] keep, long first) {
        Batch batch = keep == null ? computed.batch() : computed.batch().select(keep);
        LayerActivations logits = select(computed.outputs().get(logitsOutput), keep);
        if (logits.unitShape().length > 1 || logits.units() < 1) {
            throw new InspectionException("logits output " + logitsOutput + " gives each sample the shape "
                    + Arrays.toString(logits.unitShape()) + "; expected [K] with K >= 1 classes");
        }
        int k = classes(logits.units());
        if (numClasses > 0 && k != numClasses) {
            throw new InspectionException("logits output " + logitsOutput + " has " + logits.units() + " values per"
                    + " sample (K = " + k + "), but the model declares K = " + numClasses);
        }
        int[] classes = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            long index = first + i;
            if (classSource == ClassSource.LABEL) {
                int label = batch.labels()[i];
                if (label < 0 || label >= k) {
                    throw new InspectionException("sample " + index + " of " + source.name() + " has label " + label
                            + ", but the model has K = " + k + " classes (logits output " + logitsOutput
                            + "); labels must lie in [0, " + k + ")");
                }
                classes[i] = label;
            } else {
                classes[i] = BatchView.predictedClass(logits, i, first);
            }
        }
        Map<String, LayerActivations> layerActivations = new LinkedHashMap<>();
        for (String layer : layers) {
            layerActivations.put(layer, select(computed.outputs().get(layer), keep));
        }
        return new BatchView(batch, first, classes, classSource, layerActivations, logits, k);
    }

    private static LayerActivations select(LayerActivations a, boolean[] keep) {
        return keep == null ? a : a.select(keep);
    }

    public String logitsOutput() {
        return logitsOutput;
    }

    public List<String> layers() {
        return layers;
    }

    public int batchSize() {
        return batchSize;
    }

    public ClassSource classSource() {
        return classSource;
    }

    private static void logProgress(boolean info, String format, Object... args) {
        if (info) {
            LOG.info(format, args);
        } else {
            LOG.debug(format, args);
        }
    }
    /** Builds an {@link Inspection}; {@link #build()} checks the configuration against the model and the data. */
    public static final class Builder {
        private final InferenceSession session;
        private final DataSource source;
        private String logitsOutput;
        private List<String> layers = List.of();
        private int batchSize;
        private ClassSource classSource;
        private ProgressListener progress = ProgressListener.none();
        private boolean reuseOutputMemory = true;
        private NonFinitePolicy nonFinite = NonFinitePolicy.FAIL;
        private boolean part;

        private Builder(InferenceSession session, DataSource source) {
            if (session == null || source == null) {
                throw new InspectionException("an inspection needs a session and a data source, got session " + session
                        + ", source " + source);
            }
            this.session = session;
            this.source = source;
        }

        /** The output holding the logits; default: the model's first output. */
        public Builder logitsOutput(String name) {
            this.logitsOutput = name;
            return this;
        }

        /** The layers (graph outputs) whose activations the hooks receive; default: none. */
        public Builder layers(List<String> names) {
            this.layers = List.copyOf(names);
            return this;
        }

        /**
         * Samples per batch; default (and 0): automatic, see {@link #autoBatchSize}. The statistics never depend
         * on it; throughput does.
         */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /** Where classes come from; default: LABEL when the source is labelled, else PREDICTED. */
        public Builder classSource(ClassSource value) {
            this.classSource = value;
            return this;
        }

        /**
         * Told after every batch; default: nothing. Without a listener the inspection logs its progress at INFO at
         * most every five seconds; with one (which displays it) only at DEBUG, so that a console shows one progress
         * display per pass.
         */
        public Builder progress(ProgressListener listener) {
            this.progress = listener == null ? ProgressListener.none() : listener;
            return this;
        }

        /**
         * Whether ONNX Runtime writes the outputs into native memory that is reused batch after batch (default
         * true: no allocation and no copy per batch; the fastest). The activations a hook receives are then valid
         * only while the hook runs: a hook that keeps them must call {@link LayerActivations#values()} or
         * {@link LayerActivations#copy()} inside the call (a later read otherwise fails loudly). With false, every
         * batch's outputs are copied into new Java arrays that hooks may keep.
         */
        public Builder reuseOutputMemory(boolean value) {
            this.reuseOutputMemory = value;
            return this;
        }

        /**
         * What to do with a sample whose logits or inspected layers contain NaN or an infinity; default
         * {@link NonFinitePolicy#FAIL}. With {@link NonFinitePolicy#SKIP} no hook sees such a sample, and the
         * summary counts it ({@link InspectionSummary#skippedNonFinite()}).
         */
        public Builder nonFinite(NonFinitePolicy value) {
            this.nonFinite = Objects.requireNonNull(value, "nonFinite");
            return this;
        }

        /**
         * Whether the source is one part of a larger dataset (e.g. a Spark partition); default false. A part that
         * yields no sample to the hooks (no rows, or every sample skipped as non-finite) then gives a summary of 0
         * samples (its skipped samples counted, K zero class counts, or none when K is not yet known) instead of the
         * refusal of an empty or all-non-finite dataset: the caller merges the parts and refuses the whole.
         */
        public Builder part(boolean value) {
            this.part = value;
            return this;
        }

        /**
         * @throws InspectionException or {@link dev.onnxinspect.runtime.InferenceException} when the configuration
         *                             does not fit the model or the data (unknown outputs, inputs unfed or of the
         *                             wrong type or shape, no labels, empty source, batch size)
         */
        public Inspection build() {
            return new Inspection(this);
        }
    }
}
