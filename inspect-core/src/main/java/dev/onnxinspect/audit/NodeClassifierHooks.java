package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.StatsOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPEC §8 nodes as classifiers: {@link Fit} collects the labelled fit set per layer, {@link Evaluate} evaluates the
 * fitted classifiers on the labelled ID set. By default every sample is used (SPEC §8); a user may limit both to
 * the first N and M samples because the KDE is evaluated from every fit value (cost grows with N x M x nodes). The
 * counts used are recorded in the run parameters ({@code node_fit_samples}, {@code node_eval_samples}).
 */
final class NodeClassifierHooks {
    private NodeClassifierHooks() {}

    /** Takes only the first {@code limit} samples of the batches it sees. */
    private abstract static class Limited implements InspectionHook {
        private final long limit;
        private long seen;

        Limited(long limit) {
            this.limit = limit;
        }

        @Override
        public final void onBatch(BatchView view) {
            if (seen >= limit) {
                return;
            }
            int take = (int) Math.min(view.size(), limit - seen);
            seen += take;
            int[] classes = take == view.size() ? view.classes() : Arrays.copyOf(view.classes(), take);
            for (Map.Entry<String, LayerActivations> e : view.activations().entrySet()) {
                LayerActivations a = e.getValue();
                LayerActivations head = take == view.size()
                        ? a
                        : new LayerActivations(
                                a.layer(), Arrays.copyOf(a.values(), take * a.units()), take, a.unitShape());
                accept(e.getKey(), classes, head);
            }
        }

        abstract void accept(String layer, int[] classes, LayerActivations acts);

        /** The samples taken so far. */
        long seen() {
            return seen;
        }
    }

    static final class Fit extends Limited {
        private final StatsOptions options;
        private final List<String> layers;
        private final Map<String, NodeClassifierFitAccumulator> fits = new LinkedHashMap<>();

        Fit(StatsOptions options, List<String> layers, long limit) {
            super(limit);
            this.options = options;
            this.layers = List.copyOf(layers);
        }

        @Override
        void accept(String layer, int[] classes, LayerActivations acts) {
            if (layers.contains(layer)) {
                fits.computeIfAbsent(layer, l -> new NodeClassifierFitAccumulator(options, l, acts.unitShape()))
                        .accept(classes, acts);
            }
        }

        Map<String, NodeClassifier> classifiers() {
            Map<String, NodeClassifier> out = new LinkedHashMap<>();
            fits.forEach((layer, fit) -> out.put(layer, fit.result()));
            return out;
        }
    }

    static final class Evaluate extends Limited {
        private final Map<String, NodeClassifierEvaluationAccumulator> evaluations = new LinkedHashMap<>();

        Evaluate(Map<String, NodeClassifier> classifiers, long limit) {
            super(limit);
            classifiers.forEach((layer, c) -> evaluations.put(layer, c.evaluation(KdeMode.FAST)));
        }

        @Override
        void accept(String layer, int[] classes, LayerActivations acts) {
            NodeClassifierEvaluationAccumulator acc = evaluations.get(layer);
            if (acc != null) {
                acc.accept(classes, acts);
            }
        }

        List<NodeClassifierResult> results() {
            return evaluations.values().stream()
                    .map(NodeClassifierEvaluationAccumulator::result)
                    .toList();
        }
    }
}
