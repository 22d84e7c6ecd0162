package dev.onnxinspect.dynamics;

import java.util.Arrays;

/**
 * The pairs (i, j), i &lt; j, of probe samples on which the cross path similarities and path overlaps of SPEC §9 are
 * computed. Immutable; pair k is ({@link #first(int) first(k)}, {@link #second(int) second(k)}), in ascending
 * lexicographic order of (i, j).
 *
 * <p>SPEC §9: all pairs when the probe set has at most {@value #ALL_PAIRS_LIMIT} samples, else a seeded random
 * sample. Choice: the sample is drawn without replacement, uniformly among the M = n (n - 1) / 2 pairs, by Floyd's
 * algorithm over the lexicographic pair index with a SplitMix64 generator seeded by the seed (fully specified here,
 * so the same seed gives the same pairs on every JVM); the drawn pairs are then sorted lexicographically. When the
 * requested count is at least M, all pairs are used.
 */
public final class ProbePairs {
    /** Up to this many probe samples, all pairs are used (SPEC §9). */
    public static final int ALL_PAIRS_LIMIT = 256;

    private final int samples;
    private final int[] first;
    private final int[] second;
    private final boolean complete;

    private ProbePairs(int samples, int[] first, int[] second, boolean complete) {
        this.samples = samples;
        this.first = first;
        this.second = second;
        this.complete = complete;
    }

    /**
     * The pairs SPEC §9 asks for on a probe set of {@code samples} samples: all pairs up to
     * {@value #ALL_PAIRS_LIMIT} samples, else {@code min(maxSampledPairs, M)} pairs drawn with {@code seed}.
     *
     * @throws DynamicsException when {@code samples < 1} or {@code maxSampledPairs < 1}
     */
    public static ProbePairs select(int samples, int maxSampledPairs, long seed) {
        if (samples < 1) {
            throw new DynamicsException("the probe set is empty (" + samples + " samples);"
                    + " path statistics need at least one probe sample");
        }
        if (maxSampledPairs < 1) {
            throw new DynamicsException("maxSampledPairs must be at least 1, got " + maxSampledPairs);
        }
        long total = totalPairs(samples);
        if (samples <= ALL_PAIRS_LIMIT || maxSampledPairs >= total) {
            return all(samples);
        }
        long[] indices = floydSample(total, maxSampledPairs, seed);
        Arrays.sort(indices);
        int[] first = new int[indices.length];
        int[] second = new int[indices.length];
        // Walk the rows i of the lexicographic order; row i holds pairs (i, i+1..n-1) starting at rowStart.
        int i = 0;
        long rowStart = 0;
        for (int k = 0; k < indices.length; k++) {
            while (indices[k] >= rowStart + (samples - 1 - i)) {
                rowStart += samples - 1 - i;
                i++;
            }
            first[k] = i;
            second[k] = (int) (i + 1 + (indices[k] - rowStart));
        }
        return new ProbePairs(samples, first, second, false);
    }

    /** Every pair i &lt; j of {@code samples} probe samples (none for a single sample). */
    public static ProbePairs all(int samples) {
        if (samples < 1) {
            throw new DynamicsException("the probe set is empty (" + samples + " samples);"
                    + " path statistics need at least one probe sample");
        }
        long total = totalPairs(samples);
        if (total > Integer.MAX_VALUE) {
            throw new DynamicsException(samples + " probe samples have " + total + " pairs, more than an array holds;"
                    + " use select(...) to draw a sample of pairs");
        }
        int[] first = new int[(int) total];
        int[] second = new int[(int) total];
        int k = 0;
        for (int i = 0; i < samples; i++) {
            for (int j = i + 1; j < samples; j++) {
                first[k] = i;
                second[k] = j;
                k++;
            }
        }
        return new ProbePairs(samples, first, second, true);
    }

    /** n (n - 1) / 2. */
    public static long totalPairs(int samples) {
        return (long) samples * (samples - 1) / 2;
    }

    /** Floyd's algorithm: {@code count} distinct values of [0, total), each subset equally likely. */
    private static long[] floydSample(long total, int count, long seed) {
        var chosen = new java.util.HashSet<Long>(count * 2);
        var random = new SplitMix64(seed);
        long[] out = new long[count];
        int k = 0;
        for (long j = total - count; j < total; j++) {
            long t = random.nextBelow(j + 1);
            long pick = chosen.add(t) ? t : j;
            if (pick == j) {
                chosen.add(j);
            }
            out[k++] = pick;
        }
        return out;
    }

    /** The number of probe samples the pairs index into. */
    public int samples() {
        return samples;
    }

    /** The number of pairs. */
    public int size() {
        return first.length;
    }

    /** Whether these are all n (n - 1) / 2 pairs (false for a drawn sample). */
    public boolean complete() {
        return complete;
    }

    /** The smaller sample index i of pair k. */
    public int first(int k) {
        return first[k];
    }

    /** The larger sample index j of pair k. */
    public int second(int k) {
        return second[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbePairs p
                && samples == p.samples
                && Arrays.equals(first, p.first)
                && Arrays.equals(second, p.second);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * samples + Arrays.hashCode(first)) + Arrays.hashCode(second);
    }

    @Override
    public String toString() {
        return "ProbePairs[samples=" + samples + ", pairs=" + size() + (complete ? ", all" : ", sampled") + "]";
    }

    /** SplitMix64 (Steele, Lea, Flood 2014): a fully specified generator, so a seed means the same on every JVM. */
    private static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long next() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, bound) by rejection (no modulo bias); bound &gt; 0. */
        long nextBelow(long bound) {
            long bits;
            long value;
            do {
                bits = next() >>> 1;
                value = bits % bound;
            } while (bits - value + (bound - 1) < 0);
            return value;
        }
    }
}
