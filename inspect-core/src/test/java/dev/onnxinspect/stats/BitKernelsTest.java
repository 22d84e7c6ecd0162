package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.runtime.BufferActivations;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The vectorisable kernels on bit rows ({@link RowScan}, {@link SignificantBits}, {@link Pattern#pack(int[], int,
 * long[])}) against the scalar float references and against SPEC §1, §2 and §7 transcribed literally, on random
 * rows full of edge values: negatives, +0 and -0.0, subnormals, values near Float.MAX_VALUE, ties, and rows with
 * NaN or infinities.
 */
class BitKernelsTest {

    /** A value drawn from a mix of ordinary and edge cases. */
    private static float edgeValue(Random random, float[] row, int j) {
        return switch (random.nextInt(12)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> Float.MIN_VALUE * (1 + random.nextInt(5)); // subnormal
            case 3 -> Float.MAX_VALUE / (1 + random.nextInt(3));
            case 4 -> -(float) Math.min(Math.exp(random.nextGaussian() * 10), Float.MAX_VALUE);
            case 5 -> j > 0 ? row[random.nextInt(j)] : 1f; // a tie with an earlier value
            case 6 -> Float.MIN_NORMAL * random.nextFloat();
            default -> (float) Math.min(Math.exp(random.nextGaussian() * 12), Float.MAX_VALUE); // finite: below +inf
        };
    }

