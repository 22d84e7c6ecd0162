package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.SequenceMask;
import dev.onnxinspect.stats.StatsException;
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
 * next batch. Each layer has its own options (its neuron view, whether patterns are collected); layers viewed
 * {@link NeuronView#MASKED_MEAN} get the batch's attention mask, read from the named input tensor of the batch.
 * Mutable; used by one inspection at a time.
 */
final class StatsHook implements InspectionHook {
    private final Map<String, StatsOptions> options;
    private final List<String> layers;
    private final String maskInput;
    private final boolean masked;
    private final ExecutorService executor;
    private final Map<String, LayerStatisticsAccumulator> accumulators = new LinkedHashMap<>();

    /** The same options for every layer, no mask. */
    StatsHook(StatsOptions options, List<String> layers, ExecutorService executor) {
        this(sameFor(layers, options), null, executor);
    }

    /**
     * @param options   per layer, in inspection order, its options
     * @param maskInput the batch input holding the attention mask, or null when no layer is viewed MASKED_MEAN
     */
    StatsHook(Map<String, StatsOptions> options, String maskInput, ExecutorService executor) {
        this.options = new LinkedHashMap<>(options);
        this.layers = List.copyOf(options.keySet());
        this.maskInput = maskInput;
        this.masked = options.values().stream().anyMatch(o -> o.view() == NeuronView.MASKED_MEAN);
        this.executor = executor;
    }

    private static Map<String, StatsOptions> sameFor(List<String> layers, StatsOptions options) {
        Map<String, StatsOptions> all = new LinkedHashMap<>();
        layers.forEach(l -> all.put(l, options));
        return all;
    }

    @Override
    public void onBatch(BatchView view) {
        int[] classes = view.classes();
        // read before any task starts, so that a batch without its mask fails before anything runs
        SequenceMask mask = masked ? batchMask(view, maskInput) : null;
        List<Future<?>> pending = new ArrayList<>(layers.size());
        for (String layer : layers) {
            LayerActivations acts = view.layer(layer);
            StatsOptions layerOptions = options.get(layer);
            SequenceMask m = layerOptions.view() == NeuronView.MASKED_MEAN ? mask : null;
            LayerStatisticsAccumulator acc = accumulators.computeIfAbsent(
                    layer, name -> new LayerStatisticsAccumulator(layerOptions, name, acts.unitShape()));
            if (executor == null || layers.size() == 1) {
                acc.accept(classes, acts, m);
            } else {
                pending.add(executor.submit(() -> acc.accept(classes, acts, m)));
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

    /**
     * The attention mask of a batch, from its input tensor {@code maskInput}.
     *
     * @throws dev.onnxinspect.OnnxInspectException when no mask input is named or the batch does not feed it
     */
    static SequenceMask batchMask(BatchView view, String maskInput) {
        if (maskInput == null) {
            throw new StatsException("a layer is viewed MASKED_MEAN but no attention mask input is named; name it"
                    + " (Audit.Builder#mask)");
        }
        return SequenceMask.of(view.batch().input(maskInput));
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
