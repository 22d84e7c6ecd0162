package dev.onnxinspect.stats;

import java.util.Objects;

/**
 * The class-wise activation frequencies of one layer for S1 and S2 (SPEC §2), with their histograms and active
 * fractions available from the tables' rows ({@link ClassCounts#histogram}, {@link ClassCounts#activeFraction}).
 * An accumulator that saw no valid sample gives tables without rows and {@code samples == 0}.
 *
 * @param layer             the layer (tensor) name
 * @param unitShape         the layer's unit shape; copied
 * @param view              what a neuron is
 * @param basis             whether classes were labels or predictions
 * @param s1                the S1 definition used
 * @param s2                the S2 definition used
 * @param neurons           n, the number of neurons (units of the view)
 * @param samples           the number of valid samples counted (the sum of the class sizes)
 * @param invalidSamples    samples left out because a unit was NaN or infinite (see the accumulator)
 * @param nonFiniteByNeuron per neuron, the number of samples in which it was non-finite; copied
 * @param s1Table           the S1 frequencies
 * @param s2Table           the S2 frequencies
 */
public record ActivationFrequencies(
        String layer,
        int[] unitShape,
        NeuronView view,
        ClassBasis basis,
        Significance.Active s1,
        Significance.Dominant s2,
        int neurons,
        long samples,
        long invalidSamples,
        long[] nonFiniteByNeuron,
        FrequencyTable s1Table,
        FrequencyTable s2Table) {
    public ActivationFrequencies {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(s1, "s1");
        Objects.requireNonNull(s2, "s2");
        Objects.requireNonNull(s1Table, "s1Table");
        Objects.requireNonNull(s2Table, "s2Table");
        unitShape = unitShape.clone();
        nonFiniteByNeuron = nonFiniteByNeuron.clone();
        if (nonFiniteByNeuron.length != neurons || s1Table.units() != neurons || s2Table.units() != neurons) {
            throw new StatsException("layer " + layer + ": every per-neuron array must have " + neurons + " entries");
        }
    }

    @Override
    public int[] unitShape() {
        return unitShape.clone();
    }

    @Override
    public long[] nonFiniteByNeuron() {
        return nonFiniteByNeuron.clone();
    }

    /** The table of the given significance. */
    public FrequencyTable table(Significance significance) {
        if (significance.equals(s1)) {
            return s1Table;
        }
        if (significance.equals(s2)) {
            return s2Table;
        }
        throw new StatsException("layer " + layer + " was counted with " + s1 + " and " + s2 + ", not " + significance);
    }

    /** Whether no valid sample was counted. */
    public boolean isEmpty() {
        return samples == 0;
    }
}
