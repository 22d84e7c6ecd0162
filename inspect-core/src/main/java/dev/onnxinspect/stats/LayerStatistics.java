package dev.onnxinspect.stats;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link LayerStatisticsAccumulator} computes for one layer: S1/S2 frequencies with histograms and
 * active fractions (SPEC §2) and, when requested, the layer perplexity (SPEC §7).
 *
 * @param frequencies the S1 and S2 frequencies
 * @param patterns    the pattern statistics, empty when {@link StatsOptions#patterns()} was false
 */
public record LayerStatistics(ActivationFrequencies frequencies, Optional<PatternStatistics> patterns) {
    public LayerStatistics {
        Objects.requireNonNull(frequencies, "frequencies");
        Objects.requireNonNull(patterns, "patterns");
    }

    /** The layer name. */
    public String layer() {
        return frequencies.layer();
    }
}
