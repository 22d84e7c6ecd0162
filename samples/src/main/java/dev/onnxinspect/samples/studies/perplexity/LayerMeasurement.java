package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the library on one exported model: three streaming {@link Inspection}s of its hidden layers, each feeding the
 * library's accumulators: the statistics set into {@link LayerStatisticsAccumulator} (S1/S2 frequencies, histograms,
 * active fractions, patterns; SPEC §1, §2, §7), the fit set into {@link NodeClassifierFitAccumulator} and the
 * evaluation set into the fitted classifiers' {@link NodeClassifierEvaluationAccumulator} (SPEC §8, the fast exact
 * KDE). Classes are the true labels; SPEC defaults (tau = 0, eps = 1000, B = 100). Opens and closes its own session.
 */
final class LayerMeasurement {
    /** SPEC defaults, true labels, K = 10. */
    static final StatsOptions OPTIONS =
            StatsOptions.builder(10, ClassBasis.LABEL).build();

    private LayerMeasurement() {}

    /**
     * The figures of every hidden layer of {@code model}, layer 1 first.
     *
     * @param model  an exported grid model (ONNX bytes)
     * @param layers its hidden activations, layer 1 first
     * @param stats  the set of the statistics (labelled)
     * @param fit    the set the node classifiers are fitted on (labelled)
     * @param eval   the set they are evaluated on (labelled)
     */
    static List<LayerFigures> measure(
            byte[] model, List<String> layers, InMemoryDataset stats, InMemoryDataset fit, InMemoryDataset eval) {
        Map<String, LayerStatisticsAccumulator> statistics = new LinkedHashMap<>();
        Map<String, NodeClassifierFitAccumulator> fits = new LinkedHashMap<>();
        Map<String, NodeClassifierEvaluationAccumulator> evaluations = new LinkedHashMap<>();
        try (InferenceSession session = InferenceSession.open(model, SessionConfig.defaults())) {
            inspection(session, stats, layers).run(view -> {
                for (String layer : layers) {
                    var acts = view.layer(layer);
                    statistics
                            .computeIfAbsent(layer, l -> new LayerStatisticsAccumulator(OPTIONS, l, acts.unitShape()))
                            .accept(view.classes(), acts);
                }
            });
            inspection(session, fit, layers).run(view -> {
                for (String layer : layers) {
                    var acts = view.layer(layer);
                    fits.computeIfAbsent(layer, l -> new NodeClassifierFitAccumulator(OPTIONS, l, acts.unitShape()))
                            .accept(view.classes(), acts);
                }
            });
            Map<String, NodeClassifier> classifiers = new LinkedHashMap<>();
            fits.forEach((layer, acc) -> classifiers.put(layer, acc.result()));
            inspection(session, eval, layers).run(view -> {
                for (String layer : layers) {
                    evaluations
                            .computeIfAbsent(layer, l -> classifiers.get(l).evaluation(KdeMode.FAST))
                            .accept(view.classes(), view.layer(layer));
                }
            });
        }
        List<LayerFigures> figures = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            // every pass saw at least one sample of every layer: an Inspection refuses an empty source
            LayerStatistics s = statistics.get(layer).result();
            figures.add(LayerFigures.of(
                    i + 1,
                    s.frequencies(),
                    s.patterns()
                            .orElseThrow(() -> new OnnxInspectException("layer " + layer + " has no pattern statistics;"
                                    + " the study's options collect patterns")),
                    evaluations.get(layer).result()));
        }
        return figures;
    }

    private static Inspection inspection(InferenceSession session, InMemoryDataset data, List<String> layers) {
        return Inspection.builder(session, data)
                .layers(layers)
                .classSource(ClassSource.LABEL)
                .build();
    }
}
