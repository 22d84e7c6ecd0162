package dev.onnxinspect.dynamics;

import dev.onnxinspect.runtime.LayerActivations;

/**
 * One layer's activations for the whole probe set at one checkpoint, row-major {@code [samples][units]}, checked to be
 * non-empty and finite. Package-private: the accumulators build it from what the caller hands them.
 *
 * <p>Built from {@link LayerActivations} the value array is shared, not copied (that record's contract says nobody
 * changes it); built from {@code float[][]} the rows are copied into one array.
 */
final class ProbeMatrix {
    private final String where;
    private final float[] values;
    private final int samples;
    private final int units;

    private ProbeMatrix(String where, float[] values, int samples, int units) {
        this.where = where;
        this.values = values;
        this.samples = samples;
        this.units = units;
        requireFinite();
    }

    /**
     * @param expectedLayer the layer the caller tracks; {@code activations.layer()} must equal it
     * @param where         where the activations come from, for messages (e.g. "layer fc1, step 3")
     */
    static ProbeMatrix of(String expectedLayer, String where, LayerActivations activations) {
        if (activations == null) {
            throw new DynamicsException(
                    where + ": activations are null;" + " pass the probe set's LayerActivations for this checkpoint");
        }
        if (!expectedLayer.equals(activations.layer())) {
            throw new DynamicsException(where + ": activations are of layer '" + activations.layer()
                    + "' but this accumulator tracks layer '" + expectedLayer
                    + "'; use one accumulator per layer");
        }
        requireProbeSet(where, activations.samples(), activations.units());
        return new ProbeMatrix(where, activations.values(), activations.samples(), activations.units());
    }

    /** @param where where the activations come from, for messages (e.g. "layer fc1, step 3") */
    static ProbeMatrix of(String where, float[][] rows) {
        if (rows == null) {
            throw new DynamicsException(where + ": activations are null; pass one float[] row per probe sample");
        }
        int units = rows.length == 0 || rows[0] == null ? 0 : rows[0].length;
        requireProbeSet(where, rows.length, units);
        float[] values = new float[rows.length * units];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != units) {
                throw new DynamicsException(where + ": probe sample " + i + " has "
                        + (rows[i] == null ? "no row" : rows[i].length + " units") + ", expected " + units
                        + " like sample 0; every sample of one layer must have the same number of units");
            }
            System.arraycopy(rows[i], 0, values, i * units, units);
        }
        return new ProbeMatrix(where, values, rows.length, units);
    }

    private static void requireProbeSet(String where, int samples, int units) {
        if (samples == 0) {
            throw new DynamicsException(
                    where + ": the probe set is empty;" + " path statistics need at least one probe sample");
        }
        if (units == 0) {
            throw new DynamicsException(
                    where + ": the layer has 0 units per sample;" + " choose a layer with at least one unit");
        }
    }

    private void requireFinite() {
        for (int k = 0; k < values.length; k++) {
            if (!Float.isFinite(values[k])) {
                throw new DynamicsException(where + ": activation of probe sample " + k / units + ", unit "
                        + k % units + " is " + values[k] + "; path similarities need finite activations"
                        + " (check the checkpoint for diverged weights)");
            }
        }
    }

    int samples() {
        return samples;
    }

    int units() {
        return units;
    }

    float[] values() {
        return values;
    }

    /**
     * cos(a_i * a_j, b_i * b_j) with a = {@code current}, b = {@code previous}: the cross path similarity of SPEC §9
     * on activations. Products and sums in float64 (a float32 product is exact in float64); 0 when either product
     * vector is all zeros. Choice: the quotient is clamped to [-1, 1] so rounding never reports |cos| > 1.
     */
    static double crossCosine(ProbeMatrix previous, ProbeMatrix current, int i, int j) {
        int units = current.units;
        float[] cur = current.values;
        float[] prev = previous.values;
        int oi = i * units;
        int oj = j * units;
        double uv = 0;
        double uu = 0;
        double vv = 0;
        for (int k = 0; k < units; k++) {
            double u = (double) cur[oi + k] * cur[oj + k];
            double v = (double) prev[oi + k] * prev[oj + k];
            uv += u * v;
            uu += u * u;
            vv += v * v;
        }
        if (uu == 0 || vv == 0) {
            return 0;
        }
        double c = uv / (Math.sqrt(uu) * Math.sqrt(vv));
        return Math.max(-1, Math.min(1, c));
    }
}