    private static float[] edgeRow(Random random, int n, boolean allowNonFinite) {
        float[] row = new float[n];
        for (int j = 0; j < n; j++) {
            row[j] = edgeValue(random, row, j);
        }
        if (allowNonFinite && random.nextInt(8) == 0) {
            float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xFFC00001)
            };
            row[random.nextInt(n)] = bad[random.nextInt(bad.length)];
        }
        return row;
    }

    private static int[] bits(float[] row) {
        int[] bits = new int[row.length];
        for (int j = 0; j < row.length; j++) {
            bits[j] = Float.floatToRawIntBits(row[j]);
        }
        return bits;
    }

    /** Lengths around the fold distance and its multiples, where the fold's head and tail change. */
    private static int randomLength(Random random) {
        int[] near = {1, 2, RowScan.FOLD - 1, RowScan.FOLD, RowScan.FOLD + 1, 2 * RowScan.FOLD, 3 * RowScan.FOLD + 7};
        return random.nextBoolean() ? near[random.nextInt(near.length)] : 1 + random.nextInt(700);
    }

    @Test
    void scanOfBitsEqualsTheScalarFloatScan() {
        Random random = new Random(1);
        RowScan kernel = new RowScan(1000);
        RowScan reference = new RowScan();
        for (int trial = 0; trial < 20_000; trial++) {
            float[] row = edgeRow(random, randomLength(random), true);
            kernel.scan(bits(row), row.length);
            reference.scan(row, 0, row.length);
            assertThat(kernel.finite).as(() -> "finite " + Arrays.toString(row)).isEqualTo(reference.finite);
            if (reference.finite) {
                assertThat(kernel.maxBits)
                        .as(() -> "max " + Arrays.toString(row))
                        .isEqualTo(reference.maxBits);
                assertThat(kernel.minPositiveBits)
                        .as(() -> "min positive " + Arrays.toString(row))
                        .isEqualTo(reference.minPositiveBits);
            }
        }
    }

    @Test
    void smallestAtLeastOfBitsEqualsTheScalarFloatVersion() {
        Random random = new Random(2);
        RowScan kernel = new RowScan(1000);
        for (int trial = 0; trial < 20_000; trial++) {
            float[] row = edgeRow(random, randomLength(random), false);
            float a = Math.abs(edgeValue(random, row, row.length));
            float b = Math.abs(edgeValue(random, row, row.length));
            int low = Math.max(1, Float.floatToRawIntBits(Math.min(a, b)));
            int upper = Math.max(low, Float.floatToRawIntBits(Math.max(a, b)));
            assertThat(kernel.smallestAtLeast(bits(row), row.length, low, upper))
                    .as(() -> Arrays.toString(row) + " in [" + Float.intBitsToFloat(low) + ", "
                            + Float.intBitsToFloat(upper) + "]")
                    .isEqualTo(RowScan.smallestAtLeast(row, 0, row.length, low, upper));
        }
    }

    @Test
    void bitwiseComparisonsEqualFloatComparisons() {
        Random random = new Random(3);
        for (int trial = 0; trial < 3_000; trial++) {
            float[] row = edgeRow(random, 1 + random.nextInt(200), false);
            int[] bits = bits(row);
            int n = row.length;
            // thresholds t >= 0: +0, -0.0, the smallest subnormal, row values (ties), huge, +inf
            float[] candidates = {
                0f,
                -0f,
                Float.MIN_VALUE,
                Math.abs(row[random.nextInt(n)]),
                Float.MAX_VALUE,
                Float.POSITIVE_INFINITY,
                Math.abs(edgeValue(random, row, 0))
            };
            float t = candidates[random.nextInt(candidates.length)];
            float cut = random.nextInt(4) == 0 ? Float.NaN : Math.abs(row[random.nextInt(n)]);
            if (cut == 0f) {
                cut = Float.MIN_VALUE;
            }
            int[] above = new int[n];
            int[] atLeast = new int[n];
            SignificantBits.countAboveAndAtLeast(
                    above, atLeast, bits, n, SignificantBits.thresholdBits(t), SignificantBits.atLeastBits(cut));
            int[] above0 = new int[n];
            int[] notAtLeast = new int[n];
            SignificantBits.countAboveNotAtLeast(above0, notAtLeast, bits, n, SignificantBits.atLeastBits(cut));
            int[] on = new int[n];
            SignificantBits.above(on, bits, n, SignificantBits.thresholdBits(t));
            float negative = -Math.abs(row[random.nextInt(n)]);
            int[] onNegative = new int[n];
            SignificantBits.above(onNegative, bits, n, negative);
            int[] countNegative = new int[n];
            SignificantBits.countAbove(countNegative, bits, n, negative);
            for (int j = 0; j < n; j++) {
                float v = row[j];
                float threshold = t;
                float s2Cut = cut;
                Supplier<String> what = () -> v + " vs t " + threshold + ", cut " + s2Cut + ", negative t " + negative;
                int s1 = row[j] > t ? 1 : 0;
                int s2 = row[j] >= cut ? 1 : 0;
                assertThat(above[j]).as(what).isEqualTo(s1);
                assertThat(on[j]).as(what).isEqualTo(s1);
                assertThat(atLeast[j]).as(what).isEqualTo(s2);
                assertThat(above0[j]).as(what).isEqualTo(row[j] > 0f ? 1 : 0);
                assertThat(notAtLeast[j]).as(what).isEqualTo((row[j] > 0f ? 1 : 0) - s2);
                assertThat(onNegative[j]).as(what).isEqualTo(row[j] > negative ? 1 : 0);
                assertThat(countNegative[j]).as(what).isEqualTo(row[j] > negative ? 1 : 0);
            }
        }
    }

    @Test
    void packOfOnBitsHasTheLayoutOfTheFloatPack() {
        Random random = new Random(4);
        for (int trial = 0; trial < 2_000; trial++) {
            float[] row = edgeRow(random, randomLength(random), false);
            int n = row.length;
            long[] expected = new long[(n + 63) >>> 6];
            Pattern.pack(row, 0, n, 0f, expected);
            int[] on = new int[n];
            SignificantBits.above(on, bits(row), n, 0);
            long[] words = new long[expected.length];
            Arrays.fill(words, -1L); // stale words of an earlier probe must be overwritten
            Pattern.pack(on, n, words);
            assertThat(words).isEqualTo(expected);
        }
    }

    /**
     * The S2 cut on bit rows equals the literal one (sorting), on edge rows and on dense rows spread over many
     * decades, where the lane-minimum shortcut settles the cut without a pass; that it does so in most of the
     * dense rows is checked too, so that the shortcut is really exercised.
     */
    @Test
    void s2CutoffOfBitsEqualsTheLiteralCut() {
        Random random = new Random(8);
        double[] epsilons = {1.0, 1.01, 2, 10, 1000, 1e6};
        int shortcuts = 0;
        int denseRows = 0;
        for (int trial = 0; trial < 4_000; trial++) {
            boolean dense = trial % 2 == 0;
            int n = dense ? 64 * (2 + random.nextInt(20)) + random.nextInt(64) : randomLength(random);
            float[] row = new float[n];
            for (int j = 0; j < n; j++) {
                // dense: log-uniform over 5 decades below 1, a third zeros
                row[j] = dense
                        ? (random.nextInt(3) == 0 ? 0f : (float) Math.pow(10, -5 * random.nextDouble()))
                        : edgeValue(random, row, j);
            }
            Significance.Dominant s2 = Significance.s2(dense ? 1000 : epsilons[random.nextInt(epsilons.length)]);
            float expected = literalCut(row, s2.eps());
            RowScan scan = new RowScan(n);
            int[] bits = bits(row);
            scan.scan(bits, n);
            if (dense) {
                denseRows++;
                float low = s2.joinThreshold(Float.intBitsToFloat(scan.maxBits));
                int u = scan.smallestLaneMinimumAtLeast(Float.floatToRawIntBits(low));
                float smallest = Float.intBitsToFloat(scan.minPositiveBits);
                if (smallest < low && u != Integer.MAX_VALUE && smallest >= s2.joinThreshold(Float.intBitsToFloat(u))) {
                    shortcuts++;
                }
            }
            float cut = s2.cutoff(bits, n, scan, new float[n]);
            assertThat(Float.floatToIntBits(cut))
                    .as(() -> "cut " + cut + " for eps " + s2.eps() + " in " + Arrays.toString(row) + ", expected "
                            + expected)
                    .isEqualTo(Float.floatToIntBits(expected));
        }
        assertThat(shortcuts).as("dense rows settled by the lane minima").isGreaterThan(denseRows / 2);
    }

    /** The S2 cut a_(k) of SPEC §1 by sorting (NaN when no value is positive). */
    private static float literalCut(float[] row, double eps) {
        float[] sorted = row.clone();
        Arrays.sort(sorted);
        for (int k = sorted.length - 1; k >= 0 && sorted[k] > 0; k--) {
            double next = k == 0 ? 0.0 : Math.max(sorted[k - 1], 0f);
            if (next == 0 || sorted[k] > eps * next) {
                return sorted[k];
            }
        }
        return Float.NaN;
    }

    /** The folded layout of {@code on} (0/1 per neuron), as PatternAccumulator builds it. */
    private static long[] packFolded(int[] on, int[] rowBits) {
        int n = on.length;
        int[] selected = new int[n];
        for (int j = 0; j < n; j++) {
            selected[j] = on[j] == 1 ? rowBits[j] : 0;
        }
        long[] words = new long[Pattern.wordCount(n)];
        Arrays.fill(words, -1L); // stale words of an earlier probe must be overwritten
        Pattern.packFolded(selected, n, words);
        return words;
    }

    /**
     * {@link Pattern#unpack} inverts both layouts: random patterns (and the empty and the full one) of widths around
     * a word, the block size and the fold distance come back neuron by neuron.
     */
    @Test
    void unpackInvertsBothLayouts() {
        Random random = new Random(8);
        for (int n : new int[] {
            1,
            63,
            64,
            65,
            Pattern.BLOCK - 1,
            Pattern.BLOCK,
            Pattern.BLOCK + 1,
            Pattern.BLOCK + RowScan.FOLD - 1,
            Pattern.BLOCK + RowScan.FOLD,
            Pattern.BLOCK + RowScan.FOLD + 3,
            2 * Pattern.BLOCK + 32,
            6272
        }) {
            int[] rowBits = Pattern.folded(n) ? Pattern.foldedRowBits(n) : null;
            for (int kind = 0; kind < 4; kind++) {
                int[] on = new int[n];
                for (int j = 0; j < n; j++) {
                    on[j] = kind == 0
                            ? 0
                            : kind == 1 ? 1 : kind == 2 ? random.nextInt(2) : random.nextInt(10) == 0 ? 1 : 0;
                }
                long[] words;
                if (rowBits == null) {
                    words = new long[Pattern.wordCount(n)];
                    Pattern.pack(on, n, words);
                } else {
                    words = packFolded(on, rowBits);
                }
                int[] back = new int[n];
                Arrays.fill(back, 7);
                Pattern.unpack(words, n, back);
                assertThat(back).as("n %d kind %d", n, kind).containsExactly(on);
            }
        }
    }

    /**
     * The folded layout is one-to-one: each neuron alone sets exactly one bit, no two neurons the same one, and a
     * pattern is the OR of its neurons' bits. Widths at and around the block size and the fold distance.
     */
    @Test
    void foldedLayoutGivesEveryNeuronItsOwnBit() {
        Random random = new Random(6);
        for (int n : new int[] {
            Pattern.BLOCK,
            Pattern.BLOCK + 1,
            Pattern.BLOCK + RowScan.FOLD - 1,
            Pattern.BLOCK + RowScan.FOLD,
            Pattern.BLOCK + RowScan.FOLD + 3,
            3 * Pattern.BLOCK - 2,
            6272
        }) {
            assertThat(Pattern.folded(n)).isTrue();
            int[] rowBits = Pattern.foldedRowBits(n);
            long[][] single = new long[n][];
            Set<Long> seen = new HashSet<>();
            for (int j = 0; j < n; j++) {
                int[] on = new int[n];
                on[j] = 1;
                single[j] = packFolded(on, rowBits);
                int word = -1;
                for (int w = 0; w < single[j].length; w++) {
                    if (single[j][w] != 0) {
                        assertThat(word)
                                .as("n %d neuron %d sets bits in two words", n, j)
                                .isEqualTo(-1);
                        assertThat(Long.bitCount(single[j][w]))
                                .as("n %d neuron %d", n, j)
                                .isEqualTo(1);
                        word = w;
                    }
                }
                assertThat(word).as("n %d neuron %d sets no bit", n, j).isNotEqualTo(-1);
                assertThat(seen.add(word * 64L + Long.numberOfTrailingZeros(single[j][word])))
                        .as("n %d neuron %d shares its bit", n, j)
                        .isTrue();
            }
            int[] on = new int[n];
            long[] union = new long[Pattern.wordCount(n)];
            for (int j = 0; j < n; j++) {
                on[j] = random.nextInt(2);
                for (int w = 0; w < union.length && on[j] == 1; w++) {
                    union[w] |= single[j][w];
                }
            }
            assertThat(packFolded(on, rowBits)).as("n %d", n).isEqualTo(union);
        }
        assertThat(Pattern.folded(Pattern.BLOCK - 1)).isFalse();
        assertThat(Pattern.wordCount(Pattern.BLOCK - 1)).isEqualTo(Pattern.BLOCK / 64); // narrow: ceil(2047 / 64)
        assertThat(Pattern.wordCount(Pattern.BLOCK + 1)).isEqualTo(2 * RowScan.FOLD / 2); // two blocks of 32 longs
    }

    /**
     * Distinct patterns of a wide (folded) layer against literal strings: rows that are copies of a few base rows
     * with single neurons switched, anywhere in the layer, for tau = 0, > 0 and < 0.
     */
    @Test
    void widePatternsAreCountedExactly() {
        Random random = new Random(7);
        int n = Pattern.BLOCK + 150;
        float[][] base = new float[3][n];
        for (float[] row : base) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextBoolean() ? 0f : random.nextFloat() - 0.25f;
            }
        }
        int samples = 120;
        float[][] rows = new float[samples][];
        for (int i = 0; i < samples; i++) {
            rows[i] = base[random.nextInt(3)].clone();
            if (random.nextBoolean()) {
                int j = random.nextInt(n);
                rows[i][j] = rows[i][j] > 0.3f ? -1f : 2f; // switches the neuron for every tau below
            }
        }
        int[] classes = Activations.randomClasses(random, samples, 2);
        for (double tau : new double[] {0.0, 0.3, -0.5}) {
            StatsOptions options =
                    StatsOptions.builder(2, ClassBasis.LABEL).tau(tau).build();
            PatternAccumulator acc = new PatternAccumulator(options, "wide", new int[] {n});
            acc.accept(classes, Activations.dense("wide", rows));
            for (int c = 0; c < 2; c++) {
                Set<String> distinct = new HashSet<>();
                for (int i = 0; i < samples; i++) {
                    if (classes[i] == c) {
                        StringBuilder pattern = new StringBuilder();
                        for (float v : rows[i]) {
                            pattern.append((double) v > tau ? '1' : '0');
                        }
                        distinct.add(pattern.toString());
                    }
                }
                assertThat(acc.result().forClass(c).distinctPatterns())
                        .as("tau %s class %d", tau, c)
                        .isEqualTo(distinct.size());
            }
        }
    }

    /**
     * The whole accumulator against SPEC transcribed literally (S1 in float64, S2 by sorting, patterns as strings,
     * non-finite samples excluded, channel views reduced in float64), for tau > 0, = 0, = -0.0, < 0 and eps < 1,
     * = 1, > 1, = +inf, every view, array- and buffer-backed activations, and batches split into sample ranges.
     */
    @Test
    void layerStatisticsEqualTheLiteralDefinitions() {
        Random random = new Random(5);
        int[] shape = {3, 5, 11}; // 165 units: more than one fold; 3 channels
        int units = 165;
        int samples = 240;
        float[][] rows = new float[samples][];
        for (int i = 0; i < samples; i++) {
            rows[i] = edgeRow(random, units, true);
            if (i % 3 == 0) { // ReLU-like rows, where S2 usually equals S1
                for (int j = 0; j < units; j++) {
                    rows[i][j] = random.nextBoolean() ? 0f : random.nextFloat();
                }
            }
        }
        int[] classes = Activations.randomClasses(random, samples, 4);
        LayerActivations array = Activations.of("l", shape, rows);
        float[] flat = array.values().clone();
        LayerActivations buffer = BufferActivations.of("l", flat, samples, shape);
        for (double tau : new double[] {0.0, -0.0, 0.25, -0.5, 1e-50}) {
            for (double eps : new double[] {0.5, 1.0, 3.0, 1000.0, Double.POSITIVE_INFINITY}) {
                for (NeuronView view : LayerStatisticsAccumulatorTest.MAP_VIEWS) {
                    StatsOptions options = StatsOptions.builder(4, ClassBasis.LABEL)
                            .tau(tau)
                            .eps(eps)
                            .view(view)
                            .build();
                    LayerStatisticsAccumulator fromArray = new LayerStatisticsAccumulator(options, "l", shape);
                    fromArray.accept(classes, array);
                    LayerStatisticsAccumulator fromBuffer = new LayerStatisticsAccumulator(options, "l", shape);
                    fromBuffer.accept(classes, buffer, 0, 100);
                    fromBuffer.accept(classes, buffer, 100, samples);
                    String what = "tau " + tau + " eps " + eps + " " + view;
                    assertLiteral(fromArray.result(), options, shape, rows, classes, what);
                    assertLiteral(fromBuffer.result(), options, shape, rows, classes, what + " buffer");
                }
            }
        }
    }

    private static void assertLiteral(
            LayerStatistics result, StatsOptions options, int[] shape, float[][] rows, int[] classes, String what) {
        int channels = shape[0];
        int spatial = rows[0].length / channels;
        int neurons = options.view() == NeuronView.FLATTENED ? rows[0].length : channels;
        int[][] s1 = new int[4][neurons];
        int[][] s2 = new int[4][neurons];
        int[] sizes = new int[4];
        long[] nonFinite = new long[neurons];
        long invalid = 0;
        List<Map<String, Integer>> patterns = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            patterns.add(new HashMap<>());
        }
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            boolean finite = true;
            for (int j = 0; j < neurons; j++) {
                boolean neuronFinite = true;
                int width = neurons == row.length ? 1 : spatial;
                for (int k = j * width; k < (j + 1) * width; k++) {
                    neuronFinite &= Float.isFinite(row[k]);
                }
                if (!neuronFinite) {
                    nonFinite[j]++;
                    finite = false;
                }
            }
            if (!finite) {
                invalid++;
                continue;
            }
            float[] a = literalView(row, options.view(), channels, spatial);
            int c = classes[i];
            sizes[c]++;
            boolean[] dominant = literalS2(a, options.s2().eps());
            StringBuilder pattern = new StringBuilder();
            for (int j = 0; j < neurons; j++) {
                boolean active = (double) a[j] > options.s1().tau();
                s1[c][j] += active ? 1 : 0;
                s2[c][j] += dominant[j] ? 1 : 0;
                pattern.append(active ? '1' : '0');
            }
            patterns.get(c).merge(pattern.toString(), 1, Integer::sum);
        }
        ActivationFrequencies f = result.frequencies();
        assertThat(f.invalidSamples()).as(what).isEqualTo(invalid);
        assertThat(f.nonFiniteByNeuron()).as(what).containsExactly(nonFinite);
        PatternStatistics p = result.patterns().orElseThrow();
        for (int c = 0; c < 4; c++) {
            if (sizes[c] == 0) {
                continue;
            }
            assertThat(f.s1Table().forClass(c).classSize()).as(what).isEqualTo(sizes[c]);
            assertThat(f.s1Table().forClass(c).counts())
                    .as("S1 %s class %d", what, c)
                    .containsExactly(s1[c]);
            assertThat(f.s2Table().forClass(c).counts())
                    .as("S2 %s class %d", what, c)
                    .containsExactly(s2[c]);
            assertThat(p.forClass(c).distinctPatterns())
                    .as("patterns %s class %d", what, c)
                    .isEqualTo(patterns.get(c).size());
        }
    }

    /** The neuron view as NeuronView documents it: the channel mean summed in float64 in index order. */
    private static float[] literalView(float[] row, NeuronView view, int channels, int spatial) {
        if (view == NeuronView.FLATTENED) {
            return row;
        }
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = c * spatial; k < (c + 1) * spatial; k++) {
                sum += row[k];
                max = Math.max(max, row[k]);
            }
            out[c] = view == NeuronView.CHANNEL_MAX ? max : (float) (sum / spatial);
        }
        return out;
    }

    /**
     * SPEC §1 S2 word for word: sort descending with values <= 0 as 0, the smallest k with a_(k) > 0 and
     * a_(k) > eps * a_(k+1) in float64 (a ratio against 0 is +inf: always a gap), significant iff >= a_(k).
     */
    private static boolean[] literalS2(float[] row, double eps) {
        int n = row.length;
        double[] sorted = new double[n];
        for (int j = 0; j < n; j++) {
            sorted[j] = Math.max(row[j], 0.0);
        }
        Arrays.sort(sorted);
        double cut = Double.NaN;
        for (int k = n - 1; k >= 0; k--) {
            double next = k == 0 ? 0.0 : sorted[k - 1];
            if (sorted[k] > 0 && (next == 0 || sorted[k] > eps * next)) {
                cut = sorted[k];
                break;
            }
        }
        boolean[] out = new boolean[n];
        for (int j = 0; j < n; j++) {
            out[j] = row[j] > 0 && row[j] >= cut;
        }
        return out;
    }
}
