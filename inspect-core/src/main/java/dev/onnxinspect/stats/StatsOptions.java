package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Objects;

/**
 * The parameters of the per-layer statistics (SPEC §1, §2, §7, §8). Immutable; made by {@link #builder}.
 *
 * @param numClasses K, the number of classes; class ids are {@code 0 .. K-1}
 * @param basis      whether the class ids are true labels or predicted classes (recorded in every result)
 * @param s1         the S1 definition (default tau = 0)
 * @param s2         the S2 definition (default eps = 1000)
 * @param view       what a neuron is (default {@link NeuronView#FLATTENED})
 * @param bins       B, the number of frequency histogram bins over [0, 1] (default 100)
 * @param patterns   whether {@link LayerStatisticsAccumulator} also collects the S1 patterns for the layer
 *                   perplexity (SPEC §7; memory grows with the number of distinct patterns; default true)
 */
public record StatsOptions(
        int numClasses,
        ClassBasis basis,
        Significance.Active s1,
        Significance.Dominant s2,
        NeuronView view,
        int bins,
        boolean patterns)
        implements Serializable {
    /** Default B. */
    public static final int DEFAULT_BINS = 100;

    public StatsOptions {
        if (numClasses <= 0) {
            throw new StatsException("numClasses must be at least 1, got " + numClasses);
        }
        Objects.requireNonNull(basis, "basis (LABEL or PREDICTED)");
        Objects.requireNonNull(s1, "s1");
        Objects.requireNonNull(s2, "s2");
        Objects.requireNonNull(view, "view");
        if (bins <= 0) {
            throw new StatsException(
                    "the frequency histogram needs at least 1 bin, got " + bins + "; the default is " + DEFAULT_BINS);
        }
    }

    /** A builder with the required values; everything else has the SPEC defaults. */
    public static Builder builder(int numClasses, ClassBasis basis) {
        return new Builder(numClasses, basis);
    }

    /** Builds {@link StatsOptions}. */
    public static final class Builder {
        private final int numClasses;
        private final ClassBasis basis;
        private Significance.Active s1 = Significance.s1();
        private Significance.Dominant s2 = Significance.s2();
        private NeuronView view = NeuronView.FLATTENED;
        private int bins = DEFAULT_BINS;
        private boolean patterns = true;

        private Builder(int numClasses, ClassBasis basis) {
            this.numClasses = numClasses;
            this.basis = basis;
        }

        /** S1 threshold tau (default 0). */
        public Builder tau(double tau) {
            this.s1 = Significance.s1(tau);
            return this;
        }

        /** S2 ratio eps (default 1000). */
        public Builder eps(double eps) {
            this.s2 = Significance.s2(eps);
            return this;
        }

        /** The neuron view (default FLATTENED). */
        public Builder view(NeuronView view) {
            this.view = view;
            return this;
        }

        /** The number of histogram bins B (default 100). */
        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /** Whether to collect S1 patterns for the perplexity (default true). */
        public Builder patterns(boolean patterns) {
            this.patterns = patterns;
            return this;
        }

        public StatsOptions build() {
            return new StatsOptions(numClasses, basis, s1, s2, view, bins, patterns);
        }
    }
}
