package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
            StatsOptions opts = StatsOptions.builder(3, ClassBasis.PREDICTED)
                    .view(view)
                    .eps(5)
                    .bins(10)
                    .build();
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
        StatsOptions opts =
                StatsOptions.builder(2, ClassBasis.LABEL).patterns(false).build();
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(opts, "fc", new int[] {2});
        acc.accept(new int[] {1}, Activations.dense("fc", new float[] {1f, 0f}));
        assertThat(acc.result().patterns()).isEmpty();
        assertThat(acc.result().frequencies().s1Table().forClass(1).counts()).containsExactly(1, 0);

        LayerStatisticsAccumulator withPatterns = new LayerStatisticsAccumulator(
                StatsOptions.builder(2, ClassBasis.LABEL).build(), "fc", new int[] {2});
        assertThatThrownBy(() -> acc.merge(withPatterns))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same options");
    }

    /*
     * Batch of three samples, 2 neurons, classes 0, 0, 1: [1, 0], [0, 2], [3, 0]. Counting only the range [1, 3)
     * counts samples 1 and 2: class 0 has N = 1 with S1 (= S2, one positive value) {1} -> counts [0, 1]; class 1
     * has N = 1 with S1 = S2 {0} -> counts [1, 0].
     */
    @Test
    void rangeCountsOnlyItsSamples() {
        StatsOptions opts = StatsOptions.builder(2, ClassBasis.LABEL).build();
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(opts, "fc", new int[] {2});
        acc.accept(
                new int[] {0, 0, 1},
                Activations.dense("fc", new float[] {1f, 0f}, new float[] {0f, 2f}, new float[] {3f, 0f}),
                1,
                3);
        ActivationFrequencies f = acc.result().frequencies();
        assertThat(f.samples()).isEqualTo(2);
        assertThat(f.s1Table().forClass(0).counts()).containsExactly(0, 1);
        assertThat(f.s1Table().forClass(1).counts()).containsExactly(1, 0);
        assertThat(f.s2Table().forClass(0).counts()).containsExactly(0, 1);
        assertThat(f.s2Table().forClass(1).counts()).containsExactly(1, 0);
    }

    @Test
    void rejectsARangeOutsideTheBatchAndStaysUnchanged() {
        StatsOptions opts = StatsOptions.builder(2, ClassBasis.LABEL).build();
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(opts, "fc", new int[] {2});
        LayerActivations acts = Activations.dense("fc", new float[] {1f, 0f}, new float[] {0f, 2f});
        for (int[] range : new int[][] {{-1, 1}, {1, 0}, {0, 3}}) {
            assertThatThrownBy(() -> acc.accept(new int[] {0, 1}, acts, range[0], range[1]))
                    .isInstanceOf(StatsException.class)
                    .hasMessageContaining("[" + range[0] + ", " + range[1] + ")")
                    .hasMessageContaining("0 <= from <= to <= 2");
        }
        assertThat(acc.result().frequencies().samples()).isZero();
    }

    /*
     * Property: a batch split into two ranges counted by two accumulators on two threads, then merged, equals one
     * pass over the batch, for every view, with ties, zeros, negatives and rows holding NaN or infinities.
     */
    @Test
    void twoRangesOnTwoThreadsMergedEqualOnePass() {
        Random random = new Random(31);
        int[] shape = {3, 2, 2};
        int samples = 300;
        float[][] rows = Activations.randomRows(random, samples, 12, true);
        for (int i = 0; i < samples; i += 7) {
            rows[i][random.nextInt(12)] = rows[i][random.nextInt(12)]; // ties
        }
        rows[17][3] = Float.NaN;
        rows[150][0] = Float.POSITIVE_INFINITY;
        rows[151][11] = Float.NEGATIVE_INFINITY;
        int[] classes = Activations.randomClasses(random, samples, 4);
        LayerActivations acts = Activations.of("conv", shape, rows);
        for (NeuronView view : NeuronView.values()) {
            for (double tau : new double[] {0.0, 0.2}) {
                StatsOptions opts = StatsOptions.builder(4, ClassBasis.LABEL)
                        .view(view)
                        .tau(tau)
                        .eps(50)
                        .build();
                LayerStatisticsAccumulator onePass = new LayerStatisticsAccumulator(opts, "conv", shape);
                onePass.accept(classes, acts);
                int split = 1 + random.nextInt(samples - 1);
                LayerStatisticsAccumulator first = new LayerStatisticsAccumulator(opts, "conv", shape);
                LayerStatisticsAccumulator second = new LayerStatisticsAccumulator(opts, "conv", shape);
                CompletableFuture<Void> other =
                        CompletableFuture.runAsync(() -> second.accept(classes, acts, split, samples));
                first.accept(classes, acts, 0, split);
                other.join();
                first.merge(second);
                assertThat(first.result())
                        .as("view %s tau %s split %d", view, tau, split)
                        .usingRecursiveComparison()
                        .isEqualTo(onePass.result());
                assertThat(first.result().frequencies().invalidSamples()).isEqualTo(3);
            }
        }
    }
}
