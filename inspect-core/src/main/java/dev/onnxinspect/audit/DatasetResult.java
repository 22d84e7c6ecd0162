package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
 */
public record DatasetResult(
        String name,
        DatasetRole role,
        ClassSource classSource,
        InspectionSummary summary,
        Map<String, LayerStatistics> layers,
        DatasetScores scores,
        Map<String, InteractionFrequencies> interactions) {
    public DatasetResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(classSource, "classSource");
        Objects.requireNonNull(scores, "scores");
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        interactions = Collections.unmodifiableMap(new LinkedHashMap<>(interactions));
    }

    /**
     * The samples left out of every statistic and score because an output held NaN or an infinity (with
     * {@code NonFinitePolicy.SKIP}; 0 otherwise).
     */
    public long skippedNonFinite() {
        return summary.skippedNonFinite();
    }

    /** Classification accuracy on this dataset (NaN when its classes came from predictions). */
    public double accuracy() {
        return scores.accuracy();
    }
}
