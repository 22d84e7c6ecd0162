package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InteractionAccumulatorTest {
    // W (2 x 3) = [[1, -1, 2], [0.5, 0.5, -4]], n_in = 3.
    private static final DenseLayer DENSE =
            new DenseLayer("fc2", "relu1", 2, 3, new float[] {1f, -1f, 2f, 0.5f, 0.5f, -4f}, new float[] {10f, -10f});

    /*
     * x_A = [2, 1, 1] (class 0):
     *   row 0: C = [2, -1, 2], sum|C| = 5, sum C = 3. ABSOLUTE: 3C > 5 for j = 0, 2. SIGNED: 3C > 3 for j = 0, 2.
     *   row 1: C = [1, 0.5, -4], sum|C| = 5.5: 3, 1.5, -12 none > 5.5. SIGNED: sum C = -2.5 <= 0: none.
     * x_B = [0, 3, 1] (class 0):
     *   row 0: C = [0, -3, 2], sum|C| = 5: only 6 > 5 (j = 2). SIGNED: sum C = -1: none.
     *   row 1: C = [0, 1.5, -4], sum|C| = 5.5: none. SIGNED: -2.5: none.
     * x_C = [2, 3, 1] (class 1):
     *   row 0: C = [2, -3, 2], sum|C| = 7: 6 > 7 no -> none. SIGNED: sum C = 1: 6 > 1 for j = 0, 2.
     *   row 1: C = [1, 1.5, -4], sum|C| = 6.5: none. SIGNED: -1.5: none.
     * x_D = [0, 0, 0] (class 1): every C = 0, denominators 0: none (counted in N_1).
     * ABSOLUTE: class 0 counts (0,0) 1, (0,2) 2; class 1 all 0.  SIGNED: class 0 (0,0) 1, (0,2) 1; class 1 the same.
     */
    private static final int[] CLASSES = {0, 0, 1, 1};
    private static final LayerActivations INPUT = Activations.dense(
            "relu1", new float[] {2f, 1f, 1f}, new float[] {0f, 3f, 1f}, new float[] {2f, 3f, 1f}, new float[] {
                0f, 0f, 0f
            });

    private static InteractionFrequencies run(InteractionShare share) {
        InteractionAccumulator acc = new InteractionAccumulator(
                DENSE,
                InteractionOptions.builder(2, ClassBasis.LABEL).share(share).build());
        acc.accept(CLASSES, INPUT);
        return acc.result();
    }

    @Test
    void absoluteShareCountsAboveAverageContributions() {
        InteractionFrequencies r = run(InteractionShare.ABSOLUTE);
        assertThat(r.table().forClass(0).counts()).containsExactly(1, 0, 2, 0, 0, 0);
        assertThat(r.table().forClass(1).counts()).containsExactly(0, 0, 0, 0, 0, 0);
        assertThat(r.table().forClass(1).classSize()).isEqualTo(2);
        // G[0, 0, 2] = 2 / 2, G[0, 0, 0] = 1 / 2
        assertThat(r.frequency(0, 0, 2)).isEqualTo(1.0);
        assertThat(r.frequency(0, 0, 0)).isEqualTo(0.5);
        assertThat(r.samples()).isEqualTo(4);
        assertThat(r.table().significance()).isEqualTo("interaction-absolute");
        assertThat(r.layer()).isEqualTo("fc2");
        assertThat(r.inputName()).isEqualTo("relu1");
    }

    @Test
    void signedShareNeedsAPositiveRowSum() {
        InteractionFrequencies r = run(InteractionShare.SIGNED);
        assertThat(r.table().forClass(0).counts()).containsExactly(1, 0, 1, 0, 0, 0);
        assertThat(r.table().forClass(1).counts()).containsExactly(1, 0, 1, 0, 0, 0);
        assertThat(r.share()).isEqualTo(InteractionShare.SIGNED);
    }

    /**
     * Against the formula summed over every input (zeros included, as SPEC §3 states it), on random layers with mostly
     * zero inputs (ReLU-like, some -0.0, some samples all zero) and 7 outputs (a block of 4 rows and 3 more): the
     * accumulator skips the zero inputs, which must change no count.
     */
    @Test
    void countsEqualTheFullSumsOverEveryInput() {
        Random random = new Random(5);
        int nOut = 7;
        int nIn = 13;
        for (InteractionShare share : InteractionShare.values()) {
            for (int trial = 0; trial < 20; trial++) {
                float[] w = new float[nOut * nIn];
                for (int k = 0; k < w.length; k++) {
                    w[k] = random.nextInt(4) == 0 ? 0f : (float) random.nextGaussian();
                }
                int n = 30;
                float[][] rows = new float[n][nIn];
                int[] classes = new int[n];
                for (int s = 0; s < n; s++) {
                    classes[s] = random.nextInt(2);
                    for (int j = 0; j < nIn; j++) {
                        int kind = random.nextInt(5);
                        rows[s][j] = kind <= 1 ? 0f : kind == 2 ? -0f : (float) Math.abs(random.nextGaussian());
                    }
                }
                int[][] expected = new int[2][nOut * nIn];
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < nOut; i++) {
                        double d = 0;
                        for (int j = 0; j < nIn; j++) {
                            double c = (double) w[i * nIn + j] * rows[s][j];
                            d += share == InteractionShare.ABSOLUTE ? Math.abs(c) : c;
                        }
                        for (int j = 0; j < nIn; j++) {
                            double c = (double) w[i * nIn + j] * rows[s][j];
                            if (d > 0 && c * nIn > d) {
                                expected[classes[s]][i * nIn + j]++;
                            }
                        }
                    }
                }
                InteractionAccumulator acc = new InteractionAccumulator(
                        new DenseLayer("o", "x", nOut, nIn, w, new float[nOut]),
                        InteractionOptions.builder(2, ClassBasis.LABEL)
                                .share(share)
                                .build());
                acc.accept(classes, Activations.dense("x", rows));
                InteractionFrequencies r = acc.result();
                assertThat(r.table().forClass(0).counts())
                        .as("%s trial %d", share, trial)
                        .containsExactly(expected[0]);
                assertThat(r.table().forClass(1).counts())
                        .as("%s trial %d", share, trial)
                        .containsExactly(expected[1]);
            }
        }
    }

    @Test
    void anExactlyAverageShareIsNotSignificant() {
        // W row [1, 1, 1], x = [1, 1, 1]: every share is exactly 1/3; 3 * 1 > 3 is false -> none.
        DenseLayer uniform = new DenseLayer("o", "x", 1, 3, new float[] {1f, 1f, 1f}, new float[1]);
        InteractionAccumulator acc = new InteractionAccumulator(
                uniform, InteractionOptions.builder(1, ClassBasis.LABEL).build());
        acc.accept(new int[] {0}, Activations.dense("x", new float[] {1f, 1f, 1f}));
        assertThat(acc.result().table().forClass(0).counts()).containsExactly(0, 0, 0);
    }

    @Test
    void statesTheMemoryAndRefusesAboveTheLimit() {
        DenseLayer big = new DenseLayer("fc", "h", 100, 100, new float[10000], new float[100]);
        InteractionOptions tenClasses = InteractionOptions.builder(10, ClassBasis.LABEL)
                .memoryLimitBytes(100_000)
                .build();
        // 10 classes x 100 x 100 ints x 4 bytes = 400,000 bytes
        assertThat(InteractionAccumulator.estimate(big, tenClasses).bytes()).isEqualTo(400_000);
        assertThatThrownBy(() -> new InteractionAccumulator(big, tenClasses))
                .isInstanceOf(MemoryLimitExceededException.class)
                .hasMessageContaining("400000 bytes")
                .hasMessageContaining("restrict the classes")
                .hasMessageContaining("fc")
                .satisfies(e -> assertThat(
                                ((MemoryLimitExceededException) e).estimate().bytes())
                        .isEqualTo(400_000));
        // restricted to two classes: 2 x 100 x 100 x 4 = 80,000 bytes, under the limit
        InteractionOptions twoClasses = InteractionOptions.builder(10, ClassBasis.LABEL)
                .classes(7, 2)
                .memoryLimitBytes(100_000)
                .build();
        assertThat(InteractionAccumulator.estimate(big, twoClasses).bytes()).isEqualTo(80_000);
        assertThat(twoClasses.trackedClasses()).containsExactly(2, 7);
        new InteractionAccumulator(big, twoClasses);
    }

    @Test
    void untrackedClassesAreSkipped() {
        InteractionAccumulator acc = new InteractionAccumulator(
                DENSE,
                InteractionOptions.builder(2, ClassBasis.PREDICTED).classes(1).build());
        acc.accept(CLASSES, INPUT);
        InteractionFrequencies r = acc.result();
        assertThat(r.table().classIds()).containsExactly(1);
        assertThat(r.skippedSamples()).isEqualTo(2);
        assertThat(r.samples()).isEqualTo(2);
        assertThat(r.basis()).isEqualTo(ClassBasis.PREDICTED);
    }

    @Test
    void nonFiniteInputsAreExcluded() {
        InteractionAccumulator acc = new InteractionAccumulator(
                DENSE, InteractionOptions.builder(2, ClassBasis.LABEL).build());
        acc.accept(new int[] {0}, Activations.dense("relu1", new float[] {1f, Float.NaN, 0f}));
        assertThat(acc.result().invalidSamples()).isEqualTo(1);
        assertThat(acc.result().table().isEmpty()).isTrue();
    }

    @Test
    void mergeEqualsOnePass() {
        Random random = new Random(21);
        float[] w = new float[6 * 8];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) random.nextGaussian();
        }
        DenseLayer dense = new DenseLayer("o", "x", 6, 8, w, new float[6]);
        float[][] rows = Activations.randomRows(random, 90, 8, true);
        int[] classes = Activations.randomClasses(random, 90, 3);
        LayerActivations all = Activations.dense("x", rows);
        InteractionOptions opts =
                InteractionOptions.builder(3, ClassBasis.LABEL).build();
        InteractionAccumulator onePass = new InteractionAccumulator(dense, opts);
        onePass.accept(classes, all);
        InteractionAccumulator a = new InteractionAccumulator(dense, opts);
        InteractionAccumulator b = new InteractionAccumulator(dense, opts);
        b.accept(Arrays.copyOfRange(classes, 50, 90), Activations.slice(all, 50, 90));
        a.accept(Arrays.copyOfRange(classes, 0, 50), Activations.slice(all, 0, 50));
        a.merge(b);
        assertThat(a.result()).usingRecursiveComparison().isEqualTo(onePass.result());
    }

    @Test
    void rejectsBadInput() {
        InteractionAccumulator acc = new InteractionAccumulator(
                DENSE, InteractionOptions.builder(2, ClassBasis.LABEL).build());
        assertThatThrownBy(() -> acc.accept(new int[] {0}, Activations.dense("fc2", new float[3])))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("input relu1");
        assertThatThrownBy(() -> acc.accept(new int[] {0}, Activations.dense("relu1", new float[4])))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("n_in = 3");
        assertThatThrownBy(() -> acc.accept(new int[] {2}, Activations.dense("relu1", new float[3])))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class id 2");
        assertThatThrownBy(() -> InteractionOptions.builder(2, ClassBasis.LABEL)
                        .classes(5)
                        .build())
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[0, 2)");
        DenseLayer nan = new DenseLayer("o", "x", 1, 1, new float[] {Float.NaN}, new float[1]);
        assertThatThrownBy(() -> new InteractionAccumulator(
                        nan, InteractionOptions.builder(1, ClassBasis.LABEL).build()))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("NaN or infinite weight");
    }
}
