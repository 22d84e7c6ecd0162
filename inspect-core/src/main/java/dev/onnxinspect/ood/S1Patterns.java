package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;

/**
 * S1 significance (SPEC §1) for the pattern detectors: unit j of a layer is active when a_j &gt; tau, compared
 * exactly in float64. Choice: a neuron is one unit of the flattened activation as given (C*H*W for convolutional
 * layers, SPEC's default view); for {@code CHANNEL_MEAN}/{@code CHANNEL_MAX} reduce the channels before building
 * the {@link DetectorInput}.
 */
final class S1Patterns {
    private S1Patterns() {}

    static void checkTau(double tau) {
        if (Double.isNaN(tau)) {
            throw new OodException("the S1 threshold tau must be a number, got NaN");
        }
    }

    /** Words of a bit pattern over the given number of units. */
    static int words(int units) {
        return (units + 63) >>> 6;
    }

    /** The S1 pattern of one sample as bits (unit j is bit j % 64 of word j / 64), written into {@code out}. */
    static void bits(LayerActivations a, int sample, double tau, long[] out) {
        java.util.Arrays.fill(out, 0L);
        float[] v = a.values();
        int units = a.units();
        int from = sample * units;
        for (int j = 0; j < units; j++) {
            if (v[from + j] > tau) {
                out[j >>> 6] |= 1L << (j & 63);
            }
        }
    }

    /** The checked activations of the detector's layer, with the width it was fitted on (or -1 for any). */
    static LayerActivations layer(DetectorInput input, String layer, int units, String who) {
        LayerActivations a = input.layer(layer);
        if (units >= 0 && a.units() != units) {
            throw new OodException(who + " was fitted on " + units + " units of layer " + layer + ", the input has "
                    + a.units() + "; pass the same layer (and neuron view) as at fit time");
        }
        return a;
    }

    static String name(String prefix, String layer) {
        return prefix + "[" + layer + "]";
    }
}
