package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.SequenceMask;
import dev.onnxinspect.stats.StatsOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §8 nodes as classifiers: {@link Fit} collects the labelled fit set per layer, {@link Evaluate} evaluates the
 * fitted classifiers on the labelled ID set. By default every sample is used (SPEC §8); a user may limit both to
 * the first N and M samples because the KDE is evaluated from every fit value (cost grows with N x M x nodes). The
 * counts used are recorded in the run parameters ({@code node_fit_samples}, {@code node_eval_samples}). Each layer is
 * read through its own view; MASKED_MEAN layers get the batch's attention mask.
 */
final class NodeClassifierHooks {
    private static final Logger LOG = LoggerFactory.getLogger(NodeClassifierHooks.class);

    private NodeClassifierHooks() {}

    /** Takes only the first {@code limit} samples of the batches it sees, of its layers only. */
    private abstract static class Limited implements InspectionHook {
        private final long limit;
        private final String maskInput;
        private long seen;

        Limited(long limit, String maskInput) {
            this.limit = limit;
            this.maskInput = maskInput;
        }

        @Override
        public final void onBatch(BatchView view) {
            if (seen >= limit) {
                return;
            }
            int take = (int) Math.min(view.size(), limit - seen);
            seen += take;
            int[] classes = take == view.size() ? view.classes() : Arrays.copyOf(view.classes(), take);
            SequenceMask mask = null;
            for (String layer : layers()) {
                LayerActivations a = view.layer(layer);
                LayerActivations head = take == view.size()
                        ? a
                        : new LayerActivations(
                                a.layer(), Arrays.copyOf(a.values(), take * a.units()), take, a.unitShape());
                if (view(layer) == NeuronView.MASKED_MEAN && mask == null) {
                    mask = StatsHook.batchMask(view, maskInput).head(take);
                }
                accept(layer, classes, head, view(layer) == NeuronView.MASKED_MEAN ? mask : null);
            }
        }

        /** The layers this hook reads. */
        abstract Iterable<String> layers();

        /** The view of one of its layers. */
        abstract NeuronView view(String layer);

        abstract void accept(String layer, int[] classes, LayerActivations acts, SequenceMask mask);

        /** The samples taken so far. */
        long seen() {
            return seen;
        }
    }

    static final class Fit extends Limited {
        private final Map<String, StatsOptions> options;
        private final Map<String, NodeClassifierFitAccumulator> fits = new LinkedHashMap<>();

        /**
         * @param options   per layer, its options (its view)
         * @param maskInput the input holding the attention mask (for MASKED_MEAN layers), or null
         */
        Fit(Map<String, StatsOptions> options, String maskInput, long limit) {
            super(limit, maskInput);
            this.options = new LinkedHashMap<>(options);
        }

        @Override
        Iterable<String> layers() {
            return options.keySet();
        }

        @Override
        NeuronView view(String layer) {
            return options.get(layer).view();
        }

        @Override
        void accept(String layer, int[] classes, LayerActivations acts, SequenceMask mask) {
            fits.computeIfAbsent(layer, l -> new NodeClassifierFitAccumulator(options.get(l), l, acts.unitShape()))
                    .accept(classes, acts, mask);
        }

        Map<String, NodeClassifier> classifiers() {
            Map<String, NodeClassifier> out = new LinkedHashMap<>();
            fits.forEach((layer, fit) -> out.put(layer, fit.result()));
            return out;
        }
    }

    static final class Evaluate extends Limited {
        private final Map<String, NodeClassifierEvaluationAccumulator> evaluations = new LinkedHashMap<>();
        private final Map<String, NeuronView> views = new LinkedHashMap<>();
        private boolean logged;

        Evaluate(Map<String, NodeClassifier> classifiers, long limit, String maskInput) {
            super(limit, maskInput);
            classifiers.forEach((layer, c) -> {
                evaluations.put(layer, c.evaluation(KdeMode.FAST));
                views.put(layer, c.options().view());
            });
        }

        @Override
        Iterable<String> layers() {
            return evaluations.keySet();
        }

        @Override
        NeuronView view(String layer) {
            return views.get(layer);
        }

        @Override
        void accept(String layer, int[] classes, LayerActivations acts, SequenceMask mask) {
            evaluations.get(layer).accept(classes, acts, mask);
        }

        /**
         * The evaluations' results; the first call evaluates the samples the FAST evaluations still buffer, and logs
         * how long that took (the part of the ID pass's SPEC §8 work done after the pass).
         */
        List<NodeClassifierResult> results() {
            long start = System.nanoTime();
            List<NodeClassifierResult> out = evaluations.values().stream()
                    .map(NodeClassifierEvaluationAccumulator::result)
                    .toList();
            if (!logged) {
                logged = true;
                LOG.info(
                        "SPEC 8 nodes as classifiers: buffered evaluation of {} layers finished in {} ms",
                        out.size(),
                        (System.nanoTime() - start) / 1_000_000);
            }
            return out;
        }
    }
}
