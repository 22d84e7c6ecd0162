package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.LayerStatistics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one dataset gave in an audit.
 *
 * @param name        the dataset's name
 * @param role        "id" or "ood"
 * @param classSource where the classes of the statistics came from
 * @param summary     the inspection summary (samples, device, time)
 * @param layers      per layer, the S1/S2 frequencies, histograms, active fractions and patterns
 * @param scores      per sample, label, prediction and detector scores
 * @param interactions per dense layer (by its output tensor), the SPEC §3 interaction frequencies
 */
public record DatasetResult(String name, String role, ClassSource classSource, InspectionSummary summary,
                            Map<String, LayerStatistics> layers, DatasetScores scores,
                            Map<String, InteractionFrequencies> interactions) {
    public DatasetResult {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        interactions = Collections.unmodifiableMap(new LinkedHashMap<>(interactions));
    }

    /** Classification accuracy on this dataset (NaN when its classes came from predictions). */
    public double accuracy() {
        return scores.accuracy();
    }
}
