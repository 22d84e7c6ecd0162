package dev.onnxinspect.stats;

import java.util.Objects;

/**
 * The class-wise frequencies of significant neuron-weight interactions of one dense layer (SPEC §3):
 * G[c, i, j] is {@code table().forClass(c).frequency(i * inFeatures + j)}. Only tracked classes with samples
 * have rows.
 *
 * @param layer          the dense layer's output tensor name
 * @param inputName      the tensor x the interactions were computed from
 * @param outFeatures    n_out
 * @param inFeatures     n_in
 * @param share          the share definition used
 * @param basis          whether classes were labels or predictions
 * @param trackedClasses the classes that were counted; copied
 * @param samples        the number of valid samples of tracked classes counted
 * @param skippedSamples samples of untracked classes
 * @param invalidSamples samples of tracked classes left out because an input was NaN or infinite
 * @param table          the counts, units flattened row-major ({@code i * n_in + j})
 */
public record InteractionFrequencies(
        String layer,
        String inputName,
        int outFeatures,
        int inFeatures,
        InteractionShare share,
        ClassBasis basis,
        int[] trackedClasses,
        long samples,
        long skippedSamples,
        long invalidSamples,
        FrequencyTable table) {
    public InteractionFrequencies {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(share, "share");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(table, "table");
        trackedClasses = trackedClasses.clone();
        if ((long) outFeatures * inFeatures != table.units()) {
            throw new StatsException("layer " + layer + ": table has " + table.units() + " units, expected "
                    + outFeatures + " x " + inFeatures);
        }
    }

    @Override
    public int[] trackedClasses() {
        return trackedClasses.clone();
    }

    /** G[c, i, j]: the fraction of class-c samples in which interaction (i, j) was significant. */
    public double frequency(int classId, int out, int in) {
        if (out < 0 || out >= outFeatures || in < 0 || in >= inFeatures) {
            throw new StatsException(
                    "interaction (" + out + ", " + in + ") is outside " + outFeatures + " x " + inFeatures);
        }
        return table.forClass(classId).frequency(out * inFeatures + in);
    }
}
