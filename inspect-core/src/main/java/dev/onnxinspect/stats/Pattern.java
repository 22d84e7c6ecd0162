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

    /** Fills {@code words} with the S1 pattern {@code row[offset + j] > threshold} of n neurons. */
    static void pack(float[] row, int offset, int n, float threshold, long[] words) {
        for (int w = 0; w < words.length; w++) {
            int start = w << 6;
            int end = Math.min(start + 64, n);
            long bits = 0L;
            for (int j = start; j < end; j++) {
                bits |= (row[offset + j] > threshold ? 1L : 0L) << (j - start);
            }
            words[w] = bits;
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
