package dev.onnxinspect.dynamics;

import java.util.HashSet;
import java.util.List;

/**
 * Settings of the path statistics of SPEC §9; made by {@link #builder()}.
 *
 * @param tau             the S1 threshold (SPEC §1): unit j is on when a_j &gt; tau; default 0
 * @param maxSampledPairs how many pairs to draw when the probe set has more than {@link ProbePairs#ALL_PAIRS_LIMIT}
 *                        samples; default {@link #DEFAULT_MAX_SAMPLED_PAIRS}
 * @param seed            the seed of that draw (SPEC §9 "a seeded random sample of pairs"); default 0
 * @param anchors         the probe samples whose nearest neighbours by path overlap are ranked (SPEC §9); default none
 */
public record PathOptions(float tau, int maxSampledPairs, long seed, List<Integer> anchors) {
    /**
     * Choice: by default as many pairs are drawn as a probe set of exactly 256 samples has (256 * 255 / 2 = 32 640),
     * so the cost per checkpoint does not jump when the probe set grows past the all-pairs limit.
     */
    public static final int DEFAULT_MAX_SAMPLED_PAIRS = 256 * 255 / 2;

    public PathOptions {
        if (!Float.isFinite(tau)) {
            throw new DynamicsException("S1 threshold tau must be finite, got " + tau + "; the default is 0");
        }
        if (maxSampledPairs < 1) {
            throw new DynamicsException("maxSampledPairs must be at least 1, got " + maxSampledPairs
                    + "; the default is " + DEFAULT_MAX_SAMPLED_PAIRS);
        }
        if (anchors == null) {
            throw new DynamicsException("anchors must not be null; pass an empty list for no anchors");
        }
        anchors = List.copyOf(anchors);
        var seen = new HashSet<Integer>();
        for (int a : anchors) {
            if (a < 0 || !seen.add(a)) {
                throw new DynamicsException(
                        "anchors must be distinct non-negative probe sample indices, got " + anchors);
            }
        }
    }

    /** The defaults: tau = 0, {@link #DEFAULT_MAX_SAMPLED_PAIRS} pairs, seed 0, no anchors. */
    public static PathOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link PathOptions}; every setting has a default. */
    public static final class Builder {
        private float tau = 0f;
        private int maxSampledPairs = DEFAULT_MAX_SAMPLED_PAIRS;
        private long seed = 0L;
        private List<Integer> anchors = List.of();

        private Builder() {}

        public Builder tau(float tau) {
            this.tau = tau;
            return this;
        }

        public Builder maxSampledPairs(int maxSampledPairs) {
            this.maxSampledPairs = maxSampledPairs;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder anchors(int... anchors) {
            this.anchors = java.util.Arrays.stream(anchors).boxed().toList();
            return this;
        }

        /** @throws DynamicsException when a setting is invalid (the message names it) */
        public PathOptions build() {
            return new PathOptions(tau, maxSampledPairs, seed, anchors);
        }
    }
}
