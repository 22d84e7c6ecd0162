package dev.onnxinspect.runtime;

import java.util.Arrays;

/**
 * The activations of one layer for one batch, as ONNX Runtime returned them (float32).
 *
 * @param layer     the tensor name
 * @param values    row-major {@code [samples][units]}: sample i occupies {@code values[i * units() .. (i+1) * units())};
 *                  owned by this object once built: nobody may change it (not copied, for speed)
 * @param samples   the number of samples in the batch
 * @param unitShape the shape of one sample's activation, e.g. {@code [128]} or {@code [16, 28, 28]} (C, H, W)
 */
public record LayerActivations(String layer, float[] values, int samples, int[] unitShape) {
    public LayerActivations {
        long units = 1;
        for (int d : unitShape) {
            units *= d;
        }
        if (values.length != units * samples) {
            throw new IllegalArgumentException("layer " + layer + ": " + samples + " samples of shape "
                    + Arrays.toString(unitShape) + " need " + units * samples + " values, got " + values.length);
        }
        unitShape = unitShape.clone();
    }

    /** Number of values per sample (the product of the unit shape). */
    public int units() {
        return samples == 0 ? 0 : values.length / samples;
    }

    /** The activation of unit j for sample i. */
    public float value(int i, int j) {
        return values[i * units() + j];
    }

    @Override
    public int[] unitShape() {
        return unitShape.clone();
    }
}
