package dev.onnxinspect.trainers.train;

/** Per-sample classification metrics from logits, in float64. */
public final class Metrics {
    private Metrics() {}

    /**
     * Softmax cross-entropy -log softmax(z)_label = logsumexp(z) - z_label, natural log, computed stably as
     * m + log sum exp(z_j - m) - z_label with m = max z.
     *
     * @param logits the logits of many samples, row-major
     * @param offset where this sample's K logits start
     */
    public static double crossEntropy(float[] logits, int offset, int k, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(logits[offset + j] - max);
        }
        return max + Math.log(sum) - logits[offset + label];
    }

    /** The index of the largest logit; the lowest index on ties. */
    public static int argMax(float[] logits, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (logits[offset + j] > logits[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
