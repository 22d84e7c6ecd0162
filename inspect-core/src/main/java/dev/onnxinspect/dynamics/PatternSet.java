package dev.onnxinspect.dynamics;

import dev.onnxinspect.runtime.LayerActivations;

/**
 * The S1 patterns (SPEC §1: unit j is on when a_j &gt; tau, compared in float) of a whole probe set in one layer at
 * one checkpoint, packed as bitsets: sample i owns {@code ceil(units / 64)} consecutive {@code long} words, unit j is bit
 * {@code j % 64} of word {@code j / 64}. Memory is {@code samples * units / 8} bytes.
 *
 * <p>Cosines of binary vectors are computed from bit counts: cos(p, q) = |p AND q| / sqrt(|p| |q|), 0 when either
 * pattern is all zeros (SPEC §9); the elementwise product of two patterns is their AND. Counts are exact integers, so
 * two correct implementations agree bit for bit.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class PatternSet {
    private final long[] bits;
    private final int samples;
    private final int units;
    private final int words;

    private PatternSet(long[] bits, int samples, int units) {
        this.bits = bits;
        this.samples = samples;
        this.units = units;
        this.words = wordsFor(units);
    }

    /**
     * The S1 patterns of {@code activations} with threshold {@code tau} (SPEC §1).
     *
     * @throws DynamicsException when the probe set is empty, the layer has no units, or tau is not finite
     */
    public static PatternSet of(LayerActivations activations, float tau) {
        if (activations == null) {
            throw new DynamicsException("activations are null; pass the probe set's LayerActivations");
        }
        return of(ProbeMatrix.of(activations.layer(), "layer " + activations.layer(), activations), tau);
    }

    /**
     * The S1 patterns of {@code activations} (one row per probe sample, all of the same length) with threshold
     * {@code tau} (SPEC §1).
     *
     * @throws DynamicsException when the probe set is empty, rows differ in length, or tau is not finite
     */
    public static PatternSet of(float[][] activations, float tau) {
        return of(ProbeMatrix.of("pattern set", activations), tau);
    }

    static PatternSet of(ProbeMatrix matrix, float tau) {
        if (!Float.isFinite(tau)) {
            throw new DynamicsException("S1 threshold tau must be finite, got " + tau + "; the default is 0");
        }
        int samples = matrix.samples();
        int units = matrix.units();
        int words = wordsFor(units);
        float[] values = matrix.values();
        long[] bits = new long[samples * words];
        for (int i = 0; i < samples; i++) {
            int row = i * units;
            int base = i * words;
            for (int j = 0; j < units; j++) {
                if (values[row + j] > tau) {
                    bits[base + (j >>> 6)] |= 1L << j;
                }
            }
        }
        return new PatternSet(bits, samples, units);
    }

    private static int wordsFor(int units) {
        return (units + 63) >>> 6;
    }

    public int samples() {
        return samples;
    }

    public int units() {
        return units;
    }

    /** Whether unit {@code unit} of probe sample {@code sample} is on. */
    public boolean isActive(int sample, int unit) {
        checkSample(sample);
        if (unit < 0 || unit >= units) {
            throw new DynamicsException("unit " + unit + " is out of range; the layer has " + units + " units");
        }
        return (bits[sample * words + (unit >>> 6)] & (1L << unit)) != 0;
    }

    /** |p_i|: the number of units on for probe sample {@code i}. */
    public int activeCount(int i) {
        checkSample(i);
        int count = 0;
        for (int w = i * words, end = w + words; w < end; w++) {
            count += Long.bitCount(bits[w]);
        }
        return count;
    }

    /** The path overlap p_i . p_j = |p_i AND p_j| of SPEC §9 (the number of units on for both samples). */
    public int overlap(int i, int j) {
        checkSample(i);
        checkSample(j);
        int oi = i * words;
        int oj = j * words;
        int count = 0;
        for (int w = 0; w < words; w++) {
            count += Long.bitCount(bits[oi + w] & bits[oj + w]);
        }
        return count;
    }

    /**
     * Self similarity cos(p_i^{t-1}, p_i^t) of SPEC §9: |p AND q| / sqrt(|p| |q|), 0 when either pattern is empty.
     *
     * @throws DynamicsException when the two pattern sets differ in samples or units
     */
    public static double selfCosine(PatternSet previous, PatternSet current, int i) {
        requireSameShape(previous, current);
        current.checkSample(i);
        int o = i * current.words;
        long both = 0;
        long p = 0;
        long q = 0;
        for (int w = o, end = o + current.words; w < end; w++) {
            long a = previous.bits[w];
            long b = current.bits[w];
            both += Long.bitCount(a & b);
            p += Long.bitCount(a);
            q += Long.bitCount(b);
        }
        return binaryCosine(both, p, q);
    }

    /**
     * Cross path similarity cos(p_i^t AND p_j^t, p_i^{t-1} AND p_j^{t-1}) of SPEC §9 (the elementwise product of
     * binary vectors is their AND); 0 when either AND is empty.
     *
     * @throws DynamicsException when the two pattern sets differ in samples or units
     */
    public static double crossCosine(PatternSet previous, PatternSet current, int i, int j) {
        requireSameShape(previous, current);
        current.checkSample(i);
        current.checkSample(j);
        int words = current.words;
        int oi = i * words;
        int oj = j * words;
        long both = 0;
        long u = 0;
        long v = 0;
        for (int w = 0; w < words; w++) {
            long now = current.bits[oi + w] & current.bits[oj + w];
            long before = previous.bits[oi + w] & previous.bits[oj + w];
            both += Long.bitCount(now & before);
            u += Long.bitCount(now);
            v += Long.bitCount(before);
        }
        return binaryCosine(both, u, v);
    }

    /** |a AND b| / sqrt(|a| |b|), 0 when |a| or |b| is 0; exactly 1.0 when a == b (sqrt of a perfect square). */
    static double binaryCosine(long both, long countA, long countB) {
        if (countA == 0 || countB == 0) {
            return 0;
        }
        return both / Math.sqrt((double) countA * countB);
    }

    static void requireSameShape(PatternSet previous, PatternSet current) {
        if (previous.samples != current.samples || previous.units != current.units) {
            throw new DynamicsException("pattern sets differ: " + previous.samples + " samples x " + previous.units
                    + " units before, " + current.samples + " x " + current.units
                    + " now; compare checkpoints of the same layer on the same probe set");
        }
    }

    private void checkSample(int i) {
        if (i < 0 || i >= samples) {
            throw new DynamicsException("probe sample " + i + " is out of range; the probe set has " + samples
                    + " samples (0.." + (samples - 1) + ")");
        }
    }
}
