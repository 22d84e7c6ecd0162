package dev.onnxinspect.stats;

/**
 * How the node classifiers evaluate their Gaussian KDEs (SPEC §8). Both give the same value within 1e-9
 * relative; histogram-binned KDEs are not offered (SPEC §8 forbids them).
 */
public enum KdeMode {
    /** Every fit value contributes (log-sum-exp over all of them). */
    EXACT,
    /**
     * Only the fit values within a window around the query contribute, with a kernel the JIT vectorises (see
     * {@link GaussianKde}): the window keeps the values with {@code z^2 <= z0^2 + 2 (ln n + 12 ln 10)}, z0 that of
     * the value nearest the query, so the omitted terms sum to less than 1e-12 of the kept ones; each kept term is
     * {@code (T7(y / 1024))^1024} (degree-7 Taylor polynomial, ten squarings) within 1e-12 relative. Where a KDE has
     * many queries, a target-box Taylor expansion ({@code KdeTaylorExpansion}) replaces those sums wherever its
     * rigorous error bound is below 1e-12 of the sum (the direct sums elsewhere), the cheaper of the two chosen per
     * (node, class) from the counts. The evaluation accumulator buffers the samples across batches and goes node by
     * node over all buffered samples with the queries sorted (windows that slide) and the nodes in parallel.
     * Choice: the window is measured from the nearest value rather than from the query, so a query far from every
     * value still has its nearest values in the window, and narrows far from the data.
     */
    FAST
}
