package dev.onnxinspect.dynamics;

import java.util.List;

/**
 * The early-to-mid ratio of SPEC §9: the mean cross path similarity over an early range of checkpoint steps divided
 * by its mean over a middle range.
 *
 * <p>Choice: a step t belongs to a range when t (the later checkpoint of the compared pair t-1, t) lies in it. The
 * mean over a range is the mean of the per-step means ({@link StepSummary#mean()}) of the steps in it, each step
 * weighted equally (every step has the same number of pairs, so this is also the mean over all values). The ranges
 * may overlap or come in any order. A range containing no step of the result is an error, and so is a middle mean of
 * exactly 0 (the ratio would be infinite or undefined): never a silent NaN or infinity.
 *
 * @param kind        the similarity kind averaged (normally {@link PathKind#CROSS_PATTERN} or
 *                    {@link PathKind#CROSS_ACTIVATION})
 * @param early       the early range
 * @param middle      the middle range
 * @param earlySteps  how many steps of the result fell in the early range
 * @param middleSteps how many fell in the middle range
 * @param earlyMean   the mean over the early range
 * @param middleMean  the mean over the middle range (never 0)
 * @param ratio       earlyMean / middleMean
 */
public record EarlyToMidRatio(
        PathKind kind,
        StepRange early,
        StepRange middle,
        int earlySteps,
        int middleSteps,
        double earlyMean,
        double middleMean,
        double ratio) {

    /**
     * Computes the ratio from a result's per-step summaries.
     *
     * @throws DynamicsException when an argument is null, a range holds no step of {@code kind}, or the middle mean
     *                           is 0
     */
    public static EarlyToMidRatio of(PathSimilarityResult result, PathKind kind, StepRange early, StepRange middle) {
        if (result == null || kind == null || early == null || middle == null) {
            throw new DynamicsException("result, kind, early and middle ranges must all be given");
        }
        List<StepSummary> steps = result.summaries(kind);
        double[] e = meanIn(steps, early);
        double[] m = meanIn(steps, middle);
        if (e[1] == 0 || m[1] == 0) {
            StepRange empty = e[1] == 0 ? early : middle;
            throw new DynamicsException("layer " + result.layer() + ": no " + kind + " step in range ["
                    + empty.first() + ", " + empty.last() + "]; steps with " + kind + " values: "
                    + steps.stream().map(StepSummary::step).toList()
                    + ". Choose ranges of the compared steps (step t compares checkpoints t-1 and t)");
        }
        if (m[0] == 0) {
            throw new DynamicsException("layer " + result.layer() + ": the mean " + kind + " similarity over the"
                    + " middle range [" + middle.first() + ", " + middle.last() + "] is 0, so the early-to-mid ratio"
                    + " is undefined (early mean " + e[0] + "); choose a middle range where paths persist");
        }
        return new EarlyToMidRatio(kind, early, middle, (int) e[1], (int) m[1], e[0], m[0], e[0] / m[0]);
    }

    /** {mean of the per-step means in range, number of steps in range}. */
    private static double[] meanIn(List<StepSummary> steps, StepRange range) {
        double sum = 0;
        int count = 0;
        for (StepSummary s : steps) {
            if (range.contains(s.step())) {
                sum += s.mean();
                count++;
            }
        }
        return new double[] {count == 0 ? 0 : sum / count, count};
    }
}
