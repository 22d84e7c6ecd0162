package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Collects what the nodes-as-classifiers of one layer need from the fit set (SPEC §8): per (node, class) the
 * number of samples where the node is off (S1 = 0) and the node's activations where it is on (S1 = 1).
 * <p>Choice: "on" and "off" follow the options' S1 (default tau = 0), and the KDE is built from the on-values,
 * which with the default tau are exactly the positive activations SPEC §8 names.
 * <p>Memory: one float per (sample, node) where the node is on, which is inherent (the KDE is evaluated
 * exactly, from every fit value), plus two ints per (node, class). Mutable and not thread-safe; {@link #merge}
 * then {@link #result} equals one pass (the values are sorted when the classifier is built, so their arrival
 * order does not matter). A sample with a NaN or infinite unit is left out and counted as invalid; with
 * {@link NeuronView#MASKED_MEAN}, so is a sample whose attention mask has no 1 (counted apart).
 * {@link #estimate} states the memory of the accumulator and of the classifier it builds before anything is
 * allocated. Serialisable, so that a distributed run ships each partition's fit data to be merged.
 */
public final class NodeClassifierFitAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StatsOptions options;
    private final NeuronReader reader;
    private final float threshold;
    private final int numClasses;
    private final int[] offCounts;
    private final float[][] onValues;
    private final int[] onSizes;
    private long samples;
    private long invalidSamples;
    private long emptyMaskSamples;

    /**
     * @param options   classes, S1 (on/off), view; class ids given to {@link #accept} should be true labels
     * @param layer     the layer (tensor) name every batch must carry
     * @param unitShape the unit shape every batch must have
     */
    public NodeClassifierFitAccumulator(StatsOptions options, String layer, int[] unitShape) {
        this.options = options;
        this.reader = new NeuronReader(layer, unitShape, options.view());
        this.threshold = options.s1().floatThreshold();
        this.numClasses = options.numClasses();
        long slots = (long) reader.neurons * numClasses;
        if (slots > Integer.MAX_VALUE - 8) {
            throw new StatsException(reader.describe() + " with " + numClasses + " classes needs " + slots
                    + " (node, class) slots, more than one array holds; use a channel view or fewer classes");
        }
        this.offCounts = new int[(int) slots];
        this.onValues = new float[(int) slots][];
        this.onSizes = new int[(int) slots];
    }

    /**
     * Adds one batch of the fit set.
     *
     * @param classes the class of each sample, each in [0, K)
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        accept(classes, acts, null);
    }

    /**
     * Adds one batch of a layer viewed {@link NeuronView#MASKED_MEAN} with the batch's attention mask (null for
     * the other views).
     *
     * @throws StatsException as {@link #accept(int[], LayerActivations)}, or for a missing or mismatched mask
     */
    public void accept(int[] classes, LayerActivations acts, SequenceMask mask) {
        int n = reader.check(classes, acts, numClasses, mask);
        for (int i = 0; i < n; i++) {
            if (!reader.load(acts, i)) {
                if (reader.emptyMask) {
                    emptyMaskSamples++;
                } else {
                    invalidSamples++;
                }
                continue;
            }
            int c = classes[i];
            for (int j = 0; j < reader.neurons; j++) {
                float a = reader.value(j);
                int slot = j * numClasses + c;
                if (a > threshold) {
                    append(slot, a);
                } else {
                    offCounts[slot]++;
                }
            }
            samples++;
        }
    }

    private void append(int slot, float a) {
        float[] values = onValues[slot];
        int size = onSizes[slot];
        if (values == null) {
            values = new float[8];
            onValues[slot] = values;
        } else if (size == values.length) {
            if (size == Integer.MAX_VALUE - 8) {
                throw new StatsException("a node of " + reader.describe() + " has too many on-values for one array");
            }
            values = Arrays.copyOf(values, (int) Math.min((long) size * 2, Integer.MAX_VALUE - 8));
            onValues[slot] = values;
        }
        values[size] = a;
        onSizes[slot] = size + 1;
    }

    /**
     * Adds another accumulator's fit data to this one (the other is unchanged).
     *
     * @throws StatsException when the other was made for another layer, shape or options
     */
    public void merge(NodeClassifierFitAccumulator other) {
        if (!options.equals(other.options) || !reader.sameLayout(other.reader)) {
            throw new StatsException("cannot merge the node classifier fit of " + other.reader.describe()
                    + " into the one of " + reader.describe() + "; merge only accumulators made with the same "
                    + "layer, shape and options");
        }
        for (int slot = 0; slot < offCounts.length; slot++) {
            offCounts[slot] += other.offCounts[slot];
            for (int k = 0; k < other.onSizes[slot]; k++) {
                append(slot, other.onValues[slot][k]);
            }
        }
        samples += other.samples;
        invalidSamples += other.invalidSamples;
        emptyMaskSamples += other.emptyMaskSamples;
    }

    /**
     * The memory the node classifiers of a layer take at most, fitted on {@code fitSamples} samples, stated before
     * anything is allocated: per (node, class) the accumulator's three slots (12 bytes) and the fitted estimator's
     * four per-class entries (28 bytes); per fit sample and node, when the node is on, its value (a float here, a
     * double twice in the classifier: 24 bytes with the arrays' growth); per (node, class) with a value, at most
     * min(fitSamples, K) per node, an array and a KDE (about 96 bytes). The worst case: every node on in every
     * sample.
     */
    public static MemoryEstimate estimate(StatsOptions options, String layer, int[] unitShape, long fitSamples) {
        long nodes = options.view().neurons(unitShape);
        long k = options.numClasses();
        long bytes = nodes * (k * 40 + fitSamples * 24 + Math.min(fitSamples, k) * 96);
        return new MemoryEstimate(
                bytes,
                "node classifiers of layer " + layer + " " + Arrays.toString(unitShape)
                        + " viewed " + options.view() + " (" + nodes + " nodes x " + k + " classes, " + fitSamples
                        + " fit samples)");
    }

    /**
     * Builds the fitted classifiers: sorts the values and computes the bandwidths. The accumulator stays usable.
     *
     * @throws StatsException when no valid sample was seen (there is nothing to fit)
     */
    public NodeClassifier result() {
        if (samples == 0) {
            throw new StatsException("the node classifiers of " + reader.describe() + " saw no valid fit sample"
                    + (invalidSamples > 0 ? " (" + invalidSamples + " had NaN or infinite values)" : "")
                    + (emptyMaskSamples > 0 ? " (" + emptyMaskSamples + " had an attention mask without a 1)" : "")
                    + "; accept a labelled fit set first");
        }
        NodeEstimator[] nodes = new NodeEstimator[reader.neurons];
        for (int j = 0; j < nodes.length; j++) {
            double[][] values = new double[numClasses][];
            int[] off = new int[numClasses];
            for (int c = 0; c < numClasses; c++) {
                int slot = j * numClasses + c;
                values[c] = new double[onSizes[slot]];
                for (int k = 0; k < onSizes[slot]; k++) {
                    values[c][k] = onValues[slot][k];
                }
                off[c] = offCounts[slot];
            }
            nodes[j] = new NodeEstimator(values, off);
        }
        return new NodeClassifier(options, reader.layer, reader.unitShape(), samples, emptyMaskSamples, nodes);
    }
}
