package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationFrequencyAccumulatorTest {
    private static final String LAYER = "relu1";
    private static final int[] SHAPE = {3};

    /*
     * Four samples, 3 neurons, classes 0, 0, 1, 1 (K = 3: class 2 has no samples):
     *   s0 c0 [1, 0, 2000]   S1 {0, 2}  S2: sorted 2000, 1, 0; 2000 > 1000 * 1 -> {2}
     *   s1 c0 [3, 2, 0]      S1 {0, 1}  S2: 3 > 2000? no; 2 > 0 -> {0, 1}
     *   s2 c1 [0, 5, -1]     S1 {1}     S2 {1}
     *   s3 c1 [0.5, 0, 0]    S1 {0}     S2 {0}
     * S1 counts: c0 [2, 1, 1], c1 [1, 1, 0]; S2 counts: c0 [1, 1, 1], c1 [1, 1, 0]; N_0 = N_1 = 2.
     */
    private static final int[] CLASSES = {0, 0, 1, 1};
    private static final LayerActivations BATCH = Activations.of(
            LAYER,
            SHAPE,
            new float[] {1f, 0f, 2000f},
            new float[] {3f, 2f, 0f},
            new float[] {0f, 5f, -1f},
            new float[] {0.5f, 0f, 0f});

    private static StatsOptions options() {
        return StatsOptions.builder(3, ClassBasis.LABEL).bins(4).build();
    }

    @Test
    void countsS1AndS2PerClass() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        ActivationFrequencies r = acc.result();

        assertThat(r.samples()).isEqualTo(4);
        assertThat(r.basis()).isEqualTo(ClassBasis.LABEL);
        assertThat(r.s1Table().classIds()).containsExactly(0, 1);
        assertThat(r.s1Table().forClass(0).counts()).containsExactly(2, 1, 1);
        assertThat(r.s1Table().forClass(1).counts()).containsExactly(1, 1, 0);
        assertThat(r.s2Table().forClass(0).counts()).containsExactly(1, 1, 1);
        assertThat(r.s2Table().forClass(1).counts()).containsExactly(1, 1, 0);
        assertThat(r.s1Table().forClass(0).classSize()).isEqualTo(2);
        // F = count / N_c: c0 S1 = [2/2, 1/2, 1/2]
        assertThat(r.s1Table().forClass(0).frequencies()).containsExactly(1.0, 0.5, 0.5);
        assertThat(r.table(Significance.s2()).forClass(1).frequency(1)).isEqualTo(0.5);
    }

    @Test
    void activeFractionIsTheMeanFractionOfSignificantNeurons() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        ActivationFrequencies r = acc.result();
        // S1 c0: samples have 2/3 and 2/3 active -> 2/3 = (2+1+1) / (2*3); c1: 1/3 and 1/3 -> 1/3.
        assertThat(r.s1Table().forClass(0).activeFraction()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(r.s1Table().forClass(1).activeFraction()).isCloseTo(1.0 / 3, within(1e-15));
        // S2 c0: 1/3 and 2/3 -> 1/2 = 3 / 6.
        assertThat(r.s2Table().forClass(0).activeFraction()).isEqualTo(0.5);
        assertThat(r.s2Table().forClass(0).significantTotal()).isEqualTo(3);
    }

    @Test
    void histogramBinsFromIntegerCounts() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        // B = 4, c0 S1 counts [2, 1, 1] of N = 2: 2*4/2 = 4 -> min(4, 3) = 3 (F = 1 in the last bin);
        // 1*4/2 = 2 -> bin 2 (twice).
        assertThat(acc.result().s1Table().histogram(0)).containsExactly(0, 0, 2, 1);
        // c1 S1 [1, 1, 0]: bins 2, 2, 0.
        assertThat(acc.result().s1Table().histogram(1)).containsExactly(1, 0, 2, 0);
    }

    @Test
    void histogramPutsFiftyEightOfTwoHundredIntoBin29() {
        // SPEC §2: floor(58 * 100 / 200) = floor(29) = 29, while floor(0.29 * 100) in floating point is 28.
        assertThat(Math.floor(58 / 200.0 * 100)).isEqualTo(28.0);
        assertThat(ClassCounts.bin(58, 200, 100)).isEqualTo(29);
        // through the accumulator: 200 samples of class 0, neuron 0 active in 58 of them.
        StatsOptions opts = StatsOptions.builder(1, ClassBasis.LABEL).build();
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "l", new int[] {1});
        float[][] rows = new float[200][];
        for (int i = 0; i < 200; i++) {
            rows[i] = new float[] {i < 58 ? 1f : 0f};
        }
        acc.accept(new int[200], Activations.of("l", new int[] {1}, rows));
        int[] histogram = acc.result().s1Table().histogram(0);
        assertThat(histogram[29]).isEqualTo(1);
        assertThat(histogram[28]).isZero();
    }

    @Test
    void classWithoutSamplesHasNoRow() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        FrequencyTable table = acc.result().s1Table();
        assertThat(table.classes()).extracting(ClassCounts::classId).containsExactly(0, 1);
        assertThatThrownBy(() -> table.forClass(2))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class 2 has no samples")
                .hasMessageContaining("[0, 1]");
    }

    @Test
    void emptyAccumulatorSaysNoSamples() {
        ActivationFrequencies r = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE).result();
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.samples()).isZero();
        assertThat(r.s1Table().isEmpty()).isTrue();
        assertThat(r.s2Table().classes()).isEmpty();
        assertThat(r.neurons()).isEqualTo(3);
    }

    @Test
    void nonFiniteSamplesAreExcludedAndCounted() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        // a NaN in neuron 1 (class 0) and +inf in neuron 2 (class 1): both samples left out entirely.
        acc.accept(new int[] {0, 1}, Activations.dense(LAYER, new float[] {1f, Float.NaN, 1f}, new float[] {
            1f, 1f, Float.POSITIVE_INFINITY
        }));
        ActivationFrequencies r = acc.result();
        assertThat(r.invalidSamples()).isEqualTo(2);
        assertThat(r.nonFiniteByNeuron()).containsExactly(0L, 1L, 1L);
        assertThat(r.samples()).isEqualTo(4);
        assertThat(r.s1Table().forClass(0).counts()).containsExactly(2, 1, 1);
        assertThat(r.s1Table().forClass(0).classSize()).isEqualTo(2);
    }

    @Test
    void nonFiniteUnitsCountAgainstTheirChannel() {
        StatsOptions opts = StatsOptions.builder(1, ClassBasis.PREDICTED)
                .view(NeuronView.CHANNEL_MAX)
                .build();
        int[] shape = {2, 2};
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "conv", shape);
        // channel 1 (units 2, 3) holds a NaN.
        acc.accept(
                new int[] {0, 0},
                Activations.of("conv", shape, new float[] {1f, 0f, Float.NaN, 2f}, new float[] {0f, -1f, 3f, 0f}));
        ActivationFrequencies r = acc.result();
        assertThat(r.nonFiniteByNeuron()).containsExactly(0L, 1L);
        // the valid sample: channel max [0, 3] -> S1 {1}
        assertThat(r.s1Table().forClass(0).counts()).containsExactly(0, 1);
        assertThat(r.basis()).isEqualTo(ClassBasis.PREDICTED);
    }

    @Test
    void channelMeanViewCountsChannels() {
        StatsOptions opts = StatsOptions.builder(1, ClassBasis.LABEL)
                .view(NeuronView.CHANNEL_MEAN)
                .build();
        int[] shape = {2, 1, 2};
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "conv", shape);
        // channel means: sample 0 [ (1 + -1)/2 = 0, (2 + 0)/2 = 1 ]; sample 1 [ (3 + 0)/2 = 1.5, (0 + 0)/2 = 0 ]
        acc.accept(
                new int[] {0, 0},
                Activations.of("conv", shape, new float[] {1f, -1f, 2f, 0f}, new float[] {3f, 0f, 0f, 0f}));
        assertThat(acc.result().s1Table().forClass(0).counts()).containsExactly(1, 1);
        assertThat(acc.result().neurons()).isEqualTo(2);
    }

    @Test
    void s2WithHugeEpsEqualsS1OnReluLayers() {
        Random random = new Random(7);
        float[][] rows = Activations.randomRows(random, 300, 50, false);
        int[] classes = Activations.randomClasses(random, 300, 3);
        for (double eps : new double[] {Double.POSITIVE_INFINITY, 1e100}) {
            StatsOptions opts =
                    StatsOptions.builder(3, ClassBasis.LABEL).eps(eps).build();
            ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "l", new int[] {50});
            acc.accept(classes, Activations.of("l", new int[] {50}, rows));
            ActivationFrequencies r = acc.result();
            for (ClassCounts s1 : r.s1Table().classes()) {
                assertThat(r.s2Table().forClass(s1.classId()).counts()).containsExactly(s1.counts());
            }
        }
    }

    /*
     * The accumulator counts S2 as a difference from S1 when tau = 0 and directly otherwise; either way every
     * count must equal the number of samples whose Significance.mark (the per-sample definition) marks the neuron.
     * Values spread over nine decades with zeros and negatives, so that rows with and without an S2 gap occur.
     */
    @Test
    void countsEqualThePerSampleDefinitionForEveryTauAndEps() {
        Random random = new Random(23);
        int samples = 400;
        int n = 17;
        float[][] rows = new float[samples][n];
        for (float[] row : rows) {
            for (int j = 0; j < n; j++) {
                int kind = random.nextInt(4);
                float magnitude = (float) Math.pow(10, -6 + 9 * random.nextDouble());
                row[j] = kind == 0 ? 0f : kind == 1 ? -magnitude : magnitude;
            }
        }
        int[] classes = Activations.randomClasses(random, samples, 3);
        int[] shape = {n};
        for (double tau : new double[] {0.0, -0.0, 0.3, -0.5}) {
            for (double eps : new double[] {3, 1000}) {
                StatsOptions opts = StatsOptions.builder(3, ClassBasis.LABEL)
                        .tau(tau)
                        .eps(eps)
                        .build();
                ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "l", shape);
                acc.accept(classes, Activations.of("l", shape, rows));
                ActivationFrequencies r = acc.result();
                int[][] s1 = new int[3][n];
                int[][] s2 = new int[3][n];
                boolean[] on = new boolean[n];
                for (int i = 0; i < samples; i++) {
                    opts.s1().mark(rows[i], 0, n, on);
                    for (int j = 0; j < n; j++) {
                        s1[classes[i]][j] += on[j] ? 1 : 0;
                    }
                    opts.s2().mark(rows[i], 0, n, on);
                    for (int j = 0; j < n; j++) {
                        s2[classes[i]][j] += on[j] ? 1 : 0;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    assertThat(r.s1Table().forClass(c).counts())
                            .as("S1 tau %s eps %s class %d", tau, eps, c)
                            .containsExactly(s1[c]);
                    assertThat(r.s2Table().forClass(c).counts())
                            .as("S2 tau %s eps %s class %d", tau, eps, c)
                            .containsExactly(s2[c]);
                }
            }
        }
    }

    /*
     * The bit kernels (tau = 0: S2 kept as S1 minus S1-but-not-S2) against the straightforward loop with S2 by its
     * sorting definition: rows longer than RowScan.FOLD (so the folds' main loops run) with ties, +0.0, -0.0,
     * negatives, values one ulp apart, Float.MIN_VALUE, and NaN (either sign bit) or infinities in some rows, which
     * must leave every count unchanged. Class 2 appears only in invalid samples and so must have no row.
     */
    @Test
    void countsEqualTheStraightforwardLoopWithTiesZerosAndNonFiniteRowsLongerThanTheFold() {
        Random random = new Random(41);
        int samples = 300;
        int n = 2 * RowScan.FOLD + 37;
        float[] pool = {0f, -0f, 1f, 1f, Math.nextUp(1f), 2e-3f, -4f, 1500f, Float.MIN_VALUE, 3e-7f};
        float[] bad = {Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[][] rows = new float[samples][n];
        int[] classes = new int[samples];
        boolean[] invalid = new boolean[samples];
        for (int i = 0; i < samples; i++) {
            if (random.nextBoolean()) { // dense: every kind of value anywhere
                for (int j = 0; j < n; j++) {
                    rows[i][j] = random.nextInt(3) == 0
                            ? (float) Math.pow(10, -5 + 8 * random.nextDouble())
                            : pool[random.nextInt(pool.length)];
                }
            } else { // sparse: zeros and negatives with a few positives (some tied) at random places
                for (int j = 0; j < n; j++) {
                    rows[i][j] = random.nextBoolean() ? (random.nextBoolean() ? 0f : -0f) : -random.nextFloat();
                }
                float tied = (float) Math.pow(10, -6 + 9 * random.nextDouble());
                for (int k = random.nextInt(6); k > 0; k--) {
                    rows[i][random.nextInt(n)] =
                            random.nextBoolean() ? tied : (float) Math.pow(10, -6 + 9 * random.nextDouble());
                }
            }
            invalid[i] = random.nextInt(5) == 0;
            if (invalid[i]) {
                rows[i][random.nextInt(n)] = bad[random.nextInt(bad.length)];
                if (random.nextBoolean()) {
                    rows[i][random.nextInt(n)] = bad[random.nextInt(bad.length)];
                }
            }
            classes[i] = invalid[i] && random.nextInt(4) == 0 ? 2 : random.nextInt(2);
        }
        int[] shape = {n};
        for (double eps : new double[] {1.5, 1000}) {
            StatsOptions opts =
                    StatsOptions.builder(3, ClassBasis.LABEL).tau(0.0).eps(eps).build();
            ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(opts, "l", shape);
            acc.accept(classes, Activations.of("l", shape, rows));
            ActivationFrequencies r = acc.result();
            int[][] s1 = new int[3][n];
            int[][] s2 = new int[3][n];
            int[] sizes = new int[3];
            long[] nonFinite = new long[n];
            int invalidCount = 0;
            for (int i = 0; i < samples; i++) {
                if (invalid[i]) {
                    invalidCount++;
                    for (int j = 0; j < n; j++) {
                        nonFinite[j] += Float.isFinite(rows[i][j]) ? 0 : 1;
                    }
                    continue;
                }
                sizes[classes[i]]++;
                float max = 0f;
                for (float v : rows[i]) {
                    max = Math.max(max, v);
                }
                // S2 by its definition: sort descending, cut after the first ratio above eps (or the last positive)
                float[] sorted = rows[i].clone();
                Arrays.sort(sorted);
                float cut = Float.NaN;
                for (int k = n - 1; k >= 0 && sorted[k] > 0; k--) {
                    cut = sorted[k];
                    if (k == 0 || !(sorted[k - 1] > 0) || sorted[k] > eps * sorted[k - 1]) {
                        break;
                    }
                }
                for (int j = 0; j < n; j++) {
                    s1[classes[i]][j] += rows[i][j] > 0 ? 1 : 0;
                    s2[classes[i]][j] += rows[i][j] >= cut ? 1 : 0;
                }
            }
            assertThat(r.invalidSamples()).isEqualTo(invalidCount);
            assertThat(r.nonFiniteByNeuron()).containsExactly(nonFinite);
            assertThat(r.s1Table().classes()).hasSize(2);
            for (int c = 0; c < 2; c++) {
                assertThat(r.s1Table().forClass(c).classSize()).isEqualTo(sizes[c]);
                assertThat(r.s1Table().forClass(c).counts())
                        .as("S1 eps %s class %d", eps, c)
                        .containsExactly(s1[c]);
                assertThat(r.s2Table().forClass(c).counts())
                        .as("S2 eps %s class %d", eps, c)
                        .containsExactly(s2[c]);
            }
        }
    }

    @Test
    void mergeOfPartsEqualsOnePassWhateverTheBatching() {
        Random random = new Random(11);
        int samples = 240;
        float[][] rows = Activations.randomRows(random, samples, 20, true);
        // non-finite units in several samples, so that they land in different parts
        for (int i = 5; i < samples; i += 40) {
            rows[i][i % 20] = i % 80 == 5 ? Float.NaN : Float.POSITIVE_INFINITY;
        }
        int[] classes = Activations.randomClasses(random, samples, 4);
        StatsOptions opts = StatsOptions.builder(5, ClassBasis.LABEL).eps(20).build();
        int[] shape = {20};

        ActivationFrequencyAccumulator onePass = new ActivationFrequencyAccumulator(opts, "l", shape);
        onePass.accept(classes, Activations.of("l", shape, rows));

        // shuffled order, random batch sizes, spread over three accumulators, merged
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<ActivationFrequencyAccumulator> parts = List.of(
                new ActivationFrequencyAccumulator(opts, "l", shape),
                new ActivationFrequencyAccumulator(opts, "l", shape),
                new ActivationFrequencyAccumulator(opts, "l", shape));
        int at = 0;
        while (at < samples) {
            int size = Math.min(samples - at, 1 + random.nextInt(37));
            float[][] batch = new float[size][];
            int[] batchClasses = new int[size];
            for (int k = 0; k < size; k++) {
                batch[k] = rows[order.get(at + k)];
                batchClasses[k] = classes[order.get(at + k)];
            }
            parts.get(random.nextInt(3)).accept(batchClasses, Activations.of("l", shape, batch));
            at += size;
        }
        ActivationFrequencyAccumulator merged = parts.get(0);
        merged.merge(parts.get(1));
        merged.merge(parts.get(2));

        assertThat(merged.result()).usingRecursiveComparison().isEqualTo(onePass.result());
        assertThat(onePass.result().invalidSamples()).isEqualTo(6);
    }

    @Test
    void resultIsNotChangedByLaterUpdates() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        acc.accept(CLASSES, BATCH);
        ActivationFrequencies before = acc.result();
        acc.accept(CLASSES, BATCH);
        assertThat(before.s1Table().forClass(0).counts()).containsExactly(2, 1, 1);
        assertThat(acc.result().s1Table().forClass(0).counts()).containsExactly(4, 2, 2);
    }

    @Test
    void rejectsBadBatchesAndLeavesTheCountsUnchanged() {
        ActivationFrequencyAccumulator acc = new ActivationFrequencyAccumulator(options(), LAYER, SHAPE);
        assertThatThrownBy(() -> acc.accept(
                        CLASSES,
                        Activations.of("other", SHAPE, new float[3], new float[3], new float[3], new float[3])))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("layer relu1")
                .hasMessageContaining("other");
        assertThatThrownBy(() -> acc.accept(new int[] {0}, Activations.dense(LAYER, new float[4])))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[3]")
                .hasMessageContaining("[4]");
        assertThatThrownBy(() -> acc.accept(new int[] {0, 1}, BATCH))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("4 samples but 2 class ids");
        // a bad class id in the last sample: nothing of the batch is counted
        assertThatThrownBy(() -> acc.accept(new int[] {0, 0, 1, 3}, BATCH))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class id 3")
                .hasMessageContaining("[0, 3)");
        assertThat(acc.result().isEmpty()).isTrue();

        ActivationFrequencyAccumulator otherView = new ActivationFrequencyAccumulator(
                StatsOptions.builder(3, ClassBasis.LABEL).build(), LAYER, SHAPE);
        assertThatThrownBy(() -> acc.merge(otherView))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same layer, shape and options");
    }
}
