package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.inspect.ProgressListener;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.ood.AshDetector;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.EnergyDetector;
import dev.onnxinspect.ood.GradNormDetector;
import dev.onnxinspect.ood.MaxLogitDetector;
import dev.onnxinspect.ood.MaxSoftmaxDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.ClassProfiles;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.KlDivergence;
import dev.onnxinspect.stats.KlMatrix;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.Significance;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit of one ONNX model: fits the OOD detectors on a labelled ID fit set, then inspects the ID set and every
 * OOD set in one streamed pass each (layer statistics of SPEC §1-2, §7 and detector scores of SPEC §5), and
 * derives the metrics of SPEC §6 and the class-wise KL matrices of SPEC §4. Memory: the layer statistics are
 * bounded by layers x classes x neurons; the per-sample scores (needed by the metrics) grow with the samples.
 * <p>Classes (SPEC §2): the true label wherever a dataset has labels (OOD sets included, even when their labels
 * belong to another label space, e.g. digits against clothing classes), else the model's prediction.
 */
public final class AuditPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);

    private AuditPipeline() {
    }

    /**
     * Runs the audit.
     *
     * @param progress makes a progress listener for a named pass of a given size (e.g. a console bar)
     * @throws IOException when the model cannot be read
     */
    public static AuditResult run(AuditOptions o, BiFunction<String, Long, ProgressListener> progress)
            throws IOException {
        OnnxModel model = OnnxModel.load(o.model());
        String sha = sha256(o.model());
        List<ValueInfo> outputs = model.describe().outputs();
        String logits = o.logitsOutput() != null ? o.logitsOutput() : outputs.get(0).name();

        List<String> layers = new ArrayList<>(o.layers());
        if (layers.isEmpty()) {
            outputs.stream().map(ValueInfo::name).filter(n -> !n.equals(logits)).forEach(layers::add);
        }
        List<TensorSelector> selectors = new ArrayList<>();
        layers.forEach(l -> selectors.add(TensorSelector.name(l)));
        if (layers.isEmpty()) {
            LOG.info("the model exposes no hidden layer; inspecting every Relu output");
            selectors.add(TensorSelector.opType("Relu"));
        }
        DenseLayer last = lastDenseLayer(model);
        String feature = last == null ? null : last.inputName();
        if (feature != null && model.describe().inputs().stream().anyMatch(v -> v.name().equals(feature))) {
            LOG.info("the last dense layer reads the model input directly; feature-based detectors are skipped");
            last = null;
        }
        String featureLayer = last == null ? null : feature;
        if (featureLayer != null) {
            selectors.add(TensorSelector.name(featureLayer));
        }
        InstrumentedModel instrumented = model.instrument(selectors);
        if (layers.isEmpty()) {
            layers.addAll(instrumented.selected());
        }
        List<String> needed = new ArrayList<>(new LinkedHashSet<>(concat(layers, featureLayer)));

        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(layers.size(),
                Runtime.getRuntime().availableProcessors())), r -> {
                    Thread t = new Thread(r, "layer-statistics");
                    t.setDaemon(true);
                    return t;
                });
        try (InferenceSession session = InferenceSession.open(instrumented.model().toBytes(), o.session())) {
            long[] shape = session.outputShape(logits);
            int k = (int) shape[shape.length - 1];
            if (k < 2) {
                throw new OnnxInspectException("output " + logits + " has shape " + java.util.Arrays.toString(shape)
                        + "; expected logits [N, K] with K >= 2 classes; name the logits output explicitly");
            }
            long[] input = session.inputShape();
            Map<String, String> skipped = new LinkedHashMap<>();
            List<DenseLayer> dense = o.interactions() ? withinMemoryLimit(denseLayersReading(model, layers), k,
                    skipped) : List.of();
            DataSource fitSource = o.fit() == null ? null : ReshapedSource.fitTo(o.fit(), input);
            FitPass fit = fitPass(o, session, logits, k, last, featureLayer, layers, needed, progress, fitSource);
            List<DatasetResult> datasets = new ArrayList<>();
            NodeClassifierHooks.Evaluate nodes = fit.classifiers().isEmpty() ? null
                    : new NodeClassifierHooks.Evaluate(fit.classifiers(), o.nodeEvalSamples());
            datasets.add(inspect(o, session, logits, k, ReshapedSource.fitTo(o.id(), input), "id",
                    o.id().labelled() ? ClassSource.LABEL : ClassSource.PREDICTED, fit.suite(), featureLayer, layers,
                    needed, pool, progress, dense, o.id().labelled() ? nodes : null));
            for (DataSource ood : o.ood()) {
                datasets.add(inspect(o, session, logits, k, ReshapedSource.fitTo(ood, input), "ood",
                        ood.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED, fit.suite(), featureLayer, layers,
                        needed, pool, progress, dense, null));
            }
            DetectorSuite suite = fit.suite();
            List<MetricsRow> metrics = metrics(suite, datasets);
            List<KlRow> kl = klRows(layers, datasets, o.alpha());
            Map<String, String> params = new LinkedHashMap<>(o.parameters());
            params.put("device", session.device().name());
            params.put("batch_size", Integer.toString(o.batchSize() > 0 ? o.batchSize()
                    : Inspection.autoBatchSize(session, concat(needed, logits))));
            params.put("fit_set", o.fit() == null ? "none" : o.fit().name() + " (" + o.fit().size() + " samples)");
            params.put("interaction_share", "absolute");
            skipped.forEach((layer, why) -> params.put("interactions_skipped." + layer, why));
            if (!fit.skippedDetectors().isEmpty()) {
                params.put("detectors_skipped", String.join("; ", fit.skippedDetectors()));
            }
            if (nodes != null) {
                nodes.results().stream().findFirst().ifPresent(n -> params.put("node_eval_samples",
                        Long.toString(n.samples() + n.invalidSamples())));
                params.put("node_fit_samples", Long.toString(fit.nodeFitSamples()));
            }
            if (!Double.isNaN(datasets.get(0).accuracy())) {
                // SPEC §6: the model's accuracy on the ID set (an OOD set's labels are from another label space)
                params.put("id_accuracy", Double.toString(datasets.get(0).accuracy()));
            }
            return new AuditResult(o.model(), sha, model.describe(), layers, featureLayer, k, datasets, metrics, kl,
                    params, nodes == null || !o.id().labelled() ? List.of() : nodes.results(),
                    nodes == null ? null : fitSource.name(), suite.detectors().stream()
                    .map(d -> new ScoreColumn(d.name(), detectorName(d), d.layer().orElse(null))).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private static DenseLayer lastDenseLayer(OnnxModel model) {
        try {
            return model.lastDenseLayer();
        } catch (OnnxInspectException e) {
            LOG.info("no last dense layer found ({}); detectors that need its weights or features are skipped",
                    e.getMessage());
            return null;
        }
    }

    /** The detectors and the node classifiers fitted in one pass over the fit set. */
    private record FitPass(DetectorSuite suite, Map<String, NodeClassifier> classifiers, long nodeFitSamples,
                           List<String> skippedDetectors) {
    }

    private static FitPass fitPass(AuditOptions o, InferenceSession session, String logits, int k, DenseLayer last,
                                   String featureLayer, List<String> layers, List<String> needed,
                                   BiFunction<String, Long, ProgressListener> progress, DataSource fitSource) {
        if (fitSource == null) {
            LOG.info("no fit set: scoring with the detectors that need no fitting only; no node classifiers");
            return new FitPass(unfittedSuite(last, featureLayer), Map.of(), 0, List.of());
        }
        List<InspectionHook> hooks = new ArrayList<>();
        DetectorSuite.Builder builder = null;
        if (last != null) {
            builder = DetectorSuite.standard(last, k, layers, o.tau(), o.alpha());
            hooks.add(DetectorHooks.fit(builder, featureLayer, layers));
        } else {
            LOG.info("no dense head: fitting no detector; scoring with the logit-based detectors only");
        }
        NodeClassifierHooks.Fit nodes = null;
        if (o.nodeFitSamples() > 0) {
            nodes = new NodeClassifierHooks.Fit(statsOptions(o, k, ClassSource.LABEL), layers, o.nodeFitSamples());
            hooks.add(nodes);
        }
        Inspection.builder(session, fitSource).logitsOutput(logits).layers(needed)
                .batchSize(o.batchSize()).classSource(ClassSource.LABEL)
                .progress(progress.apply("fit on " + fitSource.name(), fitSource.size())).build().run(hooks);
        List<String> skipped = new ArrayList<>();
        DetectorSuite suite = builder == null ? unfittedSuite(last, featureLayer) : builder.buildSkippingFailures(skipped);
        skipped.forEach(why -> LOG.warn("a detector could not be fitted and is left out: {}", why));
        return new FitPass(suite, nodes == null ? Map.of() : nodes.classifiers(), nodes == null ? 0 : nodes.seen(),
                skipped);
    }

    /** The SPEC §5 detectors that need no fitting: the logit ones, and GradNorm and ASH where a dense head exists. */
    private static DetectorSuite unfittedSuite(DenseLayer last, String featureLayer) {
        List<OodDetector> ready = new ArrayList<>(List.of(MaxSoftmaxDetector.msp(), MaxLogitDetector.create(),
                EnergyDetector.create(), MaxSoftmaxDetector.odin()));
        if (featureLayer != null) {
            ready.add(GradNormDetector.create());
        }
        if (last != null) {
            for (AshDetector.Variant v : AshDetector.Variant.values()) {
                ready.add(AshDetector.create(last, v));
            }
        }
        return DetectorSuite.of(ready);
    }

    static StatsOptions statsOptions(AuditOptions o, int k, ClassSource source) {
        return StatsOptions.builder(k, source == ClassSource.LABEL ? ClassBasis.LABEL : ClassBasis.PREDICTED)
                .tau(o.tau()).eps(o.eps()).bins(o.bins()).build();
    }

    /**
     * The dense layers whose interaction counters (SPEC §3: K x n_out x n_in) fit the default memory limit; the others
     * are skipped with a log line saying the size, and recorded in {@code skipped}.
     */
    private static List<DenseLayer> withinMemoryLimit(List<DenseLayer> dense, int k, Map<String, String> skipped) {
        InteractionOptions options = InteractionOptions.builder(k, ClassBasis.LABEL).build();
        List<DenseLayer> kept = new ArrayList<>();
        for (DenseLayer d : dense) {
            var estimate = InteractionAccumulator.estimate(d, options);
            if (estimate.bytes() <= options.memoryLimitBytes()) {
                kept.add(d);
            } else {
                LOG.warn("skipping the interactions of {}: {} exceeds the limit of {} MiB", d.outputName(),
                        estimate.description(), options.memoryLimitBytes() >> 20);
                skipped.put(d.outputName(), estimate.description());
            }
        }
        return kept;
    }

    /** The dense layers (Gemm, or MatMul + Add) whose input tensor is one of the inspected layers. */
    static List<DenseLayer> denseLayersReading(OnnxModel model, List<String> layers) {
        List<DenseLayer> dense = new ArrayList<>();
        for (NodeInfo node : model.describe().nodes()) {
            if (!node.opType().equals("Gemm") && !node.opType().equals("Add")) {
                continue;
            }
            for (String out : node.outputs()) {
                try {
                    DenseLayer d = model.denseLayer(out);
                    if (layers.contains(d.inputName())) {
                        dense.add(d);
                    }
                } catch (OnnxInspectException e) {
                    LOG.debug("{} is not a dense layer: {}", out, e.getMessage());
                }
            }
        }
        return dense;
    }

    private static DatasetResult inspect(AuditOptions o, InferenceSession session, String logits, int k,
                                         DataSource source, String role, ClassSource classSource, DetectorSuite suite,
                                         String featureLayer, List<String> layers, List<String> needed,
                                         ExecutorService pool, BiFunction<String, Long, ProgressListener> progress,
                                         List<DenseLayer> dense, InspectionHook extra) {
        StatsOptions stats = statsOptions(o, k, classSource);
        StatsHook statsHook = new StatsHook(stats, layers, pool);
        DetectorHooks.Scoring scoring = new DetectorHooks.Scoring(suite, featureLayer, layers);
        InteractionHook interactions = new InteractionHook(dense, InteractionOptions.builder(k,
                stats.basis()).bins(o.bins()).build());
        List<InspectionHook> hooks = new ArrayList<>(List.of(statsHook, scoring, interactions));
        if (extra != null) {
            hooks.add(extra);
        }
        Inspection inspection = Inspection.builder(session, source).logitsOutput(logits).layers(needed)
                .batchSize(o.batchSize()).classSource(classSource)
                .progress(progress.apply("inspect " + source.name(), source.size())).build();
        InspectionSummary summary = inspection.run(hooks);
        return new DatasetResult(source.name(), role, classSource, summary, statsHook.results(),
                scoring.result(source.name()), interactions.results());
    }

    private static List<MetricsRow> metrics(DetectorSuite suite, List<DatasetResult> datasets) {
        List<MetricsRow> rows = new ArrayList<>();
        DatasetResult id = datasets.get(0);
        for (DatasetResult ood : datasets.subList(1, datasets.size())) {
            for (OodDetector d : suite.detectors()) {
                String layer = d.layer().orElse(null);
                rows.add(new MetricsRow(d.name(), detectorName(d), layer, id.name(), ood.name(),
                        OodMetrics.evaluate(id.scores().column(d.name()), ood.scores().column(d.name()))));
            }
        }
        return rows;
    }

    /** A detector's name without its layer suffix (per-layer detectors are named {@code name[layer]}). */
    static String detectorName(OodDetector d) {
        String name = d.name();
        return d.layer().map(l -> name.endsWith("[" + l + "]") ? name.substring(0, name.length() - l.length() - 2)
                : name).orElse(name);
    }

    /**
     * SPEC §4 on S1 and S2 frequency profiles of every layer and on the interaction profiles of every dense layer
     * (quantity "interaction"): within each dataset, and ID vs each OOD set both ways.
     */
    static List<KlRow> klRows(List<String> layers, List<DatasetResult> datasets, double alpha) {
        List<KlRow> rows = new ArrayList<>();
        for (String layer : layers) {
            klRows(rows, layer, "S1", datasets, alpha);
            klRows(rows, layer, "S2", datasets, alpha);
        }
        for (String layer : datasets.get(0).interactions().keySet()) {
            klRows(rows, layer, "interaction", datasets, alpha);
        }
        return rows;
    }

    private static void klRows(List<KlRow> rows, String layer, String quantity, List<DatasetResult> datasets,
                               double alpha) {
        DatasetResult id = datasets.get(0);
        Map<String, ClassProfiles> profiles = new LinkedHashMap<>();
        for (DatasetResult d : datasets) {
            FrequencyTable table = table(d, layer, quantity);
            if (table != null && !table.isEmpty()) {
                profiles.put(d.name(), ClassProfiles.of(table, alpha));
            }
        }
        profiles.forEach((name, p) -> add(rows, layer, quantity, KlDivergence.within(p, name)));
        ClassProfiles idProfiles = profiles.get(id.name());
        if (idProfiles == null) {
            return;
        }
        for (DatasetResult ood : datasets.subList(1, datasets.size())) {
            ClassProfiles q = profiles.get(ood.name());
            if (q != null) {
                add(rows, layer, quantity, KlDivergence.between(idProfiles, id.name(), q, ood.name()));
                add(rows, layer, quantity, KlDivergence.between(q, ood.name(), idProfiles, id.name()));
            }
        }
    }

    private static FrequencyTable table(DatasetResult d, String layer, String quantity) {
        if (quantity.equals("interaction")) {
            InteractionFrequencies f = d.interactions().get(layer);
            return f == null ? null : f.table();
        }
        LayerStatistics s = d.layers().get(layer);
        if (s == null || s.frequencies().isEmpty()) {
            return null;
        }
        return quantity.equals("S1") ? s.frequencies().s1Table() : s.frequencies().s2Table();
    }

    private static void add(List<KlRow> rows, String layer, String quantity, KlMatrix m) {
        int[] p = m.pClasses();
        int[] q = m.qClasses();
        double[][] v = m.values();
        for (int r = 0; r < p.length; r++) {
            for (int c = 0; c < q.length; c++) {
                rows.add(new KlRow(layer, quantity, m.pLabel(), p[r], m.qLabel(), q[c], v[r][c]));
            }
        }
    }

    private static List<String> concat(List<String> layers, String feature) {
        List<String> all = new ArrayList<>(layers);
        if (feature != null) {
            all.add(feature);
        }
        return all;
    }

    /** The SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static Set<String> names(List<DatasetResult> datasets) {
        Set<String> names = new LinkedHashSet<>();
        datasets.forEach(d -> names.add(d.name()));
        return names;
    }
}
