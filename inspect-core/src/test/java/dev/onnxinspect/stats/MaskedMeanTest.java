package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.BufferActivations;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link NeuronView#MASKED_MEAN} of sequence layers [N, T, d] with an attention mask [N, T] (SPEC preamble). */
class MaskedMeanTest {
    private static final int[] SHAPE = {3, 2};
    /** T = 3, d = 2; mask [1, 1, 0]: view = ((1 + 3) / 2, (-2 + 4) / 2) = (2, 1); the padding row is not read. */
    private static final float[] SAMPLE = {1f, -2f, 3f, 4f, 100f, 100f};

    private static SequenceMask mask(int[]... rows) {
        return SequenceMask.of("attention_mask", rows);
    }

    /**
     * Three samples of class 0, T = 3, d = 2:
     * s0: mask [1, 1, 0], a = [[1, -2], [3, 4], [100, 100]] -> (2, 1): S1 both on; S2: 2 / 1 = 2 <= 1000, then
     * 1 / 0 = inf > 1000, so k = 2 and both are dominant;
     * s1: mask [0, 0, 0] -> invalid (empty mask), left out and counted;
     * s2: mask [0, 1, 1], a = [[5, 5], [-1, 2], [-3, -2]] -> ((-1 - 3) / 2, (2 - 2) / 2) = (-2, 0): no S1 (0 > 0 is
     * false), no S2 (no positive value).
     * So N_0 = 2, S1 counts = S2 counts = (1, 1), one empty-mask sample, no invalid one.
     */
    private static LayerActivations batch() {
        return Activations.of(
                "seq", SHAPE, SAMPLE, new float[] {7f, 7f, 7f, 7f, 7f, 7f}, new float[] {5f, 5f, -1f, 2f, -3f, -2f});
    }

    private static SequenceMask batchMask() {
        return mask(new int[] {1, 1, 0}, new int[] {0, 0, 0}, new int[] {0, 1, 1});
    }

    private static StatsOptions options(int k) {
        return StatsOptions.builder(k, ClassBasis.LABEL)
                .view(NeuronView.MASKED_MEAN)
                .build();
    }

    @Test
    void meanOverThePositionsWhoseMaskIsOne() {
        assertThat(NeuronView.MASKED_MEAN.neurons(SHAPE)).isEqualTo(2);
        float[] out = new float[2];
        assertThat(NeuronView.MASKED_MEAN.reduce(SAMPLE, 0, SHAPE, mask(new int[] {1, 1, 0}), 0, out))
                .isTrue();
        assertThat(out).containsExactly(2f, 1f);
        // an all-zero mask has no mean: the sample is invalid and out is left as it was
        float[] untouched = {-7f, -7f};
        assertThat(NeuronView.MASKED_MEAN.reduce(SAMPLE, 0, SHAPE, mask(new int[] {0, 0, 0}), 0, untouched))
                .isFalse();
        assertThat(untouched).containsExactly(-7f, -7f);
    }

    @Test
    void sumsInDoubleThenRoundsOnceToFloat() {
        // T = 5, d = 1, mask [1, 1, 1, 1, 0]: values 2^24, 1, 1, 0 and a padding 1e30. 2^24 + 1 is not a float, so
        // a float sum would stay 2^24 (each +1 rounds to even); the double sum is 2^24 + 2, and (2^24 + 2) / 4 =
        // 4194304.5 is a float (its ulp is 0.5). A padding value would change the mean if it were read.
        float[] values = {16777216f, 1f, 1f, 0f, 1e30f};
        float[] out = new float[1];
        NeuronView.MASKED_MEAN.reduce(values, 0, new int[] {5, 1}, mask(new int[] {1, 1, 1, 1, 0}), 0, out);
        assertThat(out[0]).isEqualTo(4194304.5f);
    }

