package dev.onnxinspect.stats;

import java.util.List;
import java.util.Objects;

/**
 * The layer perplexity of one layer (SPEC §7): per class with samples, the number of distinct S1 patterns,
 * their entropy and perplexity. Classes without samples have no row.
 *
 * @param layer          the layer name
 * @param view           what a neuron is
 * @param basis          whether classes were labels or predictions
 * @param s1             the S1 definition of the patterns
 * @param samples        the number of valid samples
 * @param invalidSamples samples left out because a unit was NaN or infinite
 * @param classes        the rows, ascending class id; copied
 */
public record PatternStatistics(
        String layer,
        NeuronView view,
        ClassBasis basis,
        Significance.Active s1,
        long samples,
        long invalidSamples,
        List<ClassPatterns> classes) {
    public PatternStatistics {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(s1, "s1");
        classes = List.copyOf(classes);
    }

    /**
     * The row of a class.
     *
     * @throws StatsException when the class had no samples
     */
    public ClassPatterns forClass(int classId) {
        return classes.stream()
                .filter(r -> r.classId() == classId)
                .findFirst()
                .orElseThrow(() -> new StatsException(
                        "class " + classId + " has no samples in layer " + layer + "; classes present: "
                                + classes.stream().map(ClassPatterns::classId).toList()));
    }
}
