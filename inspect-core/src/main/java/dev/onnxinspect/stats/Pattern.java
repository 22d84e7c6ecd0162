package dev.onnxinspect.stats;

import java.util.Arrays;

/**
 * An S1 bit pattern packed into longs (bit j of word j / 64 is neuron j), as a hash map key: the hash indexes,
 * {@link #equals} compares every word, so two different patterns are never merged (SPEC §7). A key in a map is
 * never changed; the one mutable instance is the accumulator's probe, which is never stored.
 */
final class Pattern {
    final long[] words;
    private int hash;

    Pattern(long[] words) {
        this.words = words;
        rehash();
    }

    /** Recomputes the hash after the probe's words were overwritten. */
    void rehash() {
        hash = Arrays.hashCode(words);
    }

    /**
     * Fills {@code words} with the S1 pattern {@code row[offset + j] > threshold} of n neurons. Full words are
     * built in four independent bit chains (the compare results have no order a branch predictor could learn).
     */
    static void pack(float[] row, int offset, int n, float threshold, long[] words) {
        for (int w = 0; w < words.length; w++) {
            int start = w << 6;
            int o = offset + start;
            if (n - start >= 64) {
                long b0 = 0L;
                long b1 = 0L;
                long b2 = 0L;
                long b3 = 0L;
                for (int k = 0; k < 64; k += 4) {
                    b0 |= (row[o + k] > threshold ? 1L : 0L) << k;
                    b1 |= (row[o + k + 1] > threshold ? 1L : 0L) << (k + 1);
                    b2 |= (row[o + k + 2] > threshold ? 1L : 0L) << (k + 2);
                    b3 |= (row[o + k + 3] > threshold ? 1L : 0L) << (k + 3);
                }
                words[w] = b0 | b1 | b2 | b3;
            } else {
                long bits = 0L;
                for (int k = 0; k < n - start; k++) {
                    bits |= (row[o + k] > threshold ? 1L : 0L) << k;
                }
                words[w] = bits;
            }
        }
    }

    /**
     * Fills {@code words} with the pattern whose bit j is {@code on[j]} (0 or 1), n neurons, in the layout of
     * {@link #pack(float[], int, int, float, long[])}. Each full word is built as four 16-bit int chains (int
     * shifts, independent chains) and joined.
     */
    static void pack(int[] on, int n, long[] words) {
        int full = n >>> 6;
        for (int w = 0; w < full; w++) {
            int base = w << 6;
            int q0 = 0;
            int q1 = 0;
            int q2 = 0;
            int q3 = 0;
            for (int k = 0; k < 16; k++) {
                q0 |= on[base + k] << k;
                q1 |= on[base + 16 + k] << k;
                q2 |= on[base + 32 + k] << k;
                q3 |= on[base + 48 + k] << k;
            }
            words[w] = q0 | (long) q1 << 16 | (long) q2 << 32 | (long) q3 << 48;
        }
        if (full < words.length) {
            long bits = 0L;
            for (int j = full << 6; j < n; j++) {
                bits |= (long) on[j] << (j & 63);
            }
            words[full] = bits;
        }
    }

    /** A stored copy of this probe. */
    Pattern copy() {
        return new Pattern(words.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pattern p && hash == p.hash && Arrays.equals(words, p.words);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
