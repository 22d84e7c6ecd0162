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
     * values, the window reaches {@code cut = max(8, sqrt(2 (ln n + 12 ln 10)))} bandwidths beyond the value
     * nearest the query (8 up to n = 80 values), so the n omitted terms sum to less than 1e-12 of the largest
     * kept one. Choice: the cut is measured from the nearest value rather than from the query, so a query far
     * from every value still has its nearest values in the window.
     */
    FAST
}
