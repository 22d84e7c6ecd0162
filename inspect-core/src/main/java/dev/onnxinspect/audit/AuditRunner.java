package dev.onnxinspect.audit;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.ReshapedSource;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.DetectorGrids;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.EntropyDetector;
import dev.onnxinspect.ood.MspTemperatureDetector;
import dev.onnxinspect.ood.NacUeDetector;
import dev.onnxinspect.ood.NnGuideDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.RelationDetector;
import dev.onnxinspect.ood.ScoreCollector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.MemoryEstimate;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow of an {@link Audit}: instrument the model, one fit pass (detectors, node classifiers, fit-set
 * statistics), one pass per evaluated dataset (layer statistics, interactions, scores, node-classifier evaluation
 * on the ID set), then metrics and KL matrices.
 * <p>Classes (SPEC §2): the true label wherever a dataset has labels (OOD sets included, even when their labels
 * belong to another label space, e.g. digits against clothing classes), else the model's prediction.
 */
final class AuditRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRunner.class);

    private AuditRunner() {}

    static AuditResult run(AuditOptions o, AuditProgress progress) throws IOException {
        if (o.tuneId() != null) {
            Tuning.checkNoOverlap(o.tuneId(), o.tuneOod(), o.id(), o.ood());
        }
        OnnxModel model = OnnxModel.load(o.model());
        String sha = Sha256.of(o.model());
        List<ValueInfo> outputs = model.describe().outputs();
        ClassifierTensors tensors = model.classifierTensors(o.logitsOutput(), o.featureLayer(), o.head());
        String logits = tensors.logits();

        List<String> layers = new ArrayList<>(o.layers());
        if (layers.isEmpty()) {
            outputs.stream()
                    .map(ValueInfo::name)
                    .filter(n -> !tensors.logitsOutputs().contains(n))
                    .forEach(layers::add);
        }
        List<TensorSelector> selectors = new ArrayList<>();
        layers.forEach(l -> selectors.add(TensorSelector.name(l)));
        if (layers.isEmpty()) {
            LOG.info("the model exposes no hidden layer; inspecting every Relu output");
            selectors.add(TensorSelector.opType("Relu"));
        }
        DenseLayer last = tensors.head();
        String featureLayer = tensors.features();
        if (last == null) {
            LOG.info("no dense head for the detectors that need W, b: {}", tensors.headMissing());
        }
        if (featureLayer != null) {
            selectors.add(TensorSelector.name(featureLayer));
        }
        // SPEC §5b (bank/gradient detectors): the dense ReLU layers NAC-UE reads behind the features
        List<DenseLayer> nacChain = nacChain(model, last, featureLayer, o.nacDepth());
        nacChain.forEach(d -> selectors.add(TensorSelector.name(d.inputName())));
        selectors.add(TensorSelector.name(logits));
        InstrumentedModel instrumented = model.instrument(selectors);
        if (layers.isEmpty()) {
            instrumented.selected().stream().filter(t -> !t.equals(logits)).forEach(layers::add);
        }
        List<String> needed = new ArrayList<>(new LinkedHashSet<>(concat(layers, featureLayer)));
        nacChain.stream()
                .map(DenseLayer::inputName)
                .filter(t -> !needed.contains(t))
                .forEach(needed::add);
        Names names = new Names(o);

        ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, Math.min(layers.size(), Runtime.getRuntime().availableProcessors())), r -> {
                    Thread t = new Thread(r, "layer-statistics");
                    t.setDaemon(true);
                    return t;
                });
        MemoryPlan.checkMaskInput(model, o.maskInput());
        try (InferenceSession session =
                InferenceSession.open(instrumented.model().toBytes(), o.session())) {
            int k = DetectorLayout.classes(logits, session.outputShape(logits));
            Map<String, int[]> unitShapes = MemoryPlan.unitShapes(session, layers);
            MemoryPlan plan = MemoryPlan.of(
                    o,
                    new MemoryPlan.Run(
                            layers,
                            unitShapes,
                            k,
                            largestPass(o),
                            o.fit() == null ? 0 : o.fit().size(),
                            o.fit() != null,
                            nodeFitSamples(o),
                            nodeEvalSamples(o)));
            Pass pass = new Pass(
                    o,
                    session,
                    logits,
                    k,
                    new DetectorLayout(logits, featureLayer, plan.patternDetectorLayers(), k, nacChain),
                    layers,
                    needed,
                    pool,
                    progress,
                    plan);
            long[] input = session.inputs().size() == 1 ? session.inputShape() : new long[0];
            Map<String, String> skipped = new LinkedHashMap<>();
            List<DenseLayer> dense = o.interactions()
                    ? withinMemoryLimit(
                            onVectors(denseLayersReading(model, layers), unitShapes, skipped),
                            k,
                            o.memoryBudgetBytes(),
                            skipped)
                    : List.of();
            DataSource fitSource = o.fit() == null ? null : ReshapedSource.fitTo(o.fit(), input);
            // SPEC §5b (bank/gradient detectors): the banks' memory stated before the fit pass
            Map<String, String> bankDecisions = new LinkedHashMap<>();
            Map<String, String> banksLeftOut = o.fit() == null
                    ? Map.of()
                    : MemoryPlan.banksLeftOut(
                            o.memoryBudgetBytes(),
                            o.fit().size(),
                            featureLayer == null ? -1 : session.outputWidth(featureLayer),
                            k,
                            bankDecisions);
            Tuning tuning = o.tuneId() == null
                    ? null
                    : new Tuning(DetectorGrids.standard(usableHead(last, featureLayer, k), featureLayer != null));
            FitPass fit =
                    fitPass(pass, last, tensors.headMissing(), fitSource, names.fit(), dense, tuning, banksLeftOut);
            DetectorSuite suite = fit.suite();
            Map<String, String> tuned = Map.of();
            if (tuning != null) {
                Tuning.Selected selected = tuning.select(
                        suite,
                        ReshapedSource.fitTo(o.tuneId(), input),
                        ReshapedSource.fitTo(o.tuneOod(), input),
                        (source, candidates) -> {
                            ScoreCollector scores = pass.wiring().scoring(candidates);
                            ClassSource classes = source.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
                            pass.inspect(source, "tune on", classes, List.of(pass.detectors(scores)));
                            return scores.columns();
                        });
                suite = selected.suite();
                tuned = selected.parameters();
            }
            NodeClassifierHooks.Evaluate nodes = fit.classifiers().isEmpty()
                    ? null
                    : new NodeClassifierHooks.Evaluate(fit.classifiers(), o.nodeEvalSamples(), o.maskInput());
            List<DatasetResult> datasets = new ArrayList<>();
            datasets.add(pass.evaluate(
                    ReshapedSource.fitTo(o.id(), input),
                    DatasetRole.ID,
                    suite,
                    dense,
                    o.id().labelled() ? nodes : null));
            for (DataSource ood : o.ood()) {
                datasets.add(pass.evaluate(ReshapedSource.fitTo(ood, input), DatasetRole.OOD, suite, dense, null));
            }
            List<MetricsRow> metrics = metrics(suite, datasets);
            Map<String, String> klDecisions = new LinkedHashMap<>();
            List<KlRow> kl =
                    ClassKl.rows(layers, datasets, fit.statistics(), o.alpha(), o.memoryBudgetBytes(), klDecisions);
            Map<String, String> params = new LinkedHashMap<>(o.parameters());
            params.put("device", session.device().name());
            params.put(
                    "batch_size",
                    Integer.toString(
                            o.batchSize() > 0
                                    ? o.batchSize()
                                    : Inspection.autoBatchSize(session, concat(needed, logits))));
            params.put(
                    "fit_set",
                    o.fit() == null ? "none" : o.fit().name() + " (" + o.fit().size() + " samples)");
            params.put("interaction_share", "absolute");
            params.put("logits_output", logits);
            params.put("feature_layer", featureLayer == null ? "none" : featureLayer);
            params.put("dense_head", last == null ? "none" : last.outputName());
            skipped.forEach((layer, why) -> params.put("interactions_skipped." + layer, why));
            if (!fit.skippedDetectors().isEmpty()) {
                params.put("detectors_skipped", String.join("; ", fit.skippedDetectors()));
            }
            // SPEC §5b (logit/feature detectors): the fitted temperature T*, flagged when clamped to [1/100, 100]
            for (OodDetector d : suite.detectors()) {
                if (d instanceof MspTemperatureDetector m) {
                    params.put("temperature." + d.name(), m.fittedTemperature().describe());
                } else if (d instanceof EntropyDetector e) {
                    e.fittedTemperature().ifPresent(t -> params.put("temperature." + d.name(), t.describe()));
                }
            }
            if (nodes != null) {
                nodes.results().stream()
                        .findFirst()
                        .ifPresent(n -> params.put(
                                "node_eval_samples",
                                Long.toString(n.samples() + n.invalidSamples() + n.emptyMaskSamples())));
                params.put("node_fit_samples", Long.toString(fit.nodeFitSamples()));
            }
            if (!Double.isNaN(datasets.get(0).accuracy())) {
                // SPEC §6: the model's accuracy on the ID set (an OOD set's labels are from another label space)
                params.put("id_accuracy", Double.toString(datasets.get(0).accuracy()));
            }
            params.putAll(plan.parameters());
            params.putAll(tuned);
            params.putAll(bankDecisions);
            params.putAll(bankParameters(suite));
            params.putAll(klDecisions);
            if (plan.masked()) {
                emptyMasks(datasets, fit.statistics())
                        .forEach((dataset, n) -> params.put("empty_mask_samples." + dataset, Long.toString(n)));
            }
            if (o.nonFinite() == NonFinitePolicy.SKIP) {
                params.put("non_finite", "skip");
                if (fit.statistics() != null) {
                    params.put(
                            "skipped_non_finite." + fit.statistics().name(),
                            Long.toString(fit.statistics().skippedNonFinite()));
                } else if (fitSource != null) {
                    params.put("skipped_non_finite." + names.fit(), Long.toString(fit.skippedNonFinite()));
                }
                datasets.forEach(
                        d -> params.put("skipped_non_finite." + d.name(), Long.toString(d.skippedNonFinite())));
            }
            boolean nodeResults = nodes != null && o.id().labelled();
            return new AuditResult(
                    o,
                    sha,
                    model.describe(),
                    layers,
                    featureLayer,
                    k,
                    datasets,
                    fit.statistics(),
                    metrics,
                    kl,
                    params,
                    fit.skippedDetectors(),
                    nodeResults ? nodes.results() : List.of(),
                    nodeResults ? names.fit() : null,
                    suite.detectors().stream().map(ScoreColumn::of).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The dense head as the detectors read it (a one-logit head as two rows, SPEC §5), or null when the detectors
     * needing W, b cannot run: the rule of {@link DetectorLayout#standardSuite}.
     */
    private static DenseLayer usableHead(DenseLayer head, String featureLayer, int k) {
        if (head == null || !head.inputName().equals(featureLayer)) {
            return null;
        }
        DenseLayer expanded = DetectorLayout.twoClassHead(head);
        return expanded.outFeatures() == k ? expanded : null;
    }

    /**
     * The dense layers NAC-UE reaches back through ({@link NacUeDetector#denseReluChain}); refused when a depth is
     * asked for without a dense head reading the features.
     */
    private static List<DenseLayer> nacChain(OnnxModel model, DenseLayer head, String features, int depth) {
        if (depth == 0) {
            return List.of();
        }
        if (head == null || !head.inputName().equals(features)) {
            throw new OnnxInspectException("NAC-UE layers behind the features were asked for (depth " + depth + "),"
                    + " but NAC-UE needs the dense head W, b reading the features, and this model has none that"
                    + " does; leave the NAC-UE depth at 0");
        }
        return NacUeDetector.denseReluChain(model, head, depth);
    }

    /** SPEC §5b: what the bank and gradient detectors were fitted with (NNGuide's bank size, NAC-UE's layers, O). */
    private static Map<String, String> bankParameters(DetectorSuite suite) {
        Map<String, String> params = new LinkedHashMap<>();
        for (OodDetector d : suite.detectors()) {
            if (d instanceof NnGuideDetector g) {
                params.put(
                        "nnguide.bank_size",
                        g.bankSize() + " of " + g.fitSamples() + " fit samples (alpha " + g.alpha() + "), k = "
                                + g.k());
            } else if (d instanceof RelationDetector r) {
                params.put("relation.bank_size", r.fitSize() + " fit samples, q = " + r.q());
            } else if (d instanceof NacUeDetector n) {
                params.put(
                        "nac_ue",
                        "layers " + n.layers() + ", M = " + n.intervalsM() + ", alpha_nac = " + n.alpha() + ", O = "
                                + n.coverageCap() + " of " + n.fitSamples() + " fit samples");
            }
        }
        return params;
    }

    /** The mask input, when named, must be an input of the model. */
    /** The most samples one pass inspects; -1 when a source's size is unknown. */
    private static long largestPass(AuditOptions o) {
        List<DataSource> passes = new ArrayList<>(o.ood());
        passes.add(o.id());
        if (o.fit() != null && o.fitStatistics()) {
            passes.add(o.fit());
        }
        long largest = 0;
        for (DataSource d : passes) {
            if (d.size() < 0) {
                return -1;
            }
            largest = Math.max(largest, d.size());
        }
        return largest;
    }

    /** The node classifiers' fit samples: 0 when there are none, -1 when the fit set's size is unknown. */
    private static long nodeFitSamples(AuditOptions o) {
        if (o.fit() == null || o.nodeFitSamples() == 0) {
            return 0;
        }
        long size = o.fit().size();
        return size < 0
                ? (o.nodeFitSamples() == Integer.MAX_VALUE ? -1 : o.nodeFitSamples())
                : Math.min(size, o.nodeFitSamples());
    }

    /** The node classifiers' evaluation samples (the first of the ID set): -1 when the ID set's size is unknown. */
    private static long nodeEvalSamples(AuditOptions o) {
        long size = o.id().size();
        return size < 0
                ? (o.nodeEvalSamples() == Integer.MAX_VALUE ? -1 : o.nodeEvalSamples())
                : Math.min(size, o.nodeEvalSamples());
    }

    /** Per dataset (the fit set included), the samples left out for an empty attention mask (MASKED_MEAN). */
    private static Map<String, Long> emptyMasks(List<DatasetResult> datasets, DatasetResult fit) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<DatasetResult> all = new ArrayList<>(datasets);
        if (fit != null) {
            all.add(fit);
        }
        for (DatasetResult d : all) {
            d.layers().values().stream()
                    .filter(s -> s.frequencies().view() == NeuronView.MASKED_MEAN)
                    .findFirst()
                    .ifPresent(s -> counts.put(d.name(), s.frequencies().emptyMaskSamples()));
        }
        return counts;
    }

    /**
     * Dataset names are the keys of every table: the fit set keeps its name unless an evaluated set has the same
     * one; then it is called {@code "<name> (fit)"} (Choice: rows of two passes never share a key).
     */
    private record Names(String fit) {
        Names(AuditOptions o) {
            this(fitName(o));
        }

        private static String fitName(AuditOptions o) {
            if (o.fit() == null) {
                return null;
            }
            Set<String> evaluated = new LinkedHashSet<>();
            evaluated.add(o.id().name());
            o.ood().forEach(d -> evaluated.add(d.name()));
            if (evaluated.size() < 1 + o.ood().size()) {
                throw new OnnxInspectException("two evaluated datasets are both named '" + duplicate(o)
                        + "'; every dataset of an audit needs its own name (e.g. InMemoryDataset.named)");
            }
            String name = o.fit().name();
            return evaluated.contains(name) ? name + " (fit)" : name;
        }

        private static String duplicate(AuditOptions o) {
            Set<String> seen = new LinkedHashSet<>();
            seen.add(o.id().name());
            for (DataSource d : o.ood()) {
                if (!seen.add(d.name())) {
                    return d.name();
                }
            }
            return o.id().name();
        }
    }

    /** A model without the structure looked for is normal; a file error or a bug is not: those propagate. */
    private static void rethrowUnlessInvalid(OnnxInspectException e) {
        if (e.kind() == OnnxInspectException.Kind.IO || e.kind() == OnnxInspectException.Kind.INTERNAL) {
            throw e;
        }
    }

    /**
     * What the whole audit shares: the session, the tensors, the statistics options, the thread pool and the memory
     * plan (each layer's view and patterns, the detectors' and node classifiers' layers).
     */
    private record Pass(
            AuditOptions options,
            InferenceSession session,
            String logits,
            int k,
            DetectorLayout wiring,
            List<String> layers,
            List<String> needed,
            ExecutorService pool,
            AuditProgress progress,
            MemoryPlan plan) {
        StatsOptions stats(ClassSource source) {
            return StatsOptions.builder(k, source == ClassSource.LABEL ? ClassBasis.LABEL : ClassBasis.PREDICTED)
                    .tau(options.tau())
                    .eps(options.eps())
                    .bins(options.bins())
                    .build();
        }

        /** Per layer (of {@code of}), the options of the plan: the base with its view and patterns. */
        Map<String, StatsOptions> perLayer(StatsOptions base, List<String> of) {
            Map<String, StatsOptions> out = new LinkedHashMap<>();
            of.forEach(l -> out.put(l, plan.options(l, base)));
            return out;
        }

        StatsHook statsHook(StatsOptions base) {
            return new StatsHook(perLayer(base, layers), options.maskInput(), pool);
        }

        InteractionHook interactionHook(List<DenseLayer> dense, ClassBasis basis) {
            return new InteractionHook(
                    dense,
                    InteractionOptions.builder(k, basis)
                            .bins(options.bins())
                            .memoryLimitBytes(options.memoryBudgetBytes())
                            .build());
        }

        /**
         * The detectors' hook seeing the per-layer detectors' layers through their views (the features never: a
         * feature layer that is also a pattern layer is read flattened by both).
         */
        InspectionHook detectors(InspectionHook hook) {
            Map<String, NeuronView> viewed = new LinkedHashMap<>();
            for (String layer : wiring.patternLayers()) {
                NeuronView view = plan.view(layer);
                if (view != NeuronView.FLATTENED && !layer.equals(wiring.featureLayer())) {
                    viewed.put(layer, view);
                }
            }
            return new ViewedLayersHook(hook, viewed, options.maskInput());
        }

        InspectionSummary inspect(DataSource source, String task, ClassSource classes, List<InspectionHook> hooks) {
            return Inspection.builder(session, source)
                    .logitsOutput(logits)
                    .layers(needed)
                    .batchSize(options.batchSize())
                    .classSource(classes)
                    .nonFinite(options.nonFinite())
                    .progress(Audit.start(progress, task + " " + source.name(), source.size()))
                    .build()
                    .run(hooks);
        }

        /** One evaluated set: statistics, interactions, scores, and the node classifiers' evaluation if given. */
        DatasetResult evaluate(
                DataSource source,
                DatasetRole role,
                DetectorSuite suite,
                List<DenseLayer> dense,
                InspectionHook extra) {
            ClassSource classSource = source.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
            StatsOptions stats = stats(classSource);
            StatsHook statsHook = statsHook(stats);
            ScoreCollector scoring = wiring.scoring(suite);
            InteractionHook interactions = interactionHook(dense, stats.basis());
            List<InspectionHook> hooks = new ArrayList<>(List.of(statsHook, detectors(scoring), interactions));
            if (extra != null) {
                hooks.add(extra);
            }
            InspectionSummary summary = inspect(source, "inspect", classSource, hooks);
            return new DatasetResult(
                    source.name(),
                    role,
                    classSource,
                    summary,
                    statsHook.results(),
                    scores(source.name(), classSource, scoring),
                    interactions.results());
        }
    }

    private static DatasetScores scores(String dataset, ClassSource classSource, ScoreCollector scoring) {
        int[] labels = scoring.classes();
        if (classSource != ClassSource.LABEL) {
            Arrays.fill(labels, -1);
        }
        return new DatasetScores(dataset, labels, scoring.predicted(), scoring.columns());
    }

    /** The detectors and the node classifiers fitted in one pass over the fit set, and the fit set's statistics. */
    private record FitPass(
            DetectorSuite suite,
            Map<String, NodeClassifier> classifiers,
            long nodeFitSamples,
            List<String> skippedDetectors,
            DatasetResult statistics,
            long skippedNonFinite) {}

    /**
     * The fit pass. The detectors are those of {@link DetectorLayout#standardSuite} (every SPEC §5 detector the model
     * can feed; the others recorded in {@code skippedDetectors} with the reason), then those that cannot be fitted
     * on the fit set are left out and recorded too. Without a fit set only the detectors that need no fitting score.
     */
    private static FitPass fitPass(
            Pass pass,
            DenseLayer last,
            String headMissing,
            DataSource fitSource,
            String fitName,
            List<DenseLayer> dense,
            Tuning tuning,
            Map<String, String> banksLeftOut) {
        AuditOptions o = pass.options();
        List<String> skipped = new ArrayList<>();
        DetectorSuite.Builder builder = pass.wiring().standardSuite(last, headMissing, o.tau(), o.alpha(), skipped);
        builder.leaveOut(banksLeftOut.keySet());
        banksLeftOut.forEach((name, why) -> skipped.add(name + ": " + why));
        if (fitSource == null) {
            LOG.info("no fit set: scoring with the detectors that need no fitting only; no node classifiers");
            return new FitPass(builder.buildUnfitted(), Map.of(), 0, skipped, null, 0);
        }
        List<InspectionHook> hooks = new ArrayList<>();
        hooks.add(pass.detectors(pass.wiring().fitting(builder)));
        if (tuning != null) {
            hooks.add(pass.detectors(view -> tuning.accept(pass.wiring().input(view, true))));
        }
        NodeClassifierHooks.Fit nodes = null;
        if (o.nodeFitSamples() > 0 && !pass.plan().nodeClassifierLayers().isEmpty()) {
            nodes = new NodeClassifierHooks.Fit(
                    pass.perLayer(pass.stats(ClassSource.LABEL), pass.plan().nodeClassifierLayers()),
                    o.maskInput(),
                    o.nodeFitSamples());
            hooks.add(nodes);
        }
        StatsHook statsHook = null;
        InteractionHook interactions = null;
        ScoreCollector predictions = null;
        if (o.fitStatistics()) {
            StatsOptions stats = pass.stats(ClassSource.LABEL);
            statsHook = pass.statsHook(stats);
            interactions = pass.interactionHook(dense, stats.basis());
            predictions = pass.wiring().scoring(DetectorSuite.of(List.of()));
            hooks.addAll(List.of(statsHook, interactions, predictions));
        }
        InspectionSummary summary = pass.inspect(fitSource, "fit on", ClassSource.LABEL, hooks);
        int notFed = skipped.size();
        DetectorSuite suite = builder.buildSkippingFailures(skipped);
        skipped.subList(notFed, skipped.size())
                .forEach(why -> LOG.warn("a detector could not be fitted and is left" + " out: {}", why));
        DatasetResult statistics = statsHook == null
                ? null
                : new DatasetResult(
                        fitName,
                        DatasetRole.FIT,
                        ClassSource.LABEL,
                        summary,
                        statsHook.results(),
                        scores(fitName, ClassSource.LABEL, predictions),
                        interactions.results());
        return new FitPass(
                suite,
                nodes == null ? Map.of() : nodes.classifiers(),
                nodes == null ? 0 : nodes.seen(),
                skipped,
                statistics,
                summary.skippedNonFinite());
    }

    /**
     * The dense layers whose interaction counters (SPEC §3: K x n_out x n_in) fit the memory budget; the others
     * are skipped with a log line saying the size, and recorded in {@code skipped}.
     */
    private static List<DenseLayer> withinMemoryLimit(
            List<DenseLayer> dense, int k, long budget, Map<String, String> skipped) {
        InteractionOptions options = InteractionOptions.builder(k, ClassBasis.LABEL)
                .memoryLimitBytes(budget)
                .build();
        List<DenseLayer> kept = new ArrayList<>();
        for (DenseLayer d : dense) {
            MemoryEstimate estimate = InteractionAccumulator.estimate(d, options);
            if (estimate.bytes() <= options.memoryLimitBytes()) {
                kept.add(d);
            } else {
                LOG.warn(
                        "skipping the interactions of {}: {} exceeds the limit of {} MiB",
                        d.outputName(),
                        estimate.description(),
                        options.memoryLimitBytes() >> 20);
                skipped.put(d.outputName(), estimate.description());
            }
        }
        return kept;
    }

    /**
     * The dense layers that read one vector per sample: SPEC §3 interactions are defined for an input x of n_in
     * units; a dense layer applied to every position of a sequence layer {@code [T, d]} (a MatMul over its last
     * axis) is skipped with the reason recorded in {@code skipped}.
     */
    private static List<DenseLayer> onVectors(
            List<DenseLayer> dense, Map<String, int[]> unitShapes, Map<String, String> skipped) {
        List<DenseLayer> kept = new ArrayList<>();
        for (DenseLayer d : dense) {
            int[] shape = unitShapes.get(d.inputName());
            long units = 1;
            for (int dim : shape == null ? new int[0] : shape) {
                units = dim < 0 ? -1 : units * dim;
            }
            if (shape == null || shape.length <= 1 || units == d.inFeatures()) {
                kept.add(d);
            } else {
                skipped.put(
                        d.outputName(),
                        "its input " + d.inputName() + " has unit shape "
                                + Arrays.toString(shape) + ", not one vector of n_in = " + d.inFeatures()
                                + " units per sample");
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
                    rethrowUnlessInvalid(e);
                    LOG.debug("{} is not a dense layer: {}", out, e.getMessage());
                }
            }
        }
        return dense;
    }

    private static List<MetricsRow> metrics(DetectorSuite suite, List<DatasetResult> datasets) {
        List<MetricsRow> rows = new ArrayList<>();
        DatasetResult id = datasets.get(0);
        for (DatasetResult ood : datasets.subList(1, datasets.size())) {
            for (OodDetector d : suite.detectors()) {
                ScoreColumn column = ScoreColumn.of(d);
                rows.add(new MetricsRow(
                        column.name(),
                        column.detector(),
                        column.layer(),
                        id.name(),
                        ood.name(),
                        OodMetrics.evaluate(
                                id.scores().column(d.name()), ood.scores().column(d.name()))));
            }
        }
        return rows;
    }

    private static List<String> concat(List<String> layers, String feature) {
        List<String> all = new ArrayList<>(layers);
        if (feature != null) {
            all.add(feature);
        }
        return all;
    }
}
