package dev.onnxinspect.report;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * SPEC §8 for one layer: the accuracy of the layer's combined prediction and of each node alone, fitted on one set
 * and evaluated on another. Deeply immutable.
 *
 * @param layer          the layer
 * @param fitDataset     the set the node estimates were fitted on
 * @param evalDataset    the set the accuracies were measured on
 * @param samples        the evaluated samples
 * @param layerAccuracy  the layer's accuracy, in [0, 1]
 * @param nodeAccuracies each node's own accuracy, in [0, 1]; copied
 */
public record NodeClassifierSummary(
        String layer,
        String fitDataset,
        String evalDataset,
        long samples,
        double layerAccuracy,
        double[] nodeAccuracies) {
    public NodeClassifierSummary {
        Require.text(layer, "NodeClassifierSummary.layer");
        Require.text(fitDataset, "NodeClassifierSummary.fitDataset");
        Require.text(evalDataset, "NodeClassifierSummary.evalDataset");
        Require.between(layerAccuracy, 0, 1, "NodeClassifierSummary.layerAccuracy");
        nodeAccuracies = nodeAccuracies.clone();
        for (double a : nodeAccuracies) {
            Require.between(a, 0, 1, "NodeClassifierSummary.nodeAccuracies");
        }
    }

    @Override
    public double[] nodeAccuracies() {
        return nodeAccuracies.clone();
    }

    /** The indices of the {@code n} most accurate nodes, best first (ties: the lower index first). */
    public int[] bestNodes(int n) {
        return IntStream.range(0, nodeAccuracies.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -nodeAccuracies[j])
                        .thenComparingInt(j -> j))
                .limit(n)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * How many node accuracies fall in each of {@code bins} equal bins over [0, 1] (bin b holds [b/bins, (b+1)/bins),
     * the last bin includes 1).
     */
    public int[] histogram(int bins) {
        int[] counts = new int[bins];
        for (double a : nodeAccuracies) {
            counts[Math.min(bins - 1, (int) Math.floor(a * bins))]++;
        }
        return counts;
    }
}
