package dev.onnxinspect.samples.studies.perplexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LayerFiguresTest {
    @Test
    void classSpecificNeuronsSpanAtLeastHalfBetweenTwoClasses() {
        // class 0: 4 samples, class 1: 2 samples. Neuron 0: 4/4 vs 0/2 (spread 1); neuron 1: 3/4 vs 1/2 (0.25);
        // neuron 2: 2/4 vs 0/2 (exactly 0.5: counts); neuron 3: 1/4 vs 1/2 (0.25). Two of four neurons: 0.5.
        FrequencyTable table = new FrequencyTable(
                "S1", 4, 100, List.of(new ClassCounts(0, 4, new int[] {4, 3, 2, 1}), new ClassCounts(1, 2, new int[] {
                    0, 1, 0, 1
                })));
        assertThat(LayerFigures.classSpecificFraction(table)).isEqualTo(0.5);
    }

    @Test
    void activeFractionIsSignificantPairsOverSamplesTimesNeurons() {
        // 4 + 3 + 2 + 1 + 0 + 1 + 0 + 1 = 12 significant pairs of 6 samples x 4 neurons = 24: 0.5
        FrequencyTable table = new FrequencyTable(
                "S1", 4, 100, List.of(new ClassCounts(0, 4, new int[] {4, 3, 2, 1}), new ClassCounts(1, 2, new int[] {
                    0, 1, 0, 1
                })));
        assertThat(LayerFigures.activeFraction(table, 6, 4)).isEqualTo(0.5);
        // bins of count * 100 / N_c: class 0: 100 -> 99, 75, 50, 25; class 1: 0, 50, 0, 50
        int[] pooled = LayerFigures.pooledHistogram(table);
        assertThat(pooled[99]).isEqualTo(1);
        assertThat(pooled[75]).isEqualTo(1);
        assertThat(pooled[50]).isEqualTo(3);
        assertThat(pooled[25]).isEqualTo(1);
        assertThat(pooled[0]).isEqualTo(2);
        assertThat(IntStream.of(pooled).sum()).isEqualTo(8);
    }

    @Test
    void figuresOfATinyLayerFromTheLibrarysAccumulators() {
        // 4 samples, 2 neurons, classes 0 0 1 1. Patterns: class 0 (1,0) (1,0): one pattern, P = 1, P/N = 0.5;
        // class 1 (0,1) (1,1): two patterns, H = ln 2, P = 2, P/N = 1. Means: P 1.5, P/N 0.75.
        // S1 pairs: 1 + 1 + 1 + 2 = 5 of 8: active 0.625. Neuron 0: 2/2 vs 1/2 (spread 0.5: specific), neuron 1:
        // 0/2 vs 2/2 (1: specific).
        float[] values = {1, 0, 2, 0, 0, 3, 4, 5};
        LayerActivations acts = new LayerActivations("h", values, 4, new int[] {2});
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(LayerMeasurement.OPTIONS, "h", new int[] {2});
        acc.accept(new int[] {0, 0, 1, 1}, acts);
        LayerStatistics s = acc.result();
        NodeClassifierResult nodes = new NodeClassifierResult("h", KdeMode.FAST, 4, 0, 0, 3, new long[] {2, 4});
        LayerFigures f = LayerFigures.of(1, s.frequencies(), s.patterns().orElseThrow(), nodes);
        assertThat(f.activeS1()).isEqualTo(0.625);
        assertThat(f.activeS2()).isEqualTo(0.625);
        assertThat(f.sparsity()).isEqualTo(0.375);
        assertThat(f.classSpecific()).isEqualTo(1.0);
        assertThat(f.meanPerplexity()).isCloseTo(1.5, within(1e-12));
        assertThat(f.relativePerplexity()).isCloseTo(0.75, within(1e-12));
        assertThat(f.layerAccuracy()).isEqualTo(0.75);
        assertThat(f.bestNodeAccuracy()).isEqualTo(1.0);
    }

    @Test
    void totalVariationOfNormalisedHistograms() {
        // (1, 1) vs (2, 0): normalised (0.5, 0.5) vs (1, 0): half of 0.5 + 0.5 = 0.5; same shape: 0
        assertThat(PerplexityNodesClaims.totalVariation(new int[] {1, 1}, new int[] {2, 0}))
                .isEqualTo(0.5);
        assertThat(PerplexityNodesClaims.totalVariation(new int[] {1, 3}, new int[] {2, 6}))
                .isEqualTo(0.0);
    }
}
