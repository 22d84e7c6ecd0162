package dev.onnxinspect.dynamics;

import java.util.Arrays;

/**
 * The nearest neighbours of one anchor by path overlap at one checkpoint (SPEC §9): for every probe sample k, its
 * overlap p_anchor . p_k and its rank among the other samples.
 *
 * <p>Choice: rank by descending overlap with standard competition ranking ("1224"): rank(k) = 1 + the number of
 * other samples (not the anchor) with a strictly larger overlap, so tied samples share the best rank and the next
 * rank is skipped. Ties are not broken by index because the probe set order carries no meaning. The anchor itself
 * has rank 0. Immutable; accessors return copies.
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
