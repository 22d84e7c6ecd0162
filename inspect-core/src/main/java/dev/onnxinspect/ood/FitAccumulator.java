package dev.onnxinspect.ood;

import java.io.Serializable;

/**
 * Collects a labelled in-distribution fit set batch by batch and turns it into a fitted detector (SPEC §5).
 * Mutable and not thread-safe: fit parts of the data in separate accumulators and {@link #merge} them; merging
 * gives the detector one pass over all the data gives (up to floating-point rounding of sums). Detectors whose
 * definition needs the fit samples themselves (KNN, NAP, ViM's residual scale, ReAct's percentile) keep them; the
 * others keep sums only. Serializable, so that partial accumulators can be merged in another process (e.g. the
 * partitions of a Spark job): Java serialization keeps every value exactly.
 *
 * @param <D> the detector it fits
 */
public interface FitAccumulator<D extends OodDetector> extends Serializable {
    /** Adds one batch of fit data. */
    void accept(DetectorInput batch);

    /**
     * Adds everything another accumulator of the same detector and parameters has seen.
     *
     * @throws OodException if {@code other} fits a different detector or with different parameters
     */
    void merge(FitAccumulator<D> other);

    /**
     * The fitted detector; the accumulator stays usable and later batches do not change the returned detector.
     *
     * @throws OodException if the data seen so far cannot define the detector (e.g. no samples)
     */
    D result();

    /** Feeds every batch and returns the result: a one-pass fit. */
    default D fit(Iterable<DetectorInput> batches) {
        for (DetectorInput batch : batches) {
            accept(batch);
        }
        return result();
    }
}
