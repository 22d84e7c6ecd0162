package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;

/**
 * Evaluates a layer's {@link NodeClassifier} on a labelled set (SPEC §8): counts, per node and for the layer,
 * how many samples are predicted correctly. Per-node prediction: {@code argmax_c ln P_j(c | x)}; layer
 * prediction: {@code argmax_c sum_j ln P_j(c | x)} (nodes summed in index order); ties to the lowest class.
 * <p>Mutable and not thread-safe (the classifier itself is shared safely); {@link #merge} then {@link #result}
 * equals one pass. Memory is independent of the number of samples.
 */
public final class NodeClassifierEvaluationAccumulator {
    private final NodeClassifier classifier;
    private final KdeMode mode;
    private final NeuronReader reader;
    private final long[] nodeCorrect;
    private final double[] nodeLog;
    private final double[] layerLog;
    private long samples;
    private long invalidSamples;
    private long layerCorrect;

    NodeClassifierEvaluationAccumulator(NodeClassifier classifier, KdeMode mode) {
        this.classifier = classifier;
        this.mode = mode;
        this.reader = new NeuronReader(
                classifier.layer(), classifier.unitShape(), classifier.options().view());
        this.nodeCorrect = new long[classifier.nodes()];
        this.nodeLog = new double[classifier.numClasses()];
        this.layerLog = new double[classifier.numClasses()];
    }

    /**
     * Evaluates one batch.
     *
     * @param classes the true class of each sample, each in [0, K)
     * @throws StatsException for another layer or shape, a class id out of range or a length mismatch; the
     *                        accumulator is then unchanged
     */
    public void accept(int[] classes, LayerActivations acts) {
        int n = reader.check(classes, acts, classifier.numClasses());
        for (int i = 0; i < n; i++) {
            if (!reader.load(acts, i)) {
                invalidSamples++;
                continue;
            }
            Arrays.fill(layerLog, 0.0);
            for (int j = 0; j < nodeCorrect.length; j++) {
                classifier.logPosteriorUnchecked(j, reader.value(j), mode, nodeLog);
                if (argmax(nodeLog) == classes[i]) {
                    nodeCorrect[j]++;
                }
                for (int c = 0; c < layerLog.length; c++) {
                    layerLog[c] += nodeLog[c];
                }
            }
            if (argmax(layerLog) == classes[i]) {
                layerCorrect++;
            }
            samples++;
        }
    }

    /** The index of the largest value, the lowest index among equal ones. */
    static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Adds another evaluation's counts to this one (the other is unchanged).
     *
     * @throws StatsException when the other evaluates another classifier or uses another mode
     */
    public void merge(NodeClassifierEvaluationAccumulator other) {
        if (other.classifier != classifier || other.mode != mode) {
            throw new StatsException("cannot merge evaluations of different node classifiers or KDE modes (layer "
                    + other.classifier.layer() + " " + other.mode + " into " + classifier.layer() + " " + mode
                    + "); merge evaluations made from the same NodeClassifier#evaluation(mode)");
        }
        for (int j = 0; j < nodeCorrect.length; j++) {
            nodeCorrect[j] += other.nodeCorrect[j];
        }
        samples += other.samples;
        invalidSamples += other.invalidSamples;
        layerCorrect += other.layerCorrect;
    }

    /** The accuracies so far. */
    public NodeClassifierResult result() {
        return new NodeClassifierResult(classifier.layer(), mode, samples, invalidSamples, layerCorrect, nodeCorrect);
    }
}
