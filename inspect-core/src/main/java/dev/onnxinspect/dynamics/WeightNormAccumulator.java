package dev.onnxinspect.dynamics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Weight norms across training (SPEC §10): ||theta_t||_2 and ||theta_t - theta_0||_2 per layer and in total, for
 * checkpoints fed as named float arrays (weight name to its values, any shape flattened).
 *
 * <p>Built with the initial weights theta_0 (copied and kept: memory is one model's weights). Feed each checkpoint,
 * theta_0 itself included if its row is wanted, with {@link #accept(int, Map)}. Sums of squares are float64, each
 * layer summed in index order, layers in name order; the totals are sqrt(sum over layers of the squared sums).
 *
 * <p>Choice: layers are ordered by name (String order), so results do not depend on the map's iteration order.
 * Every checkpoint must have exactly theta_0's weight names and sizes, all values finite.
 *
 * <p>Mutable and not thread-safe. {@link #merge(WeightNormAccumulator)} joins an accumulator built on the same
 * theta_0 that saw other steps.
 */
public final class WeightNormAccumulator {
    private final TreeMap<String, float[]> initial;
    private final List<WeightNorms> checkpoints = new ArrayList<>();
    private int lastStep = -1;

    /**
     * @param initial theta_0: weight name to values (copied)
     * @throws DynamicsException when there are no weights, a name or array is null, or a value is not finite
     */
    public WeightNormAccumulator(Map<String, float[]> initial) {
        if (initial == null || initial.isEmpty()) {
            throw new DynamicsException("the initial weights theta_0 are " + (initial == null ? "null" : "empty")
                    + "; pass at least one named weight array");
        }
        this.initial = new TreeMap<>();
        for (var e : initial.entrySet()) {
            requireValid(-1, e.getKey(), e.getValue());
            this.initial.put(e.getKey(), e.getValue().clone());
        }
    }

    /**
     * Feeds the weights of checkpoint {@code step}.
     *
     * @throws DynamicsException when the step is not after the previous one, the weight names or sizes differ from
     *                           theta_0's, or a value is not finite
     */
    public void accept(int step, Map<String, float[]> weights) {
        if (step < 0 || step <= lastStep) {
            throw new DynamicsException("checkpoint step " + step + " must be non-negative and after the previous"
                    + " step " + lastStep + "; feed checkpoints in increasing step order");
        }
        if (weights == null || !weights.keySet().equals(initial.keySet())) {
            throw new DynamicsException("step " + step + ": weight names "
                    + (weights == null ? "(none)" : new TreeMap<>(weights).keySet()) + " differ from theta_0's "
                    + initial.keySet() + "; every checkpoint must hold the same weights");
        }
        var layers = new ArrayList<LayerWeightNorm>(initial.size());
        double totalSquares = 0;
        double totalDiffSquares = 0;
        for (var e : initial.entrySet()) {
            float[] theta0 = e.getValue();
            float[] theta = weights.get(e.getKey());
            requireValid(step, e.getKey(), theta);
            if (theta.length != theta0.length) {
                throw new DynamicsException("step " + step + ": weight '" + e.getKey() + "' has " + theta.length
                        + " values, theta_0 has " + theta0.length + "; every checkpoint must have the same shapes");
            }
            double squares = 0;
            double diffSquares = 0;
            for (int k = 0; k < theta.length; k++) {
                double v = theta[k];
                double d = v - theta0[k];
                squares += v * v;
                diffSquares += d * d;
            }
            layers.add(new LayerWeightNorm(e.getKey(), Math.sqrt(squares), Math.sqrt(diffSquares)));
            totalSquares += squares;
            totalDiffSquares += diffSquares;
        }
        checkpoints.add(new WeightNorms(step, layers, Math.sqrt(totalSquares), Math.sqrt(totalDiffSquares)));
        lastStep = step;
    }

    private static void requireValid(int step, String name, float[] values) {
        String where = step < 0 ? "theta_0" : "step " + step;
        if (name == null || values == null) {
            throw new DynamicsException(where + ": weight name and values must not be null (name " + name + ")");
        }
        for (int k = 0; k < values.length; k++) {
            if (!Float.isFinite(values[k])) {
                throw new DynamicsException(where + ": weight '" + name + "' value " + k + " is " + values[k]
                        + "; norms need finite weights (the run may have diverged)");
            }
        }
    }

    /**
     * Joins {@code other}, built on the same theta_0, that saw other steps. {@code other} is not changed.
     *
     * @throws DynamicsException when theta_0 differs or both saw a step
     */
    public void merge(WeightNormAccumulator other) {
        boolean sameInit = initial.keySet().equals(other.initial.keySet())
                && initial.entrySet().stream()
                        .allMatch(e -> java.util.Arrays.equals(e.getValue(), other.initial.get(e.getKey())));
        if (!sameInit) {
            throw new DynamicsException("cannot merge weight norms measured from a different theta_0;"
                    + " build both accumulators with the same initial weights");
        }
        var seen = new HashSet<Integer>();
        checkpoints.forEach(c -> seen.add(c.step()));
        for (WeightNorms c : other.checkpoints) {
            if (seen.contains(c.step())) {
                throw new DynamicsException("both accumulators hold step " + c.step()
                        + "; merge accumulators that saw disjoint checkpoints");
            }
        }
        checkpoints.addAll(other.checkpoints);
        checkpoints.sort(Comparator.comparingInt(WeightNorms::step));
        lastStep = Math.max(lastStep, other.lastStep);
    }

    /** The norms of every checkpoint fed so far, in step order (empty before the first). */
    public WeightTrajectory result() {
        return new WeightTrajectory(List.copyOf(initial.keySet()), checkpoints);
    }
}
