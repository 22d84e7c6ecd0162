package dev.onnxinspect.samples.bench;

import dev.onnxinspect.OnnxInspectException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmarked statistics: one {@link LayerStatisticsAccumulator} per hidden layer (S1 and S2 class-wise
 * frequencies and active fractions, and S1 patterns when the options ask for them), fed on the hook thread; then
 * {@link #finish()} builds what a report shows: every layer's result, the frequency histograms of every class
 * under S1 and S2, and the S1 and S2 class profiles (SPEC §1, §2, §4, §7).
 * <p>With two threads, the hook counts the second half of every batch on a helper thread of its own into a
 * second set of accumulators while the hook thread counts the first half, and merges the two sets in
 * {@link #finish()} (integer counts: exactly the result of one thread). The helper thread lives until
 * {@link #finish()}.
 */
final class StatisticsHook implements InspectionHook {
    private final StatsOptions options;
    private final List<String> layers;
    private final Map<String, LayerStatisticsAccumulator> accumulators = new LinkedHashMap<>();
    private final Map<String, LayerStatisticsAccumulator> helperAccumulators = new LinkedHashMap<>();
    private final ExecutorService helper;

    StatisticsHook(StatsOptions options, List<String> layers) {
        this(options, layers, 1);
    }

    /** @param threads 1 (everything on the hook thread) or 2 (each batch split in halves over two threads) */
    StatisticsHook(StatsOptions options, List<String> layers, int threads) {
        if (threads != 1 && threads != 2) {
            throw new OnnxInspectException(
                    "the statistics hook runs on 1 or 2 threads (--hook-threads), got " + threads);
        }
        this.options = options;
        this.layers = List.copyOf(layers);
        this.helper = threads == 1
                ? null
                : Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "onnx-inspect-bench-statistics");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public void onBatch(BatchView view) {
        int half = helper == null ? view.size() : view.size() / 2;
        Future<?> second =
                helper == null ? null : helper.submit(() -> count(helperAccumulators, view, half, view.size()));
        try {
            count(accumulators, view, 0, half);
        } finally {
            if (second != null) {
                awaitHelper(second); // the activations are readable only during this call
            }
        }
    }

    private static void awaitHelper(Future<?> second) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    second.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the helper thread failed on a batch: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void count(Map<String, LayerStatisticsAccumulator> into, BatchView view, int from, int to) {
        int[] classes = view.classes();
        for (String layer : layers) {
            LayerActivations acts = view.layer(layer);
            into.computeIfAbsent(layer, name -> new LayerStatisticsAccumulator(options, name, acts.unitShape()))
                    .accept(classes, acts, from, to);
        }
    }

    /** The per-layer results with histograms and profiles; the returned object keeps them alive. */
    Finished finish() {
        if (helper != null) {
            helper.shutdown();
            helperAccumulators.forEach((layer, acc) -> accumulators.get(layer).merge(acc));
        }
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
