package dev.onnxinspect.dynamics;

import java.util.List;

/**
 * Path overlap against input distance and neighbour ranks of one layer over a checkpoint series (SPEC §9), as
 * {@link PathOverlapAccumulator#result()} returns them. Immutable.
 *
 * @param layer      the layer name
 * @param samples    the probe set size
 * @param pairs      the pairs the overlaps were computed on
 * @param options    the settings used
 * @param steps      one summary per checkpoint, in step order
 * @param neighbours one entry per (checkpoint, anchor), in step order, then anchor order of the options
 */
public record PathOverlapResult(
        String layer,
        int samples,
        ProbePairs pairs,
        PathOptions options,
        List<OverlapStepSummary> steps,
        List<NeighbourRanks> neighbours) {
    public PathOverlapResult {
        steps = List.copyOf(steps);
        neighbours = List.copyOf(neighbours);
    }

    /** The ranks around {@code anchor} at every step, in step order. */
    public List<NeighbourRanks> neighbours(int anchor) {
        if (!options.anchors().contains(anchor)) {
            throw new DynamicsException("sample " + anchor + " is not an anchor; anchors are " + options.anchors()
                    + " (set them with PathOptions.builder().anchors(...))");
        }
        return neighbours.stream().filter(n -> n.anchor() == anchor).toList();
    }

    /**
     * SPEC §9's top-k overlap around {@code anchor} between the checkpoint before {@code step} and {@code step}
     * (see {@link NeighbourRanks#topKOverlap}).
     *
     * @throws DynamicsException when the anchor is not one, the step was not seen or is the first, or k is outside
     *                           1..samples-1
     */
    public double topKOverlap(int anchor, int step, int k) {
        List<NeighbourRanks> ranks = neighbours(anchor);
        for (int i = 1; i < ranks.size(); i++) {
            if (ranks.get(i).step() == step) {
                return ranks.get(i).topKOverlap(ranks.get(i - 1), k);
            }
        }
        throw new DynamicsException("layer " + layer + ": no checkpoint before step " + step + " to compare with;"
                + " steps seen: " + steps.stream().map(OverlapStepSummary::step).toList());
    }

    /**
     * The ranks around {@code anchor} at {@code step}.
     *
     * @throws DynamicsException when the anchor is not one, or the step was not seen
     */
    public NeighbourRanks neighbours(int step, int anchor) {
        return neighbours(anchor).stream()
                .filter(n -> n.step() == step)
                .findFirst()
                .orElseThrow(() ->
                        new DynamicsException("layer " + layer + ": no checkpoint at step " + step + "; steps seen: "
                                + steps.stream().map(OverlapStepSummary::step).toList()));
    }
}
