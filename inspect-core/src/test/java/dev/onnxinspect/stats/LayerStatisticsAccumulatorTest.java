package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerStatisticsAccumulatorTest {

    @Test
    void equalsTheSeparateAccumulators() {
        Random random = new Random(5);
        int[] shape = {4, 2, 3};
        float[][] rows = Activations.randomRows(random, 150, 24, true);
        rows[40][7] = Float.NEGATIVE_INFINITY;
        int[] classes = Activations.randomClasses(random, 150, 3);
        LayerActivations acts = Activations.of("conv", shape, rows);
        for (NeuronView view : NeuronView.values()) {
            StatsOptions opts = StatsOptions.builder(3, ClassBasis.PREDICTED).view(view).eps(5).bins(10).build();
            LayerStatisticsAccumulator combined = new LayerStatisticsAccumulator(opts, "conv", shape);
            ActivationFrequencyAccumulator frequencies = new ActivationFrequencyAccumulator(opts, "conv", shape);
            PatternAccumulator patterns = new PatternAccumulator(opts, "conv", shape);
            combined.accept(classes, acts);
            frequencies.accept(classes, acts);
            patterns.accept(classes, acts);

            LayerStatistics r = combined.result();
            assertThat(r.layer()).isEqualTo("conv");
            assertThat(r.frequencies()).usingRecursiveComparison().isEqualTo(frequencies.result());
            assertThat(r.patterns()).contains(patterns.result());
            assertThat(r.frequencies().invalidSamples()).isEqualTo(1);
            assertThat(r.patterns().orElseThrow().invalidSamples()).isEqualTo(1);
        }
    }

    @Test
    void mergeOfPartsEqualsOnePass() {
        Random random = new Random(9);
        int[] shape = {12};
        float[][] rows = Activations.randomRows(random, 100, 12, false);
        int[] classes = Activations.randomClasses(random, 100, 2);
        LayerActivations acts = Activations.of("fc", shape, rows);
        StatsOptions opts = StatsOptions.builder(2, ClassBasis.LABEL).build();

        LayerStatisticsAccumulator onePass = new LayerStatisticsAccumulator(opts, "fc", shape);
        onePass.accept(classes, acts);
        LayerStatisticsAccumulator a = new LayerStatisticsAccumulator(opts, "fc", shape);
        LayerStatisticsAccumulator b = new LayerStatisticsAccumulator(opts, "fc", shape);
        b.accept(Arrays.copyOfRange(classes, 30, 100), Activations.slice(acts, 30, 100));
        a.accept(Arrays.copyOfRange(classes, 0, 30), Activations.slice(acts, 0, 30));
        a.merge(b);
        assertThat(a.result()).usingRecursiveComparison().isEqualTo(onePass.result());
    }

    @Test
    void patternsCanBeLeftOut() {
        StatsOptions opts = StatsOptions.builder(2, ClassBasis.LABEL).patterns(false).build();
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(opts, "fc", new int[] {2});
        acc.accept(new int[] {1}, Activations.dense("fc", new float[] {1f, 0f}));
        assertThat(acc.result().patterns()).isEmpty();
        assertThat(acc.result().frequencies().s1Table().forClass(1).counts()).containsExactly(1, 0);

        LayerStatisticsAccumulator withPatterns = new LayerStatisticsAccumulator(
                StatsOptions.builder(2, ClassBasis.LABEL).build(), "fc", new int[] {2});
        assertThatThrownBy(() -> acc.merge(withPatterns)).isInstanceOf(StatsException.class)
                .hasMessageContaining("same options");
    }
}
