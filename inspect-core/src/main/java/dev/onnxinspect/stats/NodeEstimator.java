package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One node's fitted class estimate (SPEC §8): the discrete estimate for "off" and the KDE-based estimate for
 * "on", with the bandwidth fallbacks. Immutable; every log-probability that does not depend on the query is
 * precomputed.
 */
final class NodeEstimator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numClasses;
    /** ln P(c | off) = ln(N_c^off + 1) - ln(N^off + K). */
    private final double[] logOff;
    /** ln(N_c^on + 1), the prior weight of the on-estimate. */
    private final double[] logOnWeight;
    /** ln P(c | on) when the on-estimate is discrete: ln(N_c^on + 1) - ln(N^on + K). */
    private final double[] logOnDiscrete;
    /** Per class its KDE, or null where the class has no on-value (then {@link #pooled} is used). */
    private final GaussianKde[] classKde;
    /** The node's pooled KDE, or null when the on-estimate is discrete. */
    private final GaussianKde pooled;

    /**
     * @param onValues  per class, the node's on-activations (sorted ascending here; the arrays are taken over)
     * @param offCounts per class, N_c^off
     */
    NodeEstimator(double[][] onValues, int[] offCounts) {
        numClasses = offCounts.length;
        logOff = new double[numClasses];
        logOnWeight = new double[numClasses];
        logOnDiscrete = new double[numClasses];
        classKde = new GaussianKde[numClasses];
        long offTotal = 0;
        long onTotal = 0;
        for (int c = 0; c < numClasses; c++) {
            offTotal += offCounts[c];
            onTotal += onValues[c].length;
        }
        double[] all = new double[(int) onTotal];
        int filled = 0;
        for (int c = 0; c < numClasses; c++) {
            Arrays.sort(onValues[c]);
            System.arraycopy(onValues[c], 0, all, filled, onValues[c].length);
            filled += onValues[c].length;
            logOff[c] = Math.log(offCounts[c] + 1.0) - Math.log(offTotal + (double) numClasses);
            logOnWeight[c] = Math.log(onValues[c].length + 1.0);
            logOnDiscrete[c] = logOnWeight[c] - Math.log(onTotal + (double) numClasses);
        }
        Arrays.sort(all);
        double pooledBandwidth = GaussianKde.silverman(all);
        if (pooledBandwidth > 0) {
            pooled = new GaussianKde(all, pooledBandwidth);
            for (int c = 0; c < numClasses; c++) {
                double[] values = onValues[c];
                if (values.length > 0) {
                    double own = GaussianKde.silverman(values);
                    classKde[c] = new GaussianKde(values, own > 0 ? own : pooledBandwidth);
                }
            }
        } else {
            pooled = null;
        }
    }

    /** Whether the on-estimate is the discrete fallback (node never fired, or pooled bandwidth 0). */
    boolean discreteOn() {
        return pooled == null;
    }

    /** The bandwidth class c's KDE uses; NaN when the class uses the pooled KDE or the estimate is discrete. */
    double bandwidth(int c) {
        return classKde[c] == null ? Double.NaN : classKde[c].bandwidth();
    }

    /** The pooled bandwidth; 0 when the on-estimate is discrete. */
    double pooledBandwidth() {
        return pooled == null ? 0.0 : pooled.bandwidth();
    }

    /** The largest distinct-value count of the node's KDEs: the scratch {@link #logPosteriorsOn} needs. */
    int largestKde() {
        int largest = 0;
        if (pooled != null) {
            largest = pooled.distinctValues();
            for (GaussianKde kde : classKde) {
                if (kde != null) {
                    largest = Math.max(largest, kde.distinctValues());
                }
            }
        }
        return largest;
    }

    /** {@code ln P(c | off)} for every class; the caller must not change it. */
    double[] logOff() {
        return logOff;
    }

    /**
     * The fast evaluation of {@link #logPosteriorOn} at many on-activations at once: {@code out[k * K + c] =
     * ln P(c | queries[k])} ({@link #logScoresOn}, then normalised with the same log-sum-exp as for one query).
     *
     * @param queries ascending on-activations, finite
     * @param scratch as for {@link #logScoresOn}
     */
    void logPosteriorsOn(double[] queries, int count, double[] out, Scratch scratch) {
        logScoresOn(queries, count, out, scratch);
        if (pooled == null) {
            return;
        }
        int k = numClasses;
        for (int q = 0; q < count; q++) {
            int row = q * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, out[row + c]);
            }
            double sum = 0.0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(out[row + c] - max);
            }
            double logNorm = max + Math.log(sum);
            for (int c = 0; c < k; c++) {
                out[row + c] -= logNorm;
            }
        }
    }

    /**
     * The unnormalised log-posteriors at many on-activations at once: {@code out[k * K + c] = ln(N_c^on + 1) +
     * ln kde_c(queries[k])} (the discrete {@code ln P(c | on)} when the on-estimate is discrete). They differ from
     * {@code ln P(c | queries[k])} by a term common to all classes of a query (the log-sum-exp), which changes
     * neither the node's argmax nor a layer's (a sum over nodes shifts every class alike), only the rounding. Each
     * class's KDE is evaluated at all queries at once ({@link GaussianKde#logDensities}: one sliding sweep or one
     * Taylor expansion per box of queries) and the pooled KDE once for all classes without on-values.
     *
     * @param queries ascending on-activations, finite
     * @param scratch {@code kde} and {@code pooled} of at least count slots, {@code kernel} for count queries and
     *                {@link #largestKde} values
     */
    void logScoresOn(double[] queries, int count, double[] out, Scratch scratch) {
        int k = numClasses;
        if (pooled == null) {
            for (int q = 0; q < count; q++) {
                System.arraycopy(logOnDiscrete, 0, out, q * k, k);
            }
            return;
        }
        boolean pooledDone = false;
        for (int c = 0; c < k; c++) {
            double[] logKde;
            if (classKde[c] != null) {
                classKde[c].logDensities(queries, count, scratch.kde, scratch.kernel);
                logKde = scratch.kde;
            } else {
                if (!pooledDone) {
                    pooled.logDensities(queries, count, scratch.pooled, scratch.kernel);
                    pooledDone = true;
                }
                logKde = scratch.pooled;
            }
            double weight = logOnWeight[c];
            for (int q = 0; q < count; q++) {
                out[q * k + c] = weight + logKde[q];
            }
        }
    }

    /** Per-thread scratch arrays of the fast evaluation; grown on demand. */
    static final class Scratch {
        double[] kde = new double[0];
        double[] pooled = new double[0];
        final KdeTaylorExpansion.Workspace kernel = new KdeTaylorExpansion.Workspace();

        /** Makes room for count queries and KDEs of up to distinct values. */
        void ensure(int count, int distinct) {
            if (kde.length < count) {
                kde = new double[count];
                pooled = new double[count];
            }
            kernel.ensure(count, distinct);
        }
    }

    /** Fills {@code out[c] = ln P(c | off)}. */
    void logPosteriorOff(double[] out) {
        System.arraycopy(logOff, 0, out, 0, numClasses);
    }

    /**
     * Fills {@code out[c] = ln P(c | a)} for an on-activation a: proportional to {@code (N_c^on + 1) kde_c(a)},
     * normalised over the classes with a log-sum-exp.
     */
    void logPosteriorOn(double a, KdeMode mode, double[] out) {
        if (pooled == null) {
            System.arraycopy(logOnDiscrete, 0, out, 0, numClasses);
            return;
        }
        double pooledLog = Double.NaN;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < numClasses; c++) {
            double logKde;
            if (classKde[c] != null) {
                logKde = classKde[c].logDensity(a, mode);
            } else {
                if (Double.isNaN(pooledLog)) {
                    pooledLog = pooled.logDensity(a, mode);
                }
                logKde = pooledLog;
            }
            out[c] = logOnWeight[c] + logKde;
            max = Math.max(max, out[c]);
        }
        double sum = 0.0;
        for (int c = 0; c < numClasses; c++) {
            sum += Math.exp(out[c] - max);
        }
        double logNorm = max + Math.log(sum);
        for (int c = 0; c < numClasses; c++) {
            out[c] -= logNorm;
        }
    }
}
