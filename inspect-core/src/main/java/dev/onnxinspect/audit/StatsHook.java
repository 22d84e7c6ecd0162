package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Feeds every batch's layer activations into one {@link LayerStatisticsAccumulator} per layer (S1/S2 frequencies,
 * histograms, active fractions, patterns). Layers are accumulated in parallel on the given executor (each layer's
 * accumulator is touched by one task at a time), so the statistics use the cores while ONNX Runtime computes the
 * next batch. Mutable; used by one inspection at a time.
 */
final class StatsHook implements InspectionHook {
    private final StatsOptions options;
    private final List<String> layers;
    private final ExecutorService executor;
    private final Map<String, LayerStatisticsAccumulator> accumulators = new LinkedHashMap<>();

    StatsHook(StatsOptions options, List<String> layers, ExecutorService executor) {
        this.options = options;
        this.layers = List.copyOf(layers);
        this.executor = executor;
    }

    @Override
    public void onBatch(BatchView view) {
        int[] classes = view.classes();
        List<Future<?>> pending = new ArrayList<>(layers.size());
        for (String layer : layers) {
            LayerActivations acts = view.layer(layer);
            LayerStatisticsAccumulator acc = accumulators.computeIfAbsent(
                    layer, name -> new LayerStatisticsAccumulator(options, name, acts.unitShape()));
            if (executor == null || layers.size() == 1) {
                acc.accept(classes, acts);
            } else {
                pending.add(executor.submit(() -> acc.accept(classes, acts)));
            }
        }
        // wait for every task before returning or throwing: the activations are readable only during this call
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> f : pending) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: a task may still read the batch
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error; // e.g. OutOfMemoryError: nothing to add to it
                    }
                    RuntimeException cause =
                            e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The statistics of every layer, in layer order. */
    Map<String, LayerStatistics> results() {
        Map<String, LayerStatistics> out = new LinkedHashMap<>();
        for (String layer : layers) {
            LayerStatisticsAccumulator acc = accumulators.get(layer);
            if (acc != null) {
                out.put(layer, acc.result());
            }
        }
        return out;
    }
}
