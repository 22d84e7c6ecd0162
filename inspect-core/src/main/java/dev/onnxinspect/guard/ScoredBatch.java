package dev.onnxinspect.guard;

import java.util.List;

/**
 * The verdicts of one batch scored with {@link OodGuard#scoreBatch(dev.onnxinspect.data.Batch,
 * dev.onnxinspect.inspect.NonFinitePolicy)}. Immutable.
 *
 * @param verdicts the verdicts of the scored samples, in sample order
 * @param scored   per scored sample, its index in the batch (0-based); all of them unless samples were skipped
 * @param skippedNonFinite the samples of the batch left out because the model's outputs for them held NaN or an
 *                 infinity
 */
public record ScoredBatch(List<Verdict> verdicts, int[] scored, int skippedNonFinite) {
    public ScoredBatch {
        verdicts = List.copyOf(verdicts);
        scored = scored.clone();
        if (scored.length != verdicts.size() || skippedNonFinite < 0) {
            throw new GuardException(scored.length + " sample indices for " + verdicts.size() + " verdicts, "
                    + skippedNonFinite + " skipped");
        }
    }

    @Override
    public int[] scored() {
        return scored.clone();
    }
}
