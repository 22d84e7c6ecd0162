package dev.onnxinspect.spark;

import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics of one partition (or of several, merged): per layer a {@link LayerStatisticsAccumulator}, per dense
 * layer an {@link InteractionAccumulator}, and the counts of the inspection summary. Serialisable, so that Spark
 * ships partials between executors and to the driver; {@link #merge} of the partials equals one pass over all the
 * rows (the accumulators' merge is exact). An empty partition gives the {@link #empty()} partial, the identity of
 * {@link #merge}.
 *
 * <p>Mutable and not thread-safe: {@link #merge} adds the other partial into this one and returns this.
 */
final class InspectionPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, LayerStatisticsAccumulator> layers;
    private final Map<String, InteractionAccumulator> interactions;
    private long samples;
    private long skipped;
    private int batches;
    private long[] classCounts;

    InspectionPartial(
            Map<String, LayerStatisticsAccumulator> layers,
            Map<String, InteractionAccumulator> interactions,
            long samples,
            long skipped,
            int batches,
            long[] classCounts) {
        this.layers = new LinkedHashMap<>(layers);
        this.interactions = new LinkedHashMap<>(interactions);
        this.samples = samples;
        this.skipped = skipped;
        this.batches = batches;
        this.classCounts = classCounts == null ? null : classCounts.clone();
    }

    /** The partial of a partition without rows. */
    static InspectionPartial empty() {
        return new InspectionPartial(Map.of(), Map.of(), 0, 0, 0, null);
    }

    /** Adds {@code other} into this partial (the other is unchanged) and returns this. */
    InspectionPartial merge(InspectionPartial other) {
        other.layers.forEach((layer, acc) -> {
            LayerStatisticsAccumulator mine = layers.get(layer);
            if (mine == null) {
                layers.put(layer, acc);
            } else {
                mine.merge(acc);
            }
        });
        other.interactions.forEach((layer, acc) -> {
            InteractionAccumulator mine = interactions.get(layer);
            if (mine == null) {
                interactions.put(layer, acc);
            } else {
                mine.merge(acc);
            }
        });
        samples += other.samples;
        skipped += other.skipped;
        batches += other.batches;
        if (other.classCounts != null) {
            if (classCounts == null) {
                classCounts = other.classCounts.clone();
            } else {
                for (int c = 0; c < classCounts.length; c++) {
                    classCounts[c] += other.classCounts[c];
                }
            }
        }
        return this;
    }

    /** The statistics of every layer, in the order of {@code order} (layers no partition saw are absent). */
    Map<String, LayerStatistics> layerResults(List<String> order) {
        Map<String, LayerStatistics> out = new LinkedHashMap<>();
        for (String layer : order) {
            LayerStatisticsAccumulator acc = layers.get(layer);
            if (acc != null) {
                out.put(layer, acc.result());
            }
        }
        return out;
    }

    /** The interaction frequencies of every dense layer, in the order of {@code order}. */
    Map<String, InteractionFrequencies> interactionResults(List<String> order) {
        Map<String, InteractionFrequencies> out = new LinkedHashMap<>();
        for (String layer : order) {
            InteractionAccumulator acc = interactions.get(layer);
            if (acc != null) {
                out.put(layer, acc.result());
            }
        }
        return out;
    }

    long samples() {
        return samples;
    }

    long skipped() {
        return skipped;
    }

    int batches() {
        return batches;
    }

    /** Samples per class (length K), or an array of K zeros when no partition had a sample. */
    long[] classCounts(int k) {
        return classCounts == null ? new long[k] : classCounts.clone();
    }
}
