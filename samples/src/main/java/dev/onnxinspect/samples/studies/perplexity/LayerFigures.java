package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassPatterns;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.PatternStatistics;
import java.util.Arrays;
import java.util.List;

/**
 * The study's figures of one hidden layer of one model in one state (trained or untrained), all from the library's
 * results.
 *
 * @param layer              the layer name
 * @param index              its position, 1 = the first hidden layer
 * @param neurons            n
 * @param activeS1           the S1 active fraction over all samples (SPEC §2; sparsity = 1 - it)
 * @param activeS2           the S2 active fraction
 * @param classSpecific      the fraction of neurons whose S1 frequency differs by at least
 *                           {@value #CLASS_SPECIFIC_SPREAD} between two classes (max_c F[c, j] - min_c F[c, j]).
 *                           Choice: SPEC does not define a "class-specific" neuron; this spread of the §2
 *                           frequencies is the study's measure of one (fires for most samples of one class and for
 *                           few of another)
 * @param meanPerplexity     the mean over classes of the layer perplexity P(c, l) (SPEC §7)
 * @param relativePerplexity the mean over classes of P(c, l) / N_c: 1 when every sample has its own pattern
 * @param layerAccuracy      the nodes-as-classifiers layer accuracy (SPEC §8)
 * @param bestNodeAccuracy   the best single node's accuracy
 * @param histogramS1        the S1 frequency histogram summed over the classes (SPEC §2, B bins); copied
 * @param histogramS2        the same for S2; copied
 */
record LayerFigures(
        String layer,
        int index,
        int neurons,
        double activeS1,
        double activeS2,
        double classSpecific,
        double meanPerplexity,
        double relativePerplexity,
        double layerAccuracy,
        double bestNodeAccuracy,
        int[] histogramS1,
        int[] histogramS2) {
    /** The spread of a neuron's class-wise S1 frequencies from which it counts as class-specific. */
    static final double CLASS_SPECIFIC_SPREAD = 0.5;

    LayerFigures {
        histogramS1 = histogramS1.clone();
        histogramS2 = histogramS2.clone();
    }

    @Override
    public int[] histogramS1() {
        return histogramS1.clone();
    }

    @Override
    public int[] histogramS2() {
        return histogramS2.clone();
    }

    /** Sparsity under S1: 1 - the active fraction. */
    double sparsity() {
        return 1 - activeS1;
    }

    /**
     * The figures of one layer from its frequencies, patterns and node classifier evaluation.
     * <p>Choice: the layer's active fraction is the one over all its samples (SPEC §2: significant pairs / (N * n)),
     * summed from the class rows' integer counts; the perplexities are averaged over the classes with samples.
     *
     * @throws OnnxInspectException when the layer saw no sample
     */
    static LayerFigures of(
            int index, ActivationFrequencies frequencies, PatternStatistics patterns, NodeClassifierResult nodes) {
        if (frequencies.isEmpty() || patterns.classes().isEmpty()) {
            throw new OnnxInspectException("layer " + frequencies.layer() + " saw no valid sample; check the data"
                    + " and the model's activations");
        }
        int n = frequencies.neurons();
        double meanP = 0;
        double meanRelative = 0;
        for (ClassPatterns c : patterns.classes()) {
            meanP += c.perplexity();
            meanRelative += c.perplexity() / c.classSize();
        }
        int k = patterns.classes().size();
        return new LayerFigures(
                frequencies.layer(),
                index,
                n,
                activeFraction(frequencies.s1Table(), frequencies.samples(), n),
                activeFraction(frequencies.s2Table(), frequencies.samples(), n),
                classSpecificFraction(frequencies.s1Table()),
                meanP / k,
                meanRelative / k,
                nodes.layerAccuracy(),
                Arrays.stream(nodes.nodeAccuracies()).max().orElse(0),
                pooledHistogram(frequencies.s1Table()),
                pooledHistogram(frequencies.s2Table()));
    }

    /** SPEC §2: significant (sample, neuron) pairs / (N * n), from the integer counts, one rounding. */
    static double activeFraction(FrequencyTable table, long samples, int neurons) {
        long significant = 0;
        for (ClassCounts c : table.classes()) {
            significant += c.significantTotal();
        }
        return significant / ((double) samples * neurons);
    }

    /**
     * The fraction of neurons whose class-wise frequencies span at least {@value #CLASS_SPECIFIC_SPREAD}, tested
     * exactly on the integer counts: {@code max_c count_c / N_c - min_c count_c / N_c >= 1/2} as
     * {@code 2 * (count_a * N_b - count_b * N_a) >= N_a * N_b} for the classes a (max) and b (min). A table with one
     * class has none.
     */
    static double classSpecificFraction(FrequencyTable table) {
        List<ClassCounts> classes = table.classes();
        int n = table.units();
        if (n == 0) {
            return 0;
        }
        int specific = 0;
        for (int j = 0; j < n; j++) {
            ClassCounts max = classes.get(0);
            ClassCounts min = classes.get(0);
            for (ClassCounts c : classes) {
                if ((long) c.count(j) * max.classSize() > (long) max.count(j) * c.classSize()) {
                    max = c;
                }
                if ((long) c.count(j) * min.classSize() < (long) min.count(j) * c.classSize()) {
                    min = c;
                }
            }
            long na = max.classSize();
            long nb = min.classSize();
            if (2 * ((long) max.count(j) * nb - (long) min.count(j) * na) >= na * nb) {
                specific++;
            }
        }
        return specific / (double) n;
    }

    /** The table's histograms (SPEC §2, its B bins) summed over the classes: neuron-class pairs per bin. */
    static int[] pooledHistogram(FrequencyTable table) {
        int[] pooled = new int[table.bins()];
        for (int c : table.classIds()) {
            int[] h = table.histogram(c);
            for (int b = 0; b < h.length; b++) {
                pooled[b] += h[b];
            }
        }
        return pooled;
    }
}
