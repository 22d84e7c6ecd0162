package dev.onnxinspect.stats;

/**
 * How the node classifiers evaluate their Gaussian KDEs (SPEC §8). Both give the same value within 1e-9
 * relative; histogram-binned KDEs are not offered (SPEC §8 forbids them).
 */
public enum KdeMode {
    /** Every fit value contributes (log-sum-exp over all of them). */
    EXACT,
    /**
     * Only the fit values within a window around the query contribute: found by binary search in the sorted
     * values, the window reaches 8 bandwidths beyond the nearest value (more for very large fits, see
     * {@link GaussianKde}), so the omitted mass is below 1e-12 of the kept one.
     */
    FAST
}
