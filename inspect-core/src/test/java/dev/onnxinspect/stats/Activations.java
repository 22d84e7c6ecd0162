package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;

/** Builds small {@link LayerActivations} for the tests. */
final class Activations {
    private Activations() {}

    /** A batch of the given rows (one per sample) for a layer of the given unit shape. */
    static LayerActivations of(String layer, int[] unitShape, float[]... rows) {
        int units = 1;
        for (int d : unitShape) {
            units *= d;
        }
        float[] values = new float[rows.length * units];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != units) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values");
            }
            System.arraycopy(rows[i], 0, values, i * units, units);
        }
        return new LayerActivations(layer, values, rows.length, unitShape);
    }

    /** A dense layer batch: unit shape [n]. */
    static LayerActivations dense(String layer, float[]... rows) {
        return of(layer, new int[] {rows[0].length}, rows);
    }

    /** Samples [from, to) of a batch. */
    static LayerActivations slice(LayerActivations acts, int from, int to) {
        int units = acts.values().length / acts.samples();
        float[] values = java.util.Arrays.copyOfRange(acts.values(), from * units, to * units);
        return new LayerActivations(acts.layer(), values, to - from, acts.unitShape());
    }

    /**
     * Random ReLU-like activations: about a third exact zeros, the rest positive over several decades, a few
     * negative (for pre-activation layers) when {@code negatives}.
     */
    static float[][] randomRows(Random random, int samples, int units, boolean negatives) {
        float[][] rows = new float[samples][units];
        for (float[] row : rows) {
            for (int j = 0; j < units; j++) {
                double u = random.nextDouble();
                if (u < 0.33) {
                    row[j] = 0f;
                } else if (negatives && u < 0.45) {
                    row[j] = (float) -random.nextDouble();
                } else {
                    row[j] = (float) Math.exp(random.nextGaussian() * 4);
                }
            }
        }
        return rows;
    }

    static int[] randomClasses(Random random, int samples, int numClasses) {
        int[] classes = new int[samples];
        for (int i = 0; i < samples; i++) {
            classes[i] = random.nextInt(numClasses);
        }
        return classes;
    }
}
