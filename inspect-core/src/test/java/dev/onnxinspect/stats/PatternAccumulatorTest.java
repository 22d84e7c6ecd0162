package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatternAccumulatorTest {
    private static final int[] SHAPE = {3};

    private static StatsOptions options(int numClasses) {
        return StatsOptions.builder(numClasses, ClassBasis.LABEL).build();
    }

    @Test
    void entropyAndPerplexityOfKnownPatternMixes() {
        // A = [1, 0, 1] -> pattern 101, B = [0, 2, 0] -> 010, C = [3, 3, -1] -> 110 (S1, tau = 0).
        float[] a = {1f, 0f, 1f};
        float[] a2 = {5f, -2f, 0.1f}; // also 101: a different activation, the same pattern
        float[] b = {0f, 2f, 0f};
        float[] c = {3f, 3f, -1f};
        PatternAccumulator acc = new PatternAccumulator(options(4), "l", SHAPE);
        // class 0: A, B, A, B -> two patterns, 2 each: H = -2 (1/2) ln(1/2) = ln 2, P = 2.
        // class 1: A, A, A -> one pattern: H = 0, P = 1.
        // class 2: A, A, B, C -> counts 2, 1, 1 of 4: H = -(1/2 ln 1/2 + 2 * 1/4 ln 1/4) = 1.5 ln 2, P = 2^1.5.
        acc.accept(
                new int[] {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2},
                Activations.dense("l", a, b, a2, b, a, a2, a, a, a2, b, c));
        PatternStatistics r = acc.result();

        assertThat(r.classes()).extracting(ClassPatterns::classId).containsExactly(0, 1, 2);
        ClassPatterns c0 = r.forClass(0);
        assertThat(c0.classSize()).isEqualTo(4);
        assertThat(c0.distinctPatterns()).isEqualTo(2);
        assertThat(c0.entropy()).isCloseTo(Math.log(2), within(1e-15));
        assertThat(c0.perplexity()).isCloseTo(2.0, within(1e-14));

        ClassPatterns c1 = r.forClass(1);
        assertThat(c1.distinctPatterns()).isEqualTo(1);
        assertThat(c1.entropy()).isEqualTo(0.0);
        assertThat(Double.doubleToRawLongBits(c1.entropy())).isZero(); // +0.0, never -0.0
        assertThat(c1.perplexity()).isEqualTo(1.0);

        ClassPatterns c2 = r.forClass(2);
        assertThat(c2.distinctPatterns()).isEqualTo(3);
        assertThat(c2.entropy()).isCloseTo(1.5 * Math.log(2), within(1e-15));
        assertThat(c2.perplexity()).isCloseTo(Math.pow(2, 1.5), within(1e-14));

        assertThatThrownBy(() -> r.forClass(3))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class 3 has no samples");
    }

    @Test
    void patternsDifferingBeyondTheFirstWordStayApart() {
        // 70 neurons: the patterns differ only in neuron 69 (second long word) -> 2 distinct.
        float[] x = new float[70];
        float[] y = new float[70];
        x[0] = 1f;
        y[0] = 1f;
        y[69] = 1f;
        PatternAccumulator acc = new PatternAccumulator(options(1), "l", new int[] {70});
        acc.accept(new int[] {0, 0, 0}, Activations.dense("l", x, y, x));
        assertThat(acc.result().forClass(0).distinctPatterns()).isEqualTo(2);
    }

    @Test
    void equalHashesDoNotMergePatterns() {
        // Arrays.hashCode(long[]) of words [1, 31] and [0, 62] is 31 * (31 + w0) + w1 = 1023 for both.
        // Words [1, 31]: neurons 0 and 64..68 active; words [0, 62]: neurons 65..69 active.
        float[] x = new float[128];
        float[] y = new float[128];
        x[0] = 1f;
        for (int j = 64; j <= 68; j++) {
            x[j] = 1f;
        }
        for (int j = 65; j <= 69; j++) {
            y[j] = 1f;
        }
        assertThat(new Pattern(new long[] {1, 31}).hashCode()).isEqualTo(new Pattern(new long[] {0, 62}).hashCode());
        PatternAccumulator acc = new PatternAccumulator(options(1), "l", new int[] {128});
        acc.accept(new int[] {0, 0, 0}, Activations.dense("l", x, y, y));
        ClassPatterns row = acc.result().forClass(0);
        assertThat(row.distinctPatterns()).isEqualTo(2);
        // counts 1 and 2 of 3: H = -(1/3 ln 1/3 + 2/3 ln 2/3)
        double expected = -(1.0 / 3 * Math.log(1.0 / 3) + 2.0 / 3 * Math.log(2.0 / 3));
        assertThat(row.entropy()).isCloseTo(expected, within(1e-15));
    }

    @Test
    void packSetsBitJOfWordJOver64ExactlyWhereS1Holds() {
        Random random = new Random(1);
        for (int n : new int[] {1, 63, 64, 65, 200}) {
            float[] row = Activations.randomRows(random, 1, n + 3, true)[0];
            long[] words = new long[(n + 63) / 64];
            Pattern.pack(row, 3, n, 0.5f, words);
            for (int j = 0; j < n; j++) {
                boolean bit = (words[j / 64] >>> (j % 64) & 1L) == 1L;
                assertThat(bit).as("n %d bit %d", n, j).isEqualTo(row[3 + j] > 0.5f);
            }
            if (n % 64 != 0) {
                assertThat(words[words.length - 1] >>> (n % 64)).isZero();
            }
        }
    }

    @Test
    void mergeEqualsOnePassAndIgnoresOrder() {
        Random random = new Random(3);
        // few units -> many repeated patterns
        float[][] rows = Activations.randomRows(random, 400, 6, true);
        int[] classes = Activations.randomClasses(random, 400, 3);
        LayerActivations all = Activations.dense("l", rows);
        PatternAccumulator onePass = new PatternAccumulator(options(3), "l", new int[] {6});
        onePass.accept(classes, all);

        PatternAccumulator back = new PatternAccumulator(options(3), "l", new int[] {6});
        PatternAccumulator front = new PatternAccumulator(options(3), "l", new int[] {6});
        // the second half first, in batches of 7, into one accumulator; the first half into another
        for (int from = 200; from < 400; from += 7) {
            int to = Math.min(400, from + 7);
            back.accept(java.util.Arrays.copyOfRange(classes, from, to), Activations.slice(all, from, to));
        }
        front.accept(java.util.Arrays.copyOfRange(classes, 0, 200), Activations.slice(all, 0, 200));
        back.merge(front);
        assertThat(back.result()).isEqualTo(onePass.result());
        assertThat(onePass.result().samples()).isEqualTo(400);
    }

    @Test
    void emptyAndInvalid() {
        PatternAccumulator acc = new PatternAccumulator(options(2), "l", SHAPE);
        assertThat(acc.result().classes()).isEmpty();
        assertThat(acc.result().samples()).isZero();
        acc.accept(new int[] {1}, Activations.dense("l", new float[] {Float.NaN, 0f, 0f}));
        assertThat(acc.result().invalidSamples()).isEqualTo(1);
        assertThat(acc.result().classes()).isEmpty();
    }
}
