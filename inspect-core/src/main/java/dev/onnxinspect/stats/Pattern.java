package dev.onnxinspect.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An S1 bit pattern packed into longs, as a hash map key: the hash indexes, {@link #equals} compares every word,
 * so two different patterns are never merged (SPEC §7). A key in a map is never changed; the one mutable
 * instance is the accumulator's probe, which is never stored.
 * <p>Two layouts, each a one-to-one map from neurons to bits, chosen by the layer width alone (so that all the
 * patterns of a layer, in every accumulator that may be merged, share one): narrow layers put neuron j in bit
 * {@code j % 64} of word {@code j / 64} ({@link #pack(int[], int, long[])}); layers of at least {@link #BLOCK}
 * neurons use the {@link #packFolded folded} layout, which the JIT can vectorise, at the cost of at most one
 * partly used block of 256 bytes per pattern.
 */
final class Pattern implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Neurons per block of the folded layout: 32 rows of {@link RowScan#FOLD}, one bit each in an int word. */
    static final int BLOCK = 32 * RowScan.FOLD;

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
     * Fills {@code words} with the S1 pattern {@code row[offset + j] > threshold} of n neurons in the narrow layout
     * (bit j of word j / 64): the scalar float reference of {@link #pack(int[], int, long[])}. Full words are
     * built in four independent bit chains.
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

    /** Whether a layer of n neurons uses the folded layout. */
    static boolean folded(int n) {
        return n >= BLOCK;
    }

    /** The number of long words of a pattern of n neurons. */
    static int wordCount(int n) {
        return folded(n) ? (n + BLOCK - 1) / BLOCK * (RowScan.FOLD / 2) : (n + 63) >>> 6;
    }

    /**
     * The bit of each neuron in its int word of the folded layout: {@code 1 << ((j % BLOCK) / FOLD)}, the row of
     * neuron j in its block (a table, because the JIT cannot vectorise a shift by the loop index).
     */
    static int[] foldedRowBits(int n) {
        int[] rowBits = new int[n];
        for (int j = 0; j < n; j++) {
            rowBits[j] = 1 << (j % BLOCK / RowScan.FOLD);
        }
        return rowBits;
    }

    /**
     * Fills {@code words} with the folded layout of a pattern given as {@code selected[j] = on_j ?
     * foldedRowBits[j] : 0}; overwrites {@code selected}. Each block of {@link #BLOCK} neurons is viewed as 32
     * rows of {@link RowScan#FOLD}; ORing every slot into the one {@code FOLD} places further ({@code s[k] |= s[k
     * - FOLD]}, a constant distance the JIT vectorises) leaves in the block's last {@code FOLD} slots one int per
     * column, whose bit r is the neuron of row r. Two ints make a long; a last block shorter than {@code FOLD}
     * keeps its slots as they are and zeros after them.
     */
    static void packFolded(int[] selected, int n, long[] words) {
        int w = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            for (int k = start + RowScan.FOLD; k < end; k++) {
                selected[k] |= selected[k - RowScan.FOLD];
            }
            int columns = Math.max(start, end - RowScan.FOLD);
            for (int c = columns; c < columns + RowScan.FOLD; c += 2) {
                long low = c < end ? selected[c] & 0xFFFFFFFFL : 0L;
                long high = c + 1 < end ? selected[c + 1] : 0L;
                words[w++] = low | high << 32;
            }
        }
    }

    /**
     * The inverse of {@link #pack(int[], int, long[])} and {@link #packFolded}: {@code on[j] = 1} for every neuron j
     * of the pattern of n neurons, else 0, in the layout {@link #folded(int)} chooses for n.
     */
    static void unpack(long[] words, int n, int[] on) {
        if (!folded(n)) {
            for (int j = 0; j < n; j++) {
                on[j] = (int) (words[j >>> 6] >>> (j & 63)) & 1;
            }
            return;
        }
        int w = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            // the block's last FOLD slots (from `columns`) hold one int per column; slot k holds column
            // (k - start) % FOLD, and bit r of it is the neuron of row r of that column
            int columns = Math.max(start, end - RowScan.FOLD);
            for (int j = start; j < end; j++) {
                int row = (j - start) / RowScan.FOLD;
                int column = (j - start) % RowScan.FOLD;
                int slot = Math.floorMod(column - (columns - start), RowScan.FOLD);
                long word = words[w + slot / 2];
                int value = (int) (slot % 2 == 0 ? word : word >>> 32);
                on[j] = (value >>> row) & 1;
            }
            w += RowScan.FOLD / 2;
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
