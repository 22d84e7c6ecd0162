package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.runtime.BufferActivations;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Statistics of activations stored in ONNX Runtime's blocked channel layout ({@link LayerActivations#channelBlock()}):
 * counted in the stored order and reordered once, they equal the statistics of the same values in NCHW order.
 */
class BlockedLayoutStatisticsTest {
    private static final String LAYER = "conv/relu";

    /**
     * One sample of 2 channels x 2 positions, NCHW [c0p0, c0p1, c1p0, c1p1] = [1, 2, 0, 0], stored in blocks of 2 as
     * [c0p0, c1p0, c0p1, c1p1] = [1, 0, 2, 0]. S1 (a > 0) per neuron: [1, 1, 0, 0]; counting the stored row without
     * the reorder would give [1, 0, 1, 0]. S2 (eps = 1000): sorted 2, 1, 0, 0; 2 / 1 is not above eps, 1 / 0 is, so
     * k = 2: both positive neurons, [1, 1, 0, 0].
     */
    @Test
    void countsComeBackInNeuronOrderByHand() {
        int[] shape = {2, 1, 2};
        LayerActivations blocked = BufferActivations.blocked(LAYER, new float[] {1, 2, 0, 0}, 1, shape, 2);
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(false), LAYER, shape);
        acc.accept(new int[] {0}, blocked);
        ActivationFrequencies f = acc.result();
        assertThat(f.s1Table().forClass(0).counts()).containsExactly(1, 1, 0, 0);
        assertThat(f.s2Table().forClass(0).counts()).containsExactly(1, 1, 0, 0);
    }

    /** A NaN at NCHW neuron 1 (channel 0, position 1) is counted there, not at its stored place 2. */
    @Test
    void nonFiniteNeuronsComeBackInNeuronOrder() {
        int[] shape = {2, 1, 2};
        LayerActivations blocked = BufferActivations.blocked(LAYER, new float[] {1, Float.NaN, 0, 0}, 1, shape, 2);
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(false), LAYER, shape);
        acc.accept(new int[] {0}, blocked);
        assertThat(acc.result().nonFiniteByNeuron()).containsExactly(0, 1, 0, 0);
        assertThat(acc.result().invalidSamples()).isEqualTo(1);
    }

    /**
     * Property, on ReLU-like rows with ties, zeros and a few non-finite values, for blocks of 8 and 16, with and
     * without patterns: the blocked statistics equal the plain ones, and so does a merge of an accumulator fed
     * blocked rows with one fed plain rows (in either direction).
     */
    @Test
    void blockedEqualsPlainOnRandomRows() {
        Random random = new Random(3);
        // 480 neurons: the narrow pattern layout; 2,304, 2,112 and 2,080: the folded one, with a last block of 256,
        // 64 (one fold) and 32 neurons
        for (int[] shape : new int[][] {{32, 3, 5}, {32, 8, 9}, {16, 11, 12}, {16, 10, 13}}) {
            blockedEqualsPlain(random, shape);
        }
    }

    private static void blockedEqualsPlain(Random random, int[] shape) {
        int units = shape[0] * shape[1] * shape[2];
        for (int block : new int[] {8, 16}) {
            for (boolean patterns : new boolean[] {false, true}) {
                float[][] rows = Activations.randomRows(random, 40, units, false);
                // every other sample takes the zeros of one of 3 templates, so S1 patterns repeat within and
                // across the parts that are merged (with all-distinct patterns a wrong repacking would not show)
                for (int i = 0; i < rows.length; i += 2) {
                    float[] template = rows[1 + 2 * (i / 2 % 3)];
                    for (int j = 0; j < units; j++) {
                        rows[i][j] = template[j] == 0f ? 0f : Math.abs(rows[i][j]) + 1f;
                    }
                }
                rows[7][100 % units] = Float.NaN;
                rows[19][3] = Float.POSITIVE_INFINITY;
                for (int j = 0; j < units; j += 7) {
                    rows[23][j] = 2.5f; // ties
                }
                int[] classes = new int[rows.length];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = random.nextInt(3);
                }
                float[] values = flat(rows, units);
                LayerActivations plain = new LayerActivations(LAYER, values, rows.length, shape);
                LayerActivations blocked = BufferActivations.blocked(LAYER, values, rows.length, shape, block);
                StatsOptions options = options(patterns);

                LayerStatistics expected = run(options, shape, classes, plain, 0, rows.length);
                assertSame(run(options, shape, classes, blocked, 0, rows.length), expected);

                assertSame(merged(options, shape, classes, blocked, plain, 25), expected);
                assertSame(merged(options, shape, classes, plain, blocked, 10), expected);

                // an empty accumulator takes the other's order; a blocked one then still counts plain rows right
                LayerStatisticsAccumulator empty = new LayerStatisticsAccumulator(options, LAYER, shape);
                // two accumulators that loaded nothing merge without fixing an order
                empty.merge(new LayerStatisticsAccumulator(options, LAYER, shape));
                LayerStatisticsAccumulator part = new LayerStatisticsAccumulator(options, LAYER, shape);
                part.accept(classes, blocked, 0, 20);
                empty.merge(part);
                empty.accept(classes, plain, 20, rows.length);
                assertSame(empty.result(), expected);
            }
        }
    }

    /** Samples [0, split) of {@code first} counted apart from [split, N) of {@code second}, then merged. */
    private static LayerStatistics merged(
            StatsOptions options,
            int[] shape,
            int[] classes,
            LayerActivations first,
            LayerActivations second,
            int split) {
        LayerStatisticsAccumulator into = new LayerStatisticsAccumulator(options, LAYER, shape);
        into.accept(classes, first, 0, split);
        LayerStatisticsAccumulator other = new LayerStatisticsAccumulator(options, LAYER, shape);
        other.accept(classes, second, split, classes.length);
        into.merge(other);
        return into.result();
    }

    private static LayerStatistics run(
            StatsOptions options, int[] shape, int[] classes, LayerActivations acts, int from, int to) {
        LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(options, LAYER, shape);
        acc.accept(classes, acts, from, to);
        return acc.result();
    }

    private static StatsOptions options(boolean patterns) {
        return StatsOptions.builder(3, ClassBasis.LABEL).patterns(patterns).build();
    }

    private static float[] flat(float[][] rows, int units) {
        float[] values = new float[rows.length * units];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, values, i * units, units);
        }
        return values;
    }

    private static void assertSame(LayerStatistics actual, LayerStatistics expected) {
        ActivationFrequencies a = actual.frequencies();
        ActivationFrequencies e = expected.frequencies();
        assertThat(a.samples()).isEqualTo(e.samples());
        assertThat(a.invalidSamples()).isEqualTo(e.invalidSamples());
        assertThat(a.nonFiniteByNeuron()).containsExactly(e.nonFiniteByNeuron());
        for (FrequencyTable[] tables :
                new FrequencyTable[][] {{a.s1Table(), e.s1Table()}, {a.s2Table(), e.s2Table()}}) {
            assertThat(tables[0].classIds()).containsExactly(tables[1].classIds());
            for (int c : tables[1].classIds()) {
                assertThat(tables[0].forClass(c).classSize())
                        .isEqualTo(tables[1].forClass(c).classSize());
                assertThat(tables[0].forClass(c).counts())
                        .containsExactly(tables[1].forClass(c).counts());
            }
        }
        assertThat(actual.patterns().isPresent()).isEqualTo(expected.patterns().isPresent());
        expected.patterns()
                .ifPresent(p ->
                        assertThat(actual.patterns().orElseThrow().classes()).isEqualTo(p.classes()));
    }
}
