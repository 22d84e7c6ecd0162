package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The parameters of the neuron-weight interaction statistics (SPEC §3). Immutable; made by {@link #builder}.
 *
 * @param numClasses       K; class ids are {@code 0 .. K-1}
 * @param basis            whether class ids are labels or predictions
 * @param share            the share definition (default {@link InteractionShare#ABSOLUTE})
 * @param trackedClasses   the classes to count, ascending and distinct (default all K); samples of other classes
 *                         are skipped. Restricting classes is how to fit a large layer under the memory limit.
 * @param bins             B for the frequency histograms (default 100)
 * @param memoryLimitBytes the most the counters may take (default 512 MiB); see {@link InteractionAccumulator}
 */
public record InteractionOptions(
        int numClasses, ClassBasis basis, InteractionShare share, int[] trackedClasses, int bins, long memoryLimitBytes)
        implements Serializable {
    /** Default memory limit: 512 MiB. */
    public static final long DEFAULT_MEMORY_LIMIT_BYTES = 512L << 20;

    public InteractionOptions {
        if (numClasses <= 0) {
            throw new StatsException("numClasses must be at least 1, got " + numClasses);
        }
        Objects.requireNonNull(basis, "basis (LABEL or PREDICTED)");
        Objects.requireNonNull(share, "share");
        trackedClasses = trackedClasses.clone();
        if (trackedClasses.length == 0) {
            throw new StatsException("at least one class must be tracked, got none");
        }
        for (int k = 0; k < trackedClasses.length; k++) {
            int c = trackedClasses[k];
            if (c < 0 || c >= numClasses || (k > 0 && c <= trackedClasses[k - 1])) {
                throw new StatsException("tracked classes must be distinct ids in [0, " + numClasses
                        + ") in ascending order, got " + Arrays.toString(trackedClasses));
            }
        }
        if (bins <= 0) {
            throw new StatsException("the frequency histogram needs at least 1 bin, got " + bins);
        }
        if (memoryLimitBytes <= 0) {
            throw new StatsException("the memory limit must be positive, got " + memoryLimitBytes + " bytes");
        }
    }

    @Override
    public int[] trackedClasses() {
        return trackedClasses.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InteractionOptions p
                && numClasses == p.numClasses
                && basis == p.basis
                && share == p.share
                && Arrays.equals(trackedClasses, p.trackedClasses)
                && bins == p.bins
                && memoryLimitBytes == p.memoryLimitBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(numClasses, basis, share, Arrays.hashCode(trackedClasses), bins, memoryLimitBytes);
    }

    @Override
    public String toString() {
        return "InteractionOptions[numClasses=" + numClasses + ", basis=" + basis + ", share=" + share
                + ", trackedClasses=" + Arrays.toString(trackedClasses) + ", bins=" + bins + ", memoryLimitBytes="
                + memoryLimitBytes + "]";
    }

    /** A builder with the required values; everything else has the defaults. */
    public static Builder builder(int numClasses, ClassBasis basis) {
        return new Builder(numClasses, basis);
    }

    /** Builds {@link InteractionOptions}. */
    public static final class Builder {
        private final int numClasses;
        private final ClassBasis basis;
        private InteractionShare share = InteractionShare.ABSOLUTE;
        private int[] trackedClasses;
        private int bins = StatsOptions.DEFAULT_BINS;
        private long memoryLimitBytes = DEFAULT_MEMORY_LIMIT_BYTES;

        private Builder(int numClasses, ClassBasis basis) {
            this.numClasses = numClasses;
            this.basis = basis;
        }

        /** The share definition (default ABSOLUTE). */
        public Builder share(InteractionShare share) {
            this.share = share;
            return this;
        }

        /** Count only these classes (sorted and de-duplicated here); default all. */
        public Builder classes(int... classIds) {
            this.trackedClasses = Arrays.stream(classIds).sorted().distinct().toArray();
            return this;
        }

        /** The number of histogram bins (default 100). */
        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /** The memory limit for the counters in bytes (default 512 MiB). */
        public Builder memoryLimitBytes(long memoryLimitBytes) {
            this.memoryLimitBytes = memoryLimitBytes;
            return this;
        }

        public InteractionOptions build() {
            int[] tracked = trackedClasses != null
                    ? trackedClasses
                    : IntStream.range(0, Math.max(numClasses, 0)).toArray();
            return new InteractionOptions(numClasses, basis, share, tracked, bins, memoryLimitBytes);
        }
    }
}