    @Test
    void frequenciesLeaveOutAndCountEmptyMasks() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(2), "seq", SHAPE);
        acc.accept(new int[3], batch(), batchMask());
        ActivationFrequencies f = acc.result();
        assertThat(f.view()).isEqualTo(NeuronView.MASKED_MEAN);
        assertThat(f.neurons()).isEqualTo(2);
        assertThat(f.samples()).isEqualTo(2);
        assertThat(f.emptyMaskSamples()).isEqualTo(1);
        assertThat(f.invalidSamples()).isZero();
        assertThat(f.s1Table().forClass(0).classSize()).isEqualTo(2);
        assertThat(f.s1Table().forClass(0).counts()).containsExactly(1, 1);
        assertThat(f.s2Table().forClass(0).counts()).containsExactly(1, 1);
    }

    @Test
    void layerStatisticsFromArraysAndNativeBuffersAgreeAndCountEmptyMasks() {
        LayerActivations array = batch();
        LayerActivations buffer = BufferActivations.of("seq", array.values(), 3, SHAPE);
        LayerStatisticsAccumulator a = new LayerStatisticsAccumulator(options(2), "seq", SHAPE);
        a.accept(new int[3], array, batchMask());
        LayerStatisticsAccumulator b = new LayerStatisticsAccumulator(options(2), "seq", SHAPE);
        b.accept(new int[3], buffer, batchMask(), 0, 1);
        b.accept(new int[3], buffer, batchMask(), 1, 3);
        assertThat(b.result()).usingRecursiveComparison().isEqualTo(a.result());
        // patterns: (1, 1) and (0, 0), two distinct ones among N_0 = 2: H = ln 2
        PatternStatistics p = a.result().patterns().orElseThrow();
        assertThat(p.emptyMaskSamples()).isEqualTo(1);
        assertThat(p.forClass(0).distinctPatterns()).isEqualTo(2);
        assertThat(p.forClass(0).entropy()).isCloseTo(Math.log(2), within(1e-15));
    }

    @Test
    void nonFiniteValuesCountOnlyAtTokenPositions() {
        // s0: NaN at a padding position (mask 0): ignored, mean of (1, 3) and (-2, 4) = (2, 1), S1 (1, 1);
        // s1: +inf at a token position of neuron 1: invalid, counted for neuron 1 only.
        LayerActivations acts = Activations.of("seq", SHAPE, new float[] {1f, -2f, 3f, 4f, Float.NaN, 0f}, new float[] {
            1f, Float.POSITIVE_INFINITY, 3f, 4f, 0f, 0f
        });
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(1), "seq", SHAPE);
        acc.accept(new int[2], acts, mask(new int[] {1, 1, 0}, new int[] {1, 0, 1}));
        ActivationFrequencies f = acc.result();
        assertThat(f.samples()).isEqualTo(1);
        assertThat(f.invalidSamples()).isEqualTo(1);
        assertThat(f.emptyMaskSamples()).isZero();
        assertThat(f.nonFiniteByNeuron()).containsExactly(0L, 1L);
        assertThat(f.s1Table().forClass(0).counts()).containsExactly(1, 1);
    }

    @Test
    void sequenceLengthMayChangeBetweenBatchesAndAccumulatorsMerge() {
        // batch 1 (T = 3): the sample of the class comment, view (2, 1); batch 2 (T = 2): mask [1, 1],
        // a = [[0, -1], [2, -1]] -> (1, -1): S1 (1, 0). One pass: N_0 = 2, S1 counts (2, 1).
        LayerActivations shorter = Activations.of("seq", new int[] {2, 2}, new float[] {0f, -1f, 2f, -1f});
        SequenceMask shortMask = mask(new int[] {1, 1});
        LayerStatisticsAccumulator onePass = new LayerStatisticsAccumulator(options(1), "seq", SHAPE);
        onePass.accept(new int[1], Activations.of("seq", SHAPE, SAMPLE), mask(new int[] {1, 1, 0}));
        onePass.accept(new int[1], shorter, shortMask);
        assertThat(onePass.result().frequencies().s1Table().forClass(0).counts())
                .containsExactly(2, 1);

        LayerStatisticsAccumulator first = new LayerStatisticsAccumulator(options(1), "seq", SHAPE);
        first.accept(new int[1], Activations.of("seq", SHAPE, SAMPLE), mask(new int[] {1, 1, 0}));
        LayerStatisticsAccumulator second = new LayerStatisticsAccumulator(options(1), "seq", new int[] {2, 2});
        second.accept(new int[1], shorter, shortMask);
        first.merge(second);
        assertThat(first.result()).usingRecursiveComparison().isEqualTo(onePass.result());
    }

    @Test
    void maskMismatchesAreClearErrorsAndChangeNothing() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(1), "seq", SHAPE);
        LayerActivations one = Activations.of("seq", SHAPE, SAMPLE);
        assertThatThrownBy(() -> acc.accept(new int[1], one, mask(new int[] {1, 1, 0, 0})))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining(
                        "attention mask attention_mask has 4 positions per sample but layer seq has" + " T = 3");
        assertThatThrownBy(() -> acc.accept(new int[1], one))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("MASKED_MEAN needs the attention mask of layer seq");
        assertThatThrownBy(() -> acc.accept(new int[1], one, mask(new int[] {1, 1, 0}, new int[] {1, 0, 0})))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("the batch has 1 samples but the attention mask attention_mask has 2");
        assertThatThrownBy(() -> acc.accept(
                        new int[1], Activations.of("seq", new int[] {3, 3}, new float[9]), mask(new int[] {1, 1, 0})))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[T, 2] with any T");
        assertThat(acc.result().samples()).isZero();

        StatsOptions flat = StatsOptions.builder(1, ClassBasis.LABEL).build();
        ActivationFrequencyAccumulator flattened = new ActivationFrequencyAccumulator(flat, "seq", SHAPE);
        assertThatThrownBy(() -> flattened.accept(new int[1], one, mask(new int[] {1, 1, 0})))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("is viewed FLATTENED, which reads no " + "attention mask");
        assertThatThrownBy(() -> NeuronView.MASKED_MEAN.neurons(new int[] {2, 3, 4}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[T, d]");
        assertThatThrownBy(() -> NeuronView.MASKED_MEAN.reduce(SAMPLE, 0, SHAPE, new float[2]))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("needs the sample's attention mask");
    }

    @Test
    void masksOfEveryInputTypeAndTheirErrors() {
        long[] shape = {2, 3};
        SequenceMask longs = SequenceMask.of(InputTensor.longs("m", new long[] {1, 1, 0, 0, 0, 0}, shape));
        SequenceMask bools =
                SequenceMask.of(new InputTensor("m", ElementType.BOOL, shape, new byte[] {1, 1, 0, 0, 0, 0}));
        SequenceMask floats = SequenceMask.of(InputTensor.floats("m", new float[] {1f, 1f, -0f, 0f, 0f, 0f}, shape));
        for (SequenceMask m : new SequenceMask[] {longs, bools, floats}) {
            assertThat(m.samples()).isEqualTo(2);
            assertThat(m.length()).isEqualTo(3);
            assertThat(m.positions(0)).isEqualTo(2);
            assertThat(m.positions(1)).isZero();
            assertThat(m.on(0, 1)).isTrue();
            assertThat(m.on(0, 2)).isFalse();
            assertThat(m.head(1).samples()).isEqualTo(1);
        }
        assertThatThrownBy(() -> SequenceMask.of(InputTensor.ints("m", new int[] {1, 2, 0, 0, 0, 0}, shape)))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("the attention mask m has value 2.0 at sample 0, position 1");
        assertThatThrownBy(() -> SequenceMask.of(InputTensor.longs("m", new long[] {1, 1}, 1, 1, 2)))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[N, T]");
        assertThatThrownBy(() -> mask(new int[] {1, 0}, new int[] {1}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same length");
    }

    /*
     * The fit of NodeClassifierTest.singlePointClassesUseThePooledBandwidth, made of masked means: one node (d = 1),
     * K = 2, T = 2; fit values (c0, 1), (c1, 3), (c0, 0), (c0, -1) and one empty-mask sample. The pooled on-values
     * are {1, 3} (mean 2, sd sqrt 2), h = 1.06 sqrt(2) 2^(-1/5), and P(0 | a) = 1 / (1 + exp((2a - 4) / h^2)).
     */
    @Test
    void nodeClassifiersFitOnMaskedMeans() {
        LayerActivations fit = Activations.of(
                "seq",
                new int[] {2, 1},
                new float[] {0.5f, 1.5f},
                new float[] {3f, 99f},
                new float[] {Float.NaN, 0f},
                new float[] {-2f, 0f},
                new float[] {9f, 9f});
        SequenceMask fitMask =
                mask(new int[] {1, 1}, new int[] {1, 0}, new int[] {0, 1}, new int[] {1, 1}, new int[] {0, 0});
        NodeClassifierFitAccumulator acc = new NodeClassifierFitAccumulator(options(2), "seq", new int[] {2, 1});
        acc.accept(new int[] {0, 1, 0, 0, 1}, fit, fitMask);
        NodeClassifier classifier = acc.result();
        assertThat(classifier.fitSamples()).isEqualTo(4);
        assertThat(classifier.fitEmptyMaskSamples()).isEqualTo(1);
        double h = 1.06 * Math.sqrt(2) * Math.pow(2, -0.2);
        assertThat(classifier.pooledBandwidth(0)).isCloseTo(h, within(1e-15));
        double[] logP = new double[2];
        classifier.logPosterior(0, 2.5f, KdeMode.EXACT, logP);
        assertThat(Math.exp(logP[0])).isCloseTo(1 / (1 + Math.exp((2 * 2.5 - 4) / (h * h))), within(1e-12));

        // evaluation: (mean 3, class 1) is on, P(1 | 3) > 1/2, correct; an empty mask is counted, not evaluated
        NodeClassifierEvaluationAccumulator eval = classifier.evaluation(KdeMode.FAST);
        eval.accept(
                new int[] {1, 0},
                Activations.of("seq", new int[] {1, 1}, new float[] {3f}, new float[] {1f}),
                mask(new int[] {1}, new int[] {0}));
        NodeClassifierResult r = eval.result();
        assertThat(r.samples()).isEqualTo(1);
        assertThat(r.emptyMaskSamples()).isEqualTo(1);
        assertThat(r.layerAccuracy()).isEqualTo(1.0);
    }

    @Test
    void applyGivesTheViewOfABatch() {
        LayerActivations viewed = NeuronView.MASKED_MEAN.apply(batch(), batchMask());
        assertThat(viewed.unitShape()).containsExactly(2);
        // s0 (2, 1); s1 empty mask: zeros (no neuron of an empty sequence is active); s2 (-2, 0)
        assertThat(viewed.values()).containsExactly(2f, 1f, 0f, 0f, -2f, 0f);
        LayerActivations conv = Activations.of("conv", new int[] {2, 2}, new float[] {1f, 3f, -1f, 0f});
        assertThat(NeuronView.CHANNEL_MEAN.apply(conv, null).values()).containsExactly(2f, -0.5f);
        assertThat(NeuronView.CHANNEL_MAX.apply(conv, null).values()).containsExactly(3f, 0f);
        assertThat(NeuronView.FLATTENED.apply(conv, null)).isSameAs(conv);
        assertThatThrownBy(() -> NeuronView.MASKED_MEAN.apply(batch(), mask(new int[] {1, 1, 1})))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("has 3 samples but the attention mask");
    }

    @Test
    void randomBatchesSplitAndMergedEqualOnePass() {
        Random random = new Random(20);
        int t = 7;
        int d = 5;
        int samples = 60;
        float[][] rows = Activations.randomRows(random, samples, t * d, true);
        int[][] maskRows = new int[samples][t];
        for (int i = 0; i < samples; i++) {
            int length = i % 9 == 0 ? 0 : 1 + random.nextInt(t);
            for (int p = 0; p < length; p++) {
                maskRows[i][p] = 1;
            }
        }
        int[] classes = Activations.randomClasses(random, samples, 3);
        LayerActivations acts = Activations.of("seq", new int[] {t, d}, rows);
        SequenceMask m = SequenceMask.of("m", maskRows);
        LayerStatisticsAccumulator onePass = new LayerStatisticsAccumulator(options(3), "seq", new int[] {t, d});
        onePass.accept(classes, acts, m);
        LayerStatisticsAccumulator a = new LayerStatisticsAccumulator(options(3), "seq", new int[] {t, d});
        LayerStatisticsAccumulator b = new LayerStatisticsAccumulator(options(3), "seq", new int[] {t, d});
        a.accept(classes, acts, m, 0, 25);
        b.accept(classes, acts, m, 25, samples);
        a.merge(b);
        assertThat(a.result()).usingRecursiveComparison().isEqualTo(onePass.result());
        // samples 0, 9, ..., 54 have an empty mask: 7 of them
        assertThat(onePass.result().frequencies().emptyMaskSamples()).isEqualTo(7);
        assertThat(onePass.result().frequencies().samples()).isEqualTo(samples - 7);
    }
}
