package dev.onnxinspect.samples.bench;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ClassProfiles;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarked statistics: one {@link LayerStatisticsAccumulator} per hidden layer (S1 and S2 class-wise
 * frequencies and active fractions, and S1 patterns when the options ask for them), fed on the hook thread; then
 * {@link #finish()} builds what a report shows: every layer's result, the frequency histograms of every class
 * under S1 and S2, and the S1 and S2 class profiles (SPEC §1, §2, §4, §7).
 */
final class StatisticsHook implements InspectionHook {
    private final StatsOptions options;
    private final List<String> layers;
    private final Map<String, LayerStatisticsAccumulator> accumulators = new LinkedHashMap<>();

    StatisticsHook(StatsOptions options, List<String> layers) {
        this.options = options;
        this.layers = List.copyOf(layers);
    }

    @Override
    public void onBatch(BatchView view) {
        int[] classes = view.classes();
        for (String layer : layers) {
            LayerActivations acts = view.layer(layer);
            accumulators.computeIfAbsent(layer, name -> new LayerStatisticsAccumulator(options, name,
                    acts.unitShape())).accept(classes, acts);
        }
    }

    /** The per-layer results with histograms and profiles; the returned object keeps them alive. */
    Finished finish() {
        List<LayerStatistics> results = new ArrayList<>();
        List<int[]> histograms = new ArrayList<>();
        List<ClassProfiles> profiles = new ArrayList<>();
        for (LayerStatisticsAccumulator acc : accumulators.values()) {
            LayerStatistics stats = acc.result();
            results.add(stats);
            ActivationFrequencies f = stats.frequencies();
            for (FrequencyTable table : List.of(f.s1Table(), f.s2Table())) {
                for (int c : table.classIds()) {
                    histograms.add(table.histogram(c));
                }
                profiles.add(ClassProfiles.of(table));
            }
        }
        return new Finished(results, histograms, profiles);
    }

    /** What {@link #finish()} built. */
    record Finished(List<LayerStatistics> layers, List<int[]> histograms, List<ClassProfiles> profiles) {
        long samples() {
            return layers.isEmpty() ? 0 : layers.get(0).frequencies().samples();
        }
    }
}
