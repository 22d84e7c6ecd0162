package dev.onnxinspect.dynamics;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * Path overlap against input distance, and nearest neighbours by path overlap, for one layer over a series of
 * checkpoints (SPEC §9). Each checkpoint is independent of the others:
 * <ul>
 *   <li>for every pair (i, j) of {@link ProbePairs}: the overlap p_i^t . p_j^t (units on for both) and the input
 *       distance ||x_i - x_j||_2, sent to the {@link PathOverlapSink} and summarised per step
 *       ({@link OverlapStepSummary});</li>
 *   <li>for every anchor of the {@link PathOptions}: the rank of every other probe sample by overlap with the anchor
 *       ({@link NeighbourRanks}), kept for the result.</li>
 * </ul>
 * The input distances are computed once at construction in float64 and the inputs are not kept. Memory: one
 * checkpoint's packed patterns plus O(pairs) for the distances, and anchors x samples per step for the ranks.
 *
 * <p>Mutable and not thread-safe. {@link #merge(PathOverlapAccumulator)} joins an accumulator that saw other steps of
 * the same series; the result equals one pass over all steps.
 */
public final class PathOverlapAccumulator {
    private final String layer;
    private final PathOptions options;
    private final PathOverlapSink sink;
    private final int samples;
    private final ProbePairs pairs;
    private final double[] distances;
    private final List<OverlapStepSummary> steps = new ArrayList<>();
    private final List<NeighbourRanks> neighbours = new ArrayList<>();
    private int units = -1;
    private int lastStep = -1;

    /**
     * @param layer   the layer whose activations will be fed
     * @param inputs  the probe inputs x_i, one row per probe sample, all of the same length (not kept)
     * @param options tau, pair sampling and anchors
     * @param sink    receives every (pair, step) row; {@link PathOverlapSink#NONE} for none
     * @throws DynamicsException when the probe set is empty, rows differ in length or hold non-finite values, or an
     *                           anchor is not a probe sample
     */
    public PathOverlapAccumulator(String layer, float[][] inputs, PathOptions options, PathOverlapSink sink) {
        if (layer == null || inputs == null || options == null || sink == null) {
            throw new DynamicsException(
                    "layer, inputs, options and sink must not be null;" + " use PathOverlapSink.NONE for no rows");
        }
        this.layer = layer;
        this.options = options;
        this.sink = sink;
        this.samples = inputs.length;
        this.pairs = ProbePairs.select(samples, options.maxSampledPairs(), options.seed());
        for (int a : options.anchors()) {
            if (a >= samples) {
                throw new DynamicsException("anchor " + a + " is not a probe sample; the probe set has " + samples
                        + " samples (0.." + (samples - 1) + ")");
            }
        }
        this.distances = inputDistances(inputs, pairs);
    }

    private static double[] inputDistances(float[][] inputs, ProbePairs pairs) {
        int length = inputs[0] == null ? -1 : inputs[0].length;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null || inputs[i].length != length) {
                throw new DynamicsException("probe input " + i + " has "
                        + (inputs[i] == null ? "no values" : inputs[i].length + " values") + ", expected " + length
                        + " like input 0; all probe inputs must have the same size");
            }
            for (float v : inputs[i]) {
                if (!Float.isFinite(v)) {
                    throw new DynamicsException(
                            "probe input " + i + " holds " + v + "; input distances need" + " finite inputs");
                }
            }
        }
        double[] d = new double[pairs.size()];
        for (int k = 0; k < d.length; k++) {
            float[] x = inputs[pairs.first(k)];
            float[] y = inputs[pairs.second(k)];
            double sum = 0;
            for (int u = 0; u < x.length; u++) {
                double diff = (double) x[u] - y[u];
                sum += diff * diff;
            }
            d[k] = Math.sqrt(sum);
        }
        return d;
    }

    /**
     * Feeds checkpoint {@code step}: the layer's activations for the whole probe set, in the order of the inputs.
     *
     * @throws DynamicsException when the step is not after the previous one, the layer name, probe set size or unit
     *                           count does not match, or an activation is not finite
     */
    public void accept(int step, LayerActivations activations) {
        accept(step, ProbeMatrix.of(layer, "layer " + layer + ", step " + step, activations));
    }

    /** As {@link #accept(int, LayerActivations)}, with one {@code float[]} row per probe sample. */
    public void accept(int step, float[][] activations) {
        accept(step, ProbeMatrix.of("layer " + layer + ", step " + step, activations));
    }

    private void accept(int step, ProbeMatrix matrix) {
        if (step < 0 || step <= lastStep) {
            throw new DynamicsException("layer " + layer + ": checkpoint step " + step + " must be non-negative and"
                    + " after the previous step " + lastStep + "; feed checkpoints in increasing step order");
        }
        if (matrix.samples() != samples) {
            throw new DynamicsException("layer " + layer + ", step " + step + ": " + matrix.samples()
                    + " probe samples, but " + samples + " probe inputs were given; feed the activations of"
                    + " exactly the probe inputs, in the same order");
        }
        if (units >= 0 && matrix.units() != units) {
            throw new DynamicsException("layer " + layer + ", step " + step + ": " + matrix.units()
                    + " units per sample, but earlier checkpoints had " + units
                    + "; every checkpoint must come from the same architecture");
        }
        units = matrix.units();
        lastStep = step;
        PatternSet patterns = PatternSet.of(matrix, options.tau());
        int[] overlaps = new int[pairs.size()];
        for (int k = 0; k < overlaps.length; k++) {
            int i = pairs.first(k);
            int j = pairs.second(k);
            overlaps[k] = patterns.overlap(i, j);
            sink.accept(layer, step, i, j, overlaps[k], distances[k]);
        }
        steps.add(OverlapStepSummary.of(step, overlaps, distances));
        for (int anchor : options.anchors()) {
            int[] withAnchor = new int[samples];
            for (int k = 0; k < samples; k++) {
                withAnchor[k] = patterns.overlap(anchor, k);
            }
            neighbours.add(new NeighbourRanks(step, anchor, withAnchor));
        }
    }

    /**
     * Joins {@code other}, which saw other steps of the same layer, probe inputs and options. {@code other} is not
     * changed.
     *
     * @throws DynamicsException when layer, options, inputs or unit count differ, or both saw a step
     */
    public void merge(PathOverlapAccumulator other) {
        if (!layer.equals(other.layer)
                || !options.equals(other.options)
                || !Arrays.equals(distances, other.distances)) {
            throw new DynamicsException("cannot merge path overlaps of layer " + other.layer + " into layer " + layer
                    + ": layer, options and probe inputs must be the same");
        }
        if (units >= 0 && other.units >= 0 && units != other.units) {
            throw new DynamicsException("layer " + layer + ": cannot merge " + other.units + " units per sample into "
                    + units + "; both must come from the same architecture");
        }
        var seen = new HashSet<Integer>();
        steps.forEach(s -> seen.add(s.step()));
        for (OverlapStepSummary s : other.steps) {
            if (seen.contains(s.step())) {
                throw new DynamicsException("layer " + layer + ": both accumulators hold step " + s.step()
                        + "; merge accumulators that saw disjoint checkpoints");
            }
        }
        steps.addAll(other.steps);
        steps.sort(Comparator.comparingInt(OverlapStepSummary::step));
        neighbours.addAll(other.neighbours);
        neighbours.sort(Comparator.comparingInt(NeighbourRanks::step));
        units = Math.max(units, other.units);
        lastStep = Math.max(lastStep, other.lastStep);
    }

    /** The summaries and neighbour ranks so far (empty lists before the first checkpoint). */
    public PathOverlapResult result() {
        return new PathOverlapResult(layer, samples, pairs, options, steps, neighbours);
    }
}
