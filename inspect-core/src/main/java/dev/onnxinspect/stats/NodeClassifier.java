package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Objects;

/**
 * The fitted nodes-as-classifiers of one layer (SPEC §8). For node j and an activation a:
 * <ul>
 *   <li>off ({@code a <= tau}): {@code P(c | off) = (N_c^off + 1) / (N^off + K)};</li>
 *   <li>on: {@code P(c | a)} proportional to {@code (N_c^on + 1) kde_c(a)}, normalised over the K classes;
 *       kde_c a Gaussian KDE of the class's on-values with Silverman's bandwidth; a class with fewer than two
 *       distinct on-values uses the node's pooled bandwidth, a class with none the node's pooled KDE; when the
 *       pooled bandwidth is 0 or the node never fired, {@code (N_c^on + 1) / (N^on + K)}.</li>
 * </ul>
 * The layer predicts {@code argmax_c sum_j ln P_j(c | x)}, ties to the lowest class index. Immutable and safe
 * from many threads; evaluate with {@link #evaluation}. Serialisable, so that a distributed run ships the fitted
 * classifiers to its executors (a copy evaluates as the original does).
 */
public final class NodeClassifier implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StatsOptions options;
    private final String layer;
    private final int[] unitShape;
    private final long fitSamples;
    private final long fitEmptyMaskSamples;
    private final NodeEstimator[] nodes;
    private final float threshold;

    NodeClassifier(
            StatsOptions options,
            String layer,
            int[] unitShape,
            long fitSamples,
            long fitEmptyMaskSamples,
            NodeEstimator[] nodes) {
        this.options = Objects.requireNonNull(options);
        this.layer = layer;
        this.unitShape = unitShape.clone();
        this.fitSamples = fitSamples;
        this.fitEmptyMaskSamples = fitEmptyMaskSamples;
        this.nodes = nodes;
        this.threshold = options.s1().floatThreshold();
    }

    /** The layer name. */
    public String layer() {
        return layer;
    }

    /** The options the classifier was fitted with (classes, S1, view). */
    public StatsOptions options() {
        return options;
    }

    /** The layer's unit shape. */
    public int[] unitShape() {
        return unitShape.clone();
    }

    /** The number of nodes (neurons of the view). */
    public int nodes() {
        return nodes.length;
    }

    /** K. */
    public int numClasses() {
        return options.numClasses();
    }

    /** The number of valid fit samples. */
    public long fitSamples() {
        return fitSamples;
    }

    /** The fit samples left out because their attention mask had no 1 (MASKED_MEAN only). */
    public long fitEmptyMaskSamples() {
        return fitEmptyMaskSamples;
    }

    /**
     * The bandwidth of class c's KDE at a node: its own Silverman bandwidth, or the pooled one when the class has
     * fewer than two distinct on-values; NaN when the class has no on-value (it uses the pooled KDE) or the
     * node's on-estimate is discrete.
     */
    public double bandwidth(int node, int classId) {
        checkNode(node);
        if (classId < 0 || classId >= numClasses()) {
            throw new StatsException("class " + classId + " is outside [0, " + numClasses() + ")");
        }
        return nodes[node].bandwidth(classId);
    }

    /** The node's pooled Silverman bandwidth; 0 when its on-estimate is the discrete fallback. */
    public double pooledBandwidth(int node) {
        checkNode(node);
        return nodes[node].pooledBandwidth();
    }

    /**
     * {@code ln P_j(c | a)} for every class c, for one activation of node j.
     *
     * @param a   the node's activation (finite, already reduced by the view)
     * @param out receives K log-probabilities
     */
    public void logPosterior(int node, float a, KdeMode mode, double[] out) {
        checkNode(node);
        if (!Float.isFinite(a)) {
            throw new StatsException("node " + node + " of layer " + layer + " got activation " + a
                    + "; the classifiers take finite activations only");
        }
        if (out.length < numClasses()) {
            throw new StatsException("out needs room for " + numClasses() + " classes, has " + out.length);
        }
        logPosteriorUnchecked(node, a, mode, out);
    }

    void logPosteriorUnchecked(int node, float a, KdeMode mode, double[] out) {
        if (a > threshold) {
            nodes[node].logPosteriorOn(a, mode, out);
        } else {
            nodes[node].logPosteriorOff(out);
        }
    }

    /** Node j's estimator (package-private: the evaluation reads it). */
    NodeEstimator estimator(int node) {
        return nodes[node];
    }

    /** The S1 threshold as a float: a node is on where its activation is above it. */
    float threshold() {
        return threshold;
    }

    /** A new accumulator that evaluates these classifiers on a labelled set. */
    public NodeClassifierEvaluationAccumulator evaluation(KdeMode mode) {
        return new NodeClassifierEvaluationAccumulator(this, Objects.requireNonNull(mode, "mode"));
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodes.length) {
            throw new StatsException("node " + node + " is outside [0, " + nodes.length + ") of layer " + layer);
        }
    }
}
