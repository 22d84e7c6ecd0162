package dev.onnxinspect.audit;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.NnGuideDetector;
import dev.onnxinspect.ood.RelationDetector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.MemoryEstimate;
import dev.onnxinspect.stats.MemoryLimitExceededException;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.PatternAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's memory rule (see {@link Audit}), decided before anything is allocated: the neuron view of every layer,
 * and which layers get SPEC §7 patterns, the SPEC §5 per-layer pattern detectors and the SPEC §8 node classifiers.
 * Every decision that departs from the SPEC defaults is recorded in {@link #parameters()}, every estimate is logged.
 * Immutable. Public so that a distributed run (inspect-spark) plans on its driver as the audit plans: the same model
 * and options give the same views and layers.
 */
public final class MemoryPlan {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryPlan.class);
    /** The heap of one {@link KlRow} (object header, six fields) and its list slot, with compressed references. */
    static final long KL_ROW_BYTES = 56;

    private final Map<String, NeuronView> views;
    private final Set<String> patternLayers;
    private final List<String> patternDetectorLayers;
    private final List<String> nodeClassifierLayers;
    private final Map<String, String> parameters;

    private MemoryPlan(
            Map<String, NeuronView> views,
            Set<String> patternLayers,
            List<String> patternDetectorLayers,
            List<String> nodeClassifierLayers,
            Map<String, String> parameters) {
        this.views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
        this.patternLayers = Collections.unmodifiableSet(new LinkedHashSet<>(patternLayers));
        this.patternDetectorLayers = List.copyOf(patternDetectorLayers);
        this.nodeClassifierLayers = List.copyOf(nodeClassifierLayers);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * What the plan needs to know of the run.
     *
     * @param layers          the inspected layers, in inspection order (for the default Relu selection: graph order)
     * @param unitShapes      each layer's unit shape as the model declares it (-1 for a dimension that varies; an
     *                        empty array for an unknown rank)
     * @param classes         K
     * @param largestPass     the most samples one pass inspects (-1: a source of unknown size)
     * @param fitSamples      the fit set's samples (-1 unknown; 0 without a fit set)
     * @param detectors       whether the per-layer detectors are fitted (a fit set and a dense head)
     * @param nodeFitSamples  the node classifiers' fit samples (0: none; -1 unknown)
     * @param nodeEvalSamples the node classifiers' evaluation samples (-1 unknown: their buffer's capacity is
     *                        planned)
     */
    public record Run(
            List<String> layers,
            Map<String, int[]> unitShapes,
            int classes,
            long largestPass,
            long fitSamples,
            boolean detectors,
            long nodeFitSamples,
            long nodeEvalSamples) {}

    /**
     * Each layer's unit shape as a session reports it, for {@link Run#unitShapes}: the batch dimension dropped, -1
     * where a dimension varies (or exceeds an int).
     */
    public static Map<String, int[]> unitShapes(InferenceSession session, List<String> layers) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String layer : layers) {
            long[] shape = session.outputShape(layer);
            int[] unit = new int[Math.max(0, shape.length - 1)];
            for (int d = 0; d < unit.length; d++) {
                unit[d] = shape[d + 1] < 0 || shape[d + 1] > Integer.MAX_VALUE ? -1 : (int) shape[d + 1];
            }
            shapes.put(layer, unit);
        }
        return shapes;
    }

    /**
     * Refuses an attention-mask input ({@link AuditOptions#maskInput}) that is not an input of the model, before any
     * pass; null (no mask) passes.
     *
     * @throws OnnxInspectException naming the mask and the model's inputs
     */
    public static void checkMaskInput(OnnxModel model, String mask) {
        List<String> inputs =
                model.describe().inputs().stream().map(ValueInfo::name).toList();
        if (mask != null && !inputs.contains(mask)) {
            throw new OnnxInspectException("the attention mask input " + mask + " is not an input of the model; its"
                    + " inputs are " + inputs + "; name the input that holds the mask [N, T]");
        }
    }

    /**
     * Plans an audit.
     *
     * @throws MemoryLimitExceededException when the SPEC §2 counters of the layers, with the chosen views, exceed the
     *                                      budget (nothing has been allocated)
     * @throws OnnxInspectException         when a chosen view does not fit a layer's shape, or the mask is named and a
     *                                      chosen MASKED_MEAN layer is not of rank 2
     */
    public static MemoryPlan of(AuditOptions o, Run run) {
        long budget = o.memoryBudgetBytes();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("memory_budget_bytes", Long.toString(budget));
        if (o.maskInput() != null) {
            params.put("mask_input", o.maskInput());
        }
        List<String> layers = run.layers();
        for (String named : o.views().keySet()) {
            if (!layers.contains(named)) {
                throw new OnnxInspectException("a neuron view was chosen for layer " + named + ", which the audit"
                        + " does not inspect; inspected: " + layers);
            }
        }
        long share = budget / Math.max(1, layers.size());
        Map<String, NeuronView> views = new LinkedHashMap<>();
        long counters = 0;
        List<MemoryEstimate> estimates = new ArrayList<>();
        for (String layer : layers) {
            int[] shape = run.unitShapes().getOrDefault(layer, new int[0]);
            NeuronView view = view(o, layer, shape, run.classes(), share, params);
            views.put(layer, view);
            MemoryEstimate e = counterEstimate(view, layer, shape, run.classes());
            if (e != null) {
                estimates.add(e);
                counters += e.bytes();
            }
        }
        params.put("memory_estimate.layer_statistics", Long.toString(counters));
        LOG.info(
                "layer statistics (SPEC §2 counters) of {} layers: {} MiB per dataset at most (budget {} MiB)",
                layers.size(),
                mib(counters),
                mib(budget));
        if (counters > budget) {
            estimates.sort(Comparator.comparingLong(MemoryEstimate::bytes).reversed());
            StringBuilder largest = new StringBuilder();
            for (MemoryEstimate e : estimates.subList(0, Math.min(3, estimates.size()))) {
                largest.append(largest.length() == 0 ? "" : "; ")
                        .append(e.description())
                        .append(": ")
                        .append(mib(e.bytes()))
                        .append(" MiB");
            }
            throw new MemoryLimitExceededException(
                    new MemoryEstimate(
                            counters,
                            "the S1/S2 counters of the " + layers.size() + " inspected layers (largest: " + largest
                                    + ")"),
                    budget,
                    "inspect fewer layers (Audit.Builder#layers), choose channel views (Audit.Builder#view), or raise"
                            + " Audit.Builder#memoryBudgetBytes");
        }
        Set<String> patterns = patternLayers(o, run, views, params);
        List<String> detectors = run.detectors() ? patternDetectorLayers(o, run, views, params) : List.of();
        List<String> nodes = run.nodeFitSamples() != 0 ? nodeClassifierLayers(o, run, views, params) : List.of();
        return new MemoryPlan(views, patterns, detectors, nodes, params);
    }

    /**
     * A layer's view: the chosen one; MASKED_MEAN for a unit shape {@code [T, d]} when the mask is named; else
     * CHANNEL_MEAN for a map {@code [C, ...]} whose flattened counters exceed the layer's share of the budget (B / L)
     * or whose size varies; else FLATTENED.
     */
    private static NeuronView view(
            AuditOptions o, String layer, int[] shape, int k, long share, Map<String, String> params) {
        NeuronView chosen = o.views().get(layer);
        if (chosen != null) {
            if (shape.length > 0 && !hasUnknown(shape, chosen == NeuronView.MASKED_MEAN ? 1 : 0)) {
                checkView(chosen, layer, shape);
            }
            if (chosen != NeuronView.FLATTENED) {
                params.put("neuron_view." + layer, chosen + " (chosen)");
            }
            return chosen;
        }
        if (o.maskInput() != null && shape.length == 2) {
            params.put(
                    "neuron_view." + layer,
                    NeuronView.MASKED_MEAN + " (sequence layer [T, d], mask " + o.maskInput() + ")");
            return NeuronView.MASKED_MEAN;
        }
        if (shape.length < 2) {
            return NeuronView.FLATTENED;
        }
        if (shape[0] < 0) {
            LOG.warn(
                    "layer {} has unit shape {} with an unknown channel count; its memory cannot be planned and it"
                            + " is viewed FLATTENED",
                    layer,
                    Arrays.toString(shape));
            return NeuronView.FLATTENED;
        }
        if (hasUnknown(shape, 0)) {
            params.put(
                    "neuron_view." + layer,
                    NeuronView.CHANNEL_MEAN + " (unit shape " + Arrays.toString(shape)
                            + " varies: flattened counters unbounded)");
            return NeuronView.CHANNEL_MEAN;
        }
        MemoryEstimate flat = counterEstimate(NeuronView.FLATTENED, layer, shape, k);
        if (flat.bytes() > share) {
            params.put(
                    "neuron_view." + layer,
                    NeuronView.CHANNEL_MEAN + " (flattened counters " + mib(flat.bytes()) + " MiB > B / L = "
                            + mib(share) + " MiB)");
            return NeuronView.CHANNEL_MEAN;
        }
        return NeuronView.FLATTENED;
    }

    private static void checkView(NeuronView view, String layer, int[] shape) {
        try {
            view.neurons(shape);
        } catch (OnnxInspectException e) {
            throw new OnnxInspectException("layer " + layer + " cannot be viewed " + view + ": " + e.getMessage());
        }
    }

    private static boolean hasUnknown(int[] shape, int from) {
        for (int d = from; d < shape.length; d++) {
            if (shape[d] < 0) {
                return true;
            }
        }
        return false;
    }

    /** The counters of a layer (unknown sequence lengths counted as 1), or null when the size is unknown. */
    private static MemoryEstimate counterEstimate(NeuronView view, String layer, int[] shape, int k) {
        int[] known = knownShape(view, shape);
        return known == null ? null : LayerStatisticsAccumulator.estimate(options(k, view), layer, known);
    }

    /** The shape with a MASKED_MEAN layer's unknown T taken as 1; null when another dimension is unknown. */
    private static int[] knownShape(NeuronView view, int[] shape) {
        if (shape.length == 0) {
            return null;
        }
        int[] known = shape.clone();
        for (int d = 0; d < known.length; d++) {
            boolean free = view == NeuronView.MASKED_MEAN ? d == 0 : view != NeuronView.FLATTENED && d > 0;
            if (known[d] < 0) {
                if (!free) {
                    return null;
                }
                known[d] = 1;
            }
        }
        return known;
    }

    private static StatsOptions options(int k, NeuronView view) {
        return StatsOptions.builder(k, ClassBasis.LABEL).view(view).build();
    }

    private static int neurons(NeuronView view, int[] shape) {
        int[] known = knownShape(view, shape);
        return known == null ? -1 : view.neurons(known);
    }

    /** SPEC §7: the patterns of one pass, per layer {@link PatternAccumulator#bytesPerPattern} per sample. */
    private static Set<String> patternLayers(
            AuditOptions o, Run run, Map<String, NeuronView> views, Map<String, String> params) {
        if (o.patterns() != null) {
            if (!o.patterns()) {
                params.put("patterns", "off (chosen)");
                return Set.of();
            }
            return new LinkedHashSet<>(run.layers());
        }
        if (run.largestPass() < 0) {
            LOG.info("a dataset has an unknown size: the SPEC §7 patterns cannot be planned and are collected on every"
                    + " layer");
            return new LinkedHashSet<>(run.layers());
        }
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String layer : run.layers()) {
            int n = neurons(views.get(layer), run.unitShapes().getOrDefault(layer, new int[0]));
            bytes.put(layer, n < 0 ? -1 : PatternAccumulator.bytesPerPattern(n) * run.largestPass());
        }
        return new LinkedHashSet<>(deepestFirst(
                bytes,
                o.memoryBudgetBytes(),
                "patterns",
                params,
                "SPEC §7 patterns of " + run.largestPass() + " samples"));
    }

    /**
     * SPEC §5 per-layer detectors (NAP Hamming, activation-profile KL, pattern distance): per layer of n neurons (of
     * its view) the fit counts of the last two (K x n longs each), their fitted profiles (n doubles each per class
     * with fit samples) and NAP's distinct patterns (one bit per neuron per fit sample, in words).
     */
    private static List<String> patternDetectorLayers(
            AuditOptions o, Run run, Map<String, NeuronView> views, Map<String, String> params) {
        long fit = run.fitSamples() < 0 ? -1 : run.fitSamples();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String layer : run.layers()) {
            long n = neurons(views.get(layer), run.unitShapes().getOrDefault(layer, new int[0]));
            if (n < 0 || fit < 0) {
                bytes.put(layer, -1L);
            } else {
                long k = run.classes();
                bytes.put(
                        layer,
                        2 * k * n * Long.BYTES
                                + 2 * Math.min(k, fit) * n * Double.BYTES
                                + fit * (((n + 63) / 64) * Long.BYTES + 16));
            }
        }
        return deepestFirst(
                bytes,
                o.memoryBudgetBytes(),
                "pattern_detectors",
                params,
                "SPEC §5 per-layer detectors fitted on " + fit + " samples");
    }

    /**
     * SPEC §8, per layer: the classifiers ({@link NodeClassifierFitAccumulator#estimate}) and their FAST evaluation's
     * buffer and sums ({@link NodeClassifierEvaluationAccumulator#estimate}), which the evaluation holds for every
     * layer at once.
     */
    private static List<String> nodeClassifierLayers(
            AuditOptions o, Run run, Map<String, NeuronView> views, Map<String, String> params) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String layer : run.layers()) {
            NeuronView view = views.get(layer);
            int[] known = knownShape(view, run.unitShapes().getOrDefault(layer, new int[0]));
            bytes.put(
                    layer,
                    known == null || run.nodeFitSamples() < 0
                            ? -1L
                            : NodeClassifierFitAccumulator.estimate(
                                                    options(run.classes(), view), layer, known, run.nodeFitSamples())
                                            .bytes()
                                    + NodeClassifierEvaluationAccumulator.estimate(
                                                    options(run.classes(), view),
                                                    layer,
                                                    known,
                                                    run.nodeEvalSamples(),
                                                    run.nodeFitSamples())
                                            .bytes());
        }
        return deepestFirst(
                bytes,
                o.memoryBudgetBytes(),
                "node_classifiers",
                params,
                "SPEC §8 node classifiers fitted on " + run.nodeFitSamples() + " samples");
    }

    /**
     * The layers, taken from the deepest (last) back, each if its bytes fit in what is left of the budget (a layer
     * whose size is unknown is taken and not counted); returned in inspection order. The others are recorded as
     * {@code <kind>_skipped.<layer>}, the total taken as {@code memory_estimate.<kind>}.
     */
    static List<String> deepestFirst(
            Map<String, Long> bytes, long budget, String kind, Map<String, String> params, String what) {
        List<String> order = new ArrayList<>(bytes.keySet());
        Set<String> taken = new LinkedHashSet<>();
        long used = 0;
        for (int i = order.size() - 1; i >= 0; i--) {
            String layer = order.get(i);
            long b = bytes.get(layer);
            if (b < 0) {
                LOG.info("{} of layer {}: size unknown, not planned", what, layer);
                taken.add(layer);
            } else if (used + b <= budget) {
                used += b;
                taken.add(layer);
            } else {
                params.put(
                        kind + "_skipped." + layer,
                        mib(b) + " MiB, " + mib(budget - used) + " MiB of the budget " + mib(budget) + " MiB left");
            }
        }
        params.put("memory_estimate." + kind, Long.toString(used));
        LOG.info(
                "{}: {} of {} layers, {} MiB (budget {} MiB)",
                what,
                taken.size(),
                order.size(),
                mib(used),
                mib(budget));
        return order.stream().filter(taken::contains).toList();
    }

    /**
     * SPEC §4 after the passes, when every table's classes are known: per layer, the K x K matrices of its S1 and S2
     * profiles (within every dataset, ID vs each OOD set both ways, within the fit set) and, per dense layer, of its
     * interaction profiles, each {@link #KL_ROW_BYTES} per entry; layers are taken from the deepest back within the
     * budget ({@code kl_skipped.<layer>} records the others).
     *
     * @param rows per layer (S1 and S2 together) and per dense layer ({@code "<layer> (interaction)"}), the entries
     *             its matrices would have, in inspection order
     * @return the keys of {@code rows} whose matrices are computed
     */
    static Set<String> klLayers(Map<String, Long> rows, long budget, Map<String, String> params) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        rows.forEach((key, n) -> bytes.put(key, n * KL_ROW_BYTES));
        return new LinkedHashSet<>(deepestFirst(bytes, budget, "kl", params, "SPEC §4 KL matrices"));
    }

    /**
     * SPEC §5b bank detectors (NNGuide: N x d doubles, Relation: N x (d + K) doubles), stated before the fit pass
     * allocates them: each bank is kept when it fits the budget B on its own, else its detector is left out. Records
     * {@code memory_estimate.<detector>_bank} (bytes) and, for a detector left out, {@code bank_skipped.<detector>};
     * logs every estimate. A fit set of unknown size is not planned (the banks grow as it streams).
     *
     * @param fitSamples the fit set's samples (-1: unknown)
     * @param featureDim d, the width of the features h (-1: unknown or none)
     * @return the detectors to leave out ({@link dev.onnxinspect.ood.DetectorSuite.Builder#leaveOut}), with the reason
     */
    static Map<String, String> banksLeftOut(
            long budget, long fitSamples, int featureDim, int classes, Map<String, String> params) {
        Map<String, String> left = new LinkedHashMap<>();
        if (fitSamples < 0 || featureDim < 0) {
            LOG.info("SPEC §5b banks (nnguide, relation): fit set size or feature width unknown, not planned");
            return left;
        }
        Map<String, MemoryEstimate> banks = new LinkedHashMap<>();
        banks.put("nnguide", NnGuideDetector.estimate(fitSamples, featureDim));
        banks.put("relation", RelationDetector.estimate(fitSamples, featureDim, classes));
        for (Map.Entry<String, MemoryEstimate> e : banks.entrySet()) {
            MemoryEstimate bank = e.getValue();
            params.put("memory_estimate." + e.getKey() + "_bank", Long.toString(bank.bytes()));
            LOG.info("{}: {} MiB (budget {} MiB)", bank.description(), mib(bank.bytes()), mib(budget));
            if (bank.bytes() > budget) {
                String why = bank.description() + " = " + mib(bank.bytes()) + " MiB exceeds the memory budget "
                        + mib(budget) + " MiB; fit on fewer samples or raise Audit.Builder#memoryBudgetBytes";
                params.put("bank_skipped." + e.getKey(), why);
                left.put(e.getKey(), why);
            }
        }
        return left;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 20));
    }

    /** Each layer's view. */
    public NeuronView view(String layer) {
        return views.getOrDefault(layer, NeuronView.FLATTENED);
    }

    /** Whether any layer is viewed MASKED_MEAN. */
    boolean masked() {
        return views.containsValue(NeuronView.MASKED_MEAN);
    }

    /** The statistics options of one layer: the base with the layer's view and its patterns decision. */
    public StatsOptions options(String layer, StatsOptions base) {
        return new StatsOptions(
                base.numClasses(),
                base.basis(),
                base.s1(),
                base.s2(),
                view(layer),
                base.bins(),
                base.patterns() && patternLayers.contains(layer));
    }

    /** The layers of the SPEC §5 per-layer detectors. */
    List<String> patternDetectorLayers() {
        return patternDetectorLayers;
    }

    /** The layers of the SPEC §8 node classifiers. */
    public List<String> nodeClassifierLayers() {
        return nodeClassifierLayers;
    }

    /** The decisions, as run parameters. */
    public Map<String, String> parameters() {
        return parameters;
    }
}
