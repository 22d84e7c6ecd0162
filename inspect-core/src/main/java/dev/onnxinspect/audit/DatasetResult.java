package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one dataset gave in an audit. Immutable.
 *
 * @param name         the dataset's name (unique within the audit)
 * @param role         fit, ID or OOD
 * @param classSource  where the classes of the statistics came from (labels where the set has them, else the
 *                     model's predictions)
 * @param summary      the inspection summary (samples, device, time)
 * @param layers       per layer, the S1/S2 frequencies, histograms, active fractions and patterns
 * @param scores       per sample, class, prediction and detector scores (the fit set has no score columns)
 * @param interactions per dense layer (by its output tensor), the SPEC §3 interaction frequencies
 * @param confusion    the (label, prediction) counts when they were counted without per-sample values (a distributed
 *                     run keeps no {@code scores}); null when they follow from {@code scores} (the single-machine
 *                     audit), see {@link #confusionMatrix(int)}
 */
public record DatasetResult(
        String name,
        DatasetRole role,
        ClassSource classSource,
        InspectionSummary summary,
        Map<String, LayerStatistics> layers,
        DatasetScores scores,
        Map<String, InteractionFrequencies> interactions,
        ConfusionMatrix confusion) {
    public DatasetResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(classSource, "classSource");
        Objects.requireNonNull(scores, "scores");
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        interactions = Collections.unmodifiableMap(new LinkedHashMap<>(interactions));
        if (confusion != null && !confusion.dataset().equals(name)) {
            throw new IllegalArgumentException(
                    "the confusion matrix of " + confusion.dataset() + " cannot be that of dataset " + name);
        }
    }

    /** A dataset whose confusion matrix, if any, follows from its per-sample {@code scores}. */
    public DatasetResult(
            String name,
            DatasetRole role,
            ClassSource classSource,
            InspectionSummary summary,
            Map<String, LayerStatistics> layers,
            DatasetScores scores,
            Map<String, InteractionFrequencies> interactions) {
        this(name, role, classSource, summary, layers, scores, interactions, null);
    }

    /**
     * The model's predictions against the labels: the counted {@code confusion} where there is one, else derived
     * from the per-sample {@code scores}; empty when the dataset has no labels.
     */
    public Optional<ConfusionMatrix> confusionMatrix(int numClasses) {
        if (confusion != null) {
            if (confusion.numClasses() != numClasses) {
                throw new IllegalArgumentException("the confusion matrix of " + name + " has " + confusion.numClasses()
                        + " classes, not " + numClasses);
            }
            return Optional.of(confusion);
        }
        return scores.labelled() ? Optional.of(ConfusionMatrix.of(scores, numClasses)) : Optional.empty();
    }

    /**
     * The samples left out of every statistic and score because an output held NaN or an infinity (with
     * {@code NonFinitePolicy.SKIP}; 0 otherwise).
     */
    public long skippedNonFinite() {
        return summary.skippedNonFinite();
    }

    /**
     * Classification accuracy on this dataset (NaN when it has no labels): from the counted {@code confusion} where
     * there is one (the same quotient, correct over all labelled samples), else from the per-sample scores.
     */
    public double accuracy() {
        return confusion != null ? confusion.accuracy() : scores.accuracy();
    }
}
