package dev.onnxinspect.dynamics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The nearest neighbours of one anchor by path overlap at one checkpoint (SPEC §9): for every probe sample k, its
 * overlap p_anchor . p_k and its rank among the other samples.
 *
 * <p>Choice: rank by descending overlap with standard competition ranking ("1224"): rank(k) = 1 + the number of
 * other samples (not the anchor) with a strictly larger overlap, so tied samples share the best rank and the next
 * rank is skipped. Ties are not broken by index because the probe set order carries no meaning. The anchor itself
 * has rank 0. Immutable; accessors return copies.
 *
 * <p>Top-k (SPEC §9): top_k is the set of samples whose rank is at most k, and the top-k overlap between checkpoints
 * t-1 and t is |top_k(t-1) ∩ top_k(t)| / k ({@link #topKOverlap}). Choice: because tied samples share a rank, a tie
 * group that starts at rank k or before lies wholly in top_k, so top_k can hold more than k samples (never fewer,
 * when k &lt; the number of samples) and the overlap, divided by k as SPEC writes it, can exceed 1 when ties straddle
 * rank k; without ties it lies in [0, 1]. Breaking ties by probe index instead would make the value depend on the
 * probe set's order.
 */
public final class NeighbourRanks {
    private final int step;
    private final int anchor;
    private final int[] overlaps;
    private final int[] ranks;

    /**
     * Ranks the samples by their overlaps with {@code anchor}.
     *
     * @param overlaps p_anchor . p_k for every probe sample k (the anchor's own entry is ignored); copied
     */
    public NeighbourRanks(int step, int anchor, int[] overlaps) {
        if (overlaps == null || anchor < 0 || anchor >= overlaps.length) {
            throw new DynamicsException("anchor " + anchor + " must index the overlaps of the probe set ("
                    + (overlaps == null ? "none given" : overlaps.length + " samples") + ")");
        }
        this.step = step;
        this.anchor = anchor;
        this.overlaps = overlaps.clone();
        this.ranks = competitionRanks(this.overlaps, anchor);
    }

    private static int[] competitionRanks(int[] overlaps, int anchor) {
        int max = 0;
        for (int k = 0; k < overlaps.length; k++) {
            if (overlaps[k] < 0) {
                throw new DynamicsException("overlap of sample " + k + " is " + overlaps[k] + "; overlaps count"
                        + " units and cannot be negative");
            }
            if (k != anchor) {
                max = Math.max(max, overlaps[k]);
            }
        }
        // above[v] = number of other samples with overlap > v, from a histogram of the overlap values.
        int[] above = new int[max + 2];
        for (int k = 0; k < overlaps.length; k++) {
            if (k != anchor) {
                above[overlaps[k]]++;
            }
        }
        int greater = 0;
        for (int v = max; v >= 0; v--) {
            int atV = above[v];
            above[v] = greater;
            greater += atV;
        }
        int[] ranks = new int[overlaps.length];
        for (int k = 0; k < overlaps.length; k++) {
            ranks[k] = k == anchor ? 0 : 1 + above[overlaps[k]];
        }
        return ranks;
    }

    public int step() {
        return step;
    }

    public int anchor() {
        return anchor;
    }

    /** The number of probe samples. */
    public int samples() {
        return ranks.length;
    }

    /** p_anchor . p_k for every probe sample k (a copy). */
    public int[] overlaps() {
        return overlaps.clone();
    }

    /** The rank of every probe sample k, 0 for the anchor itself (a copy). */
    public int[] ranks() {
        return ranks.clone();
    }

    /** The rank of probe sample {@code k}, 0 when k is the anchor. */
    public int rank(int k) {
        if (k < 0 || k >= ranks.length) {
            throw new DynamicsException(
                    "probe sample " + k + " is out of range; the probe set has " + ranks.length + " samples");
        }
        return ranks[k];
    }

    /**
     * top_k: the probe samples other than the anchor whose rank is at most {@code k}, in increasing index order.
     *
     * @throws DynamicsException unless 1 &lt;= k &lt;= samples - 1
     */
    public int[] topK(int k) {
        checkK(k);
        return IntStream.range(0, ranks.length)
                .filter(i -> i != anchor && ranks[i] <= k)
                .toArray();
    }

    /**
     * SPEC §9: |top_k(previous) ∩ top_k(this)| / k, where {@code previous} holds the ranks around the same anchor at
     * the checkpoint before this one.
     *
     * @throws DynamicsException when the anchor or the probe set size differ, {@code previous} is not at an earlier
     *                           step, or k is outside 1..samples-1
     */
    public double topKOverlap(NeighbourRanks previous, int k) {
        if (previous.anchor != anchor || previous.ranks.length != ranks.length || previous.step >= step) {
            throw new DynamicsException("top-k overlap needs the ranks of the same anchor on the same probe set at an"
                    + " earlier step; got anchor " + previous.anchor + " at step " + previous.step + " ("
                    + previous.ranks.length + " samples) before anchor " + anchor + " at step " + step + " ("
                    + ranks.length + " samples)");
        }
        checkK(k);
        int common = 0;
        for (int i = 0; i < ranks.length; i++) {
            if (i != anchor && ranks[i] <= k && previous.ranks[i] <= k) {
                common++;
            }
        }
        return (double) common / k;
    }

    private void checkK(int k) {
        if (k < 1 || k > ranks.length - 1) {
            throw new DynamicsException("k = " + k + " must lie in 1.." + (ranks.length - 1)
                    + " (the probe samples other than the anchor)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NeighbourRanks r
                && step == r.step
                && anchor == r.anchor
                && Arrays.equals(overlaps, r.overlaps);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * step + anchor) + Arrays.hashCode(overlaps);
    }

    @Override
    public String toString() {
        return "NeighbourRanks[step=" + step + ", anchor=" + anchor + ", ranks=" + Arrays.toString(ranks) + "]";
    }
}
