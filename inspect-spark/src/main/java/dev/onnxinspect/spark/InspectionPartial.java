package dev.onnxinspect.spark;

import dev.onnxinspect.audit.ConfusionMatrix;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics of one partition (or of several, merged): per layer a {@link LayerStatisticsAccumulator}, per dense
 * layer an {@link InteractionAccumulator}, per layer of the SPEC §8 node classifiers its fit data (a
 * {@link NodeClassifierFitAccumulator}, on the fit set) or its evaluation counts (a {@link NodeClassifierResult}, on
 * the ID set), the counts of the inspection summary and, on a labelled pass, the (label, prediction) counts of
 * the confusion matrix (integers: their merge is exact). Serialisable, so that Spark ships partials between
 * executors and to the driver; {@link #merge} of the partials equals one pass over all the rows (the accumulators'
 * merge is exact; the fit data are gathered, every on-value kept). An empty partition gives the {@link #empty()}
 * partial, the identity of {@link #merge}.
 *
 * <p>Choice: a partition's node-classifier evaluation travels as its result (counts per node and for the layer),
 * not as its accumulator: the accumulator merges only with evaluations of the same classifier object, which a
 * deserialised copy is not, and its FAST buffer is evaluated at the end of the partition anyway. The counts add up
 * as {@link dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator#merge} adds them.
 *
 * <p>Mutable and not thread-safe: {@link #merge} adds the other partial into this one and returns this.
 */
final class InspectionPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, LayerStatisticsAccumulator> layers;
    private final Map<String, InteractionAccumulator> interactions;
    private final Map<String, NodeClassifierFitAccumulator> nodeFits;
    private final Map<String, NodeClassifierResult> nodeResults;
    private long samples;
    private long skipped;
    private int batches;
    private long[] classCounts;
    private long[][] confusion;

    InspectionPartial(
            Map<String, LayerStatisticsAccumulator> layers,
            Map<String, InteractionAccumulator> interactions,
            Map<String, NodeClassifierFitAccumulator> nodeFits,
            Map<String, NodeClassifierResult> nodeResults,
            long samples,
            long skipped,
            int batches,
            long[] classCounts,
            long[][] confusion) {
        this.layers = new LinkedHashMap<>(layers);
        this.interactions = new LinkedHashMap<>(interactions);
        this.nodeFits = new LinkedHashMap<>(nodeFits);
        this.nodeResults = new LinkedHashMap<>(nodeResults);
        this.samples = samples;
        this.skipped = skipped;
        this.batches = batches;
        this.classCounts = classCounts == null ? null : classCounts.clone();
        this.confusion = confusion == null ? null : copy(confusion);
    }

    /** The partial of a partition without rows. */
    static InspectionPartial empty() {
        return new InspectionPartial(Map.of(), Map.of(), Map.of(), Map.of(), 0, 0, 0, null, null);
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
        other.nodeFits.forEach((layer, acc) -> {
            NodeClassifierFitAccumulator mine = nodeFits.get(layer);
            if (mine == null) {
                nodeFits.put(layer, acc);
            } else {
                mine.merge(acc);
            }
        });
        other.nodeResults.forEach((layer, r) -> nodeResults.merge(layer, r, InspectionPartial::plus));
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
        if (other.confusion != null) {
            if (confusion == null) {
                confusion = copy(other.confusion);
            } else {
                for (int t = 0; t < confusion.length; t++) {
                    for (int p = 0; p < confusion.length; p++) {
                        confusion[t][p] += other.confusion[t][p];
                    }
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

    /**
     * The sum of two evaluations of the same layer's node classifiers: every count added, as the evaluation
     * accumulators' merge adds them.
     */
    static NodeClassifierResult plus(NodeClassifierResult a, NodeClassifierResult b) {
        if (!a.layer().equals(b.layer()) || a.mode() != b.mode() || a.nodeCorrect().length != b.nodeCorrect().length) {
            throw new SparkInspectionException("cannot add the node classifier evaluation of " + b.layer() + " ("
                    + b.mode() + ", " + b.nodeCorrect().length + " nodes) to that of " + a.layer() + " (" + a.mode()
                    + ", " + a.nodeCorrect().length + " nodes)");
        }
        long[] nodes = a.nodeCorrect();
        long[] other = b.nodeCorrect();
        for (int j = 0; j < nodes.length; j++) {
            nodes[j] += other[j];
        }
        return new NodeClassifierResult(
                a.layer(),
                a.mode(),
                a.samples() + b.samples(),
                a.invalidSamples() + b.invalidSamples(),
                a.emptyMaskSamples() + b.emptyMaskSamples(),
                a.layerCorrect() + b.layerCorrect(),
                nodes);
    }

    /** The fitted node classifiers of every layer that saw a valid fit sample, in the order of {@code order}. */
    Map<String, NodeClassifier> nodeClassifiers(List<String> order) {
        Map<String, NodeClassifier> out = new LinkedHashMap<>();
        for (String layer : order) {
            NodeClassifierFitAccumulator acc = nodeFits.get(layer);
            if (acc != null) {
                out.put(layer, acc.result());
            }
        }
        return out;
    }

    /** The node classifiers' evaluations, in the order of {@code order} (layers no partition evaluated absent). */
    List<NodeClassifierResult> nodeResults(List<String> order) {
        return order.stream()
                .filter(nodeResults::containsKey)
                .map(nodeResults::get)
                .toList();
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

    /**
     * The (label, prediction) counts of a labelled pass as {@code dataset}'s confusion matrix (K x K zeros when no
     * partition had a sample); null for a pass whose classes are the predictions (no labels to count).
     */
    ConfusionMatrix confusion(String dataset, int k, boolean labelled) {
        if (!labelled) {
            return null;
        }
        return new ConfusionMatrix(dataset, k, confusion == null ? new long[k][k] : confusion);
    }

    private static long[][] copy(long[][] counts) {
        long[][] out = new long[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            out[t] = counts[t].clone();
        }
        return out;
    }

    /** Samples per class (length K), or an array of K zeros when no partition had a sample. */
    long[] classCounts(int k) {
        return classCounts == null ? new long[k] : classCounts.clone();
    }
}
