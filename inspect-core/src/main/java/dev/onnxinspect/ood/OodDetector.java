package dev.onnxinspect.ood;

import java.io.Serializable;
import java.util.Optional;
import java.util.Set;

/**
 * A per-sample out-of-distribution score of SPEC §5: higher = more OOD. Implementations are immutable (fitted
 * detectors are created by their {@link FitAccumulator}) and therefore safe to use from many threads at once:
 * {@link #score} keeps all working memory local to the call. Serializable (exactly, like {@link DetectorFiles}), so
 * that a fitted detector can be shipped to the workers of a distributed job.
 */
public interface OodDetector extends Serializable {
    /**
     * The score column name, e.g. {@code "energy"}; per-layer detectors append the layer, e.g.
     * {@code "nap_hamming[relu1]"}. Unique within a {@link DetectorSuite}.
     */
    String name();

    /** What {@link #score} reads from its input. */
    Set<DetectorInputKind> requiredInputs();

    /** The layer a per-layer (S1-pattern) detector reads, empty for the others. */
    default Optional<String> layer() {
        return Optional.empty();
    }

    /** Whether the detector holds the weights of the last dense layer (read from the model). */
    default boolean usesDenseWeights() {
        return false;
    }

    /**
     * Scores every sample of the input, in float64, higher = more OOD.
     *
     * @return one score per sample, a new array
     * @throws OodException if the input lacks a required part or its shapes do not match the fitted state
     */
    double[] score(DetectorInput input);
}
