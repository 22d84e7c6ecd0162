package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeClassifierTest {
    private static final double PHI0 = 1 / Math.sqrt(2 * Math.PI);

    private static double phi(double z) {
        return PHI0 * Math.exp(-0.5 * z * z);
    }

    private static NodeClassifier fit(int numClasses, int[] classes, float[]... rows) {
        StatsOptions opts = StatsOptions.builder(numClasses, ClassBasis.LABEL).build();
        NodeClassifierFitAccumulator acc = new NodeClassifierFitAccumulator(opts, "l", new int[] {rows[0].length});
        acc.accept(classes, Activations.dense("l", rows));
        return acc.result();
    }

    private static double[] posterior(NodeClassifier classifier, int node, float a, KdeMode mode) {
        double[] out = new double[classifier.numClasses()];
        classifier.logPosterior(node, a, mode, out);
        return out;
    }

    /*
     * One node, K = 2. Fit: (c0, 1), (c1, 3), (c0, 0), (c0, -1).
     * Off: N_0^off = 2, N_1^off = 0, N^off = 2 -> P(c | off) = (N_c^off + 1) / (N^off + K) = [3/4, 1/4].
     * On: one value per class -> each class uses the pooled bandwidth. Pooled {1, 3}: mean 2, sample sd
     * sqrt((1 + 1) / 1) = sqrt 2, h = 1.06 sqrt(2) 2^(-1/5). N_c^on + 1 = 2 for both, so
     * P(0 | a) = phi((a - 1)/h) / (phi((a - 1)/h) + phi((a - 3)/h)) = 1 / (1 + exp((2a - 4) / h^2)).
     */
    private static NodeClassifier singlePointClasses() {
        return fit(2, new int[] {0, 1, 0, 0}, new float[] {1f}, new float[] {3f}, new float[] {0f}, new float[] {-1f});
    }

    @Test
    void singlePointClassesUseThePooledBandwidth() {
        NodeClassifier classifier = singlePointClasses();
        assertThat(classifier.layer()).isEqualTo("l");
        assertThat(classifier.nodes()).isEqualTo(1);
        assertThat(classifier.fitSamples()).isEqualTo(4);
        assertThat(classifier.unitShape()).containsExactly(1);
        double h = 1.06 * Math.sqrt(2) * Math.pow(2, -0.2);
        assertThat(classifier.pooledBandwidth(0)).isCloseTo(h, within(1e-15));
        assertThat(classifier.bandwidth(0, 0)).isCloseTo(h, within(1e-15));
        assertThat(classifier.bandwidth(0, 1)).isCloseTo(h, within(1e-15));
        for (KdeMode mode : KdeMode.values()) {
            for (float a : new float[] {1f, 2.5f, 3f, 40f}) {
                double p0 = 1 / (1 + Math.exp((2.0 * a - 4) / (h * h)));
                double[] logP = posterior(classifier, 0, a, mode);
                assertThat(Math.exp(logP[0])).as("a = %s, %s", a, mode).isCloseTo(p0, within(1e-12));
                assertThat(Math.exp(logP[1])).isCloseTo(1 - p0, within(1e-12));
            }
        }
    }

    @Test
    void offEstimateIsTheSmoothedClassShare() {
        double[] logP = posterior(singlePointClasses(), 0, 0f, KdeMode.EXACT);
        assertThat(logP[0]).isCloseTo(Math.log(3.0 / 4), within(1e-15));
        assertThat(logP[1]).isCloseTo(Math.log(1.0 / 4), within(1e-15));
        // -0.5 is off too (S1: a > 0)
        assertThat(posterior(singlePointClasses(), 0, -0.5f, KdeMode.FAST)).containsExactly(logP);
    }

    @Test
    void classWithoutOnValuesUsesThePooledKde() {
        /*
         * K = 3, one node. c0 on {1, 2}, c1 on {4}, c2 only off {0}.
         * c0: own bandwidth h0 = 1.06 sd({1, 2}) 2^(-1/5), sd = sqrt(0.5).
         * Pooled {1, 2, 4}: mean 7/3, sample variance (16/9 + 1/9 + 25/9) / 2 = 7/3, hp = 1.06 sqrt(7/3) 3^(-1/5).
         * c1 (one value) uses hp on {4}; c2 (none) uses the pooled KDE. Weights N_c^on + 1 = 3, 2, 1.
         * At a = 2: t0 = 3 (phi(1/h0) + phi(0)) / (2 h0), t1 = 2 phi(-2/hp) / hp,
         *           t2 = 1 (phi(1/hp) + phi(0) + phi(-2/hp)) / (3 hp); P = t / sum t.
         */
        NodeClassifier classifier =
                fit(3, new int[] {0, 0, 1, 2}, new float[] {1f}, new float[] {2f}, new float[] {4f}, new float[] {0f});
        double h0 = 1.06 * Math.sqrt(0.5) * Math.pow(2, -0.2);
        double hp = 1.06 * Math.sqrt(7.0 / 3) * Math.pow(3, -0.2);
        assertThat(classifier.bandwidth(0, 0)).isCloseTo(h0, within(1e-15));
        assertThat(classifier.bandwidth(0, 1)).isCloseTo(hp, within(1e-15));
        assertThat(classifier.bandwidth(0, 2)).isNaN();
        assertThat(classifier.pooledBandwidth(0)).isCloseTo(hp, within(1e-15));
        double t0 = 3 * (phi(1 / h0) + phi(0)) / (2 * h0);
        double t1 = 2 * phi(-2 / hp) / hp;
        double t2 = (phi(1 / hp) + phi(0) + phi(-2 / hp)) / (3 * hp);
        double sum = t0 + t1 + t2;
        for (KdeMode mode : KdeMode.values()) {
            double[] logP = posterior(classifier, 0, 2f, mode);
            assertThat(logP[0]).isCloseTo(Math.log(t0 / sum), within(1e-13));
            assertThat(logP[1]).isCloseTo(Math.log(t1 / sum), within(1e-13));
            assertThat(logP[2]).isCloseTo(Math.log(t2 / sum), within(1e-13));
        }
    }

    @Test
    void discreteOnEstimateWhenThePooledBandwidthIsZeroOrTheNodeNeverFired() {
        // node 0 on-values c0 {2, 2}, c1 {2}: pooled sd 0 -> P(c | on) = (N_c^on + 1) / (N^on + K) = [3/5, 2/5].
        // node 1 never fires -> P(c | on) = (0 + 1) / (0 + 2) = 1/2 each.
        NodeClassifier classifier =
                fit(2, new int[] {0, 0, 1}, new float[] {2f, 0f}, new float[] {2f, 0f}, new float[] {2f, -1f});
        assertThat(classifier.pooledBandwidth(0)).isZero();
        double[] logP = posterior(classifier, 0, 7f, KdeMode.EXACT);
        assertThat(logP[0]).isCloseTo(Math.log(3.0 / 5), within(1e-15));
        assertThat(logP[1]).isCloseTo(Math.log(2.0 / 5), within(1e-15));
        double[] never = posterior(classifier, 1, 5f, KdeMode.FAST);
        assertThat(never[0]).isCloseTo(Math.log(0.5), within(1e-15));
        assertThat(never[1]).isCloseTo(Math.log(0.5), within(1e-15));
    }

    /*
     * Two nodes, K = 2. Fit (class, [a0, a1]): (c0, [0, 5]), (c0, [0, 6]), (c0, [0, 7]), (c1, [1, 0]).
     * Node 0: off c0 3, c1 0 -> P(.|off) = [4/5, 1/5]; on only {1} (c1): one on-value, sd undefined -> pooled
     *         bandwidth 0 -> discrete (N_c^on + 1) / (N^on + K) = [1/3, 2/3].
     * Node 1: off c0 0, c1 1 -> P(.|off) = [1/3, 2/3].
     * Evaluation:
     *   (c0, [0, 0]): node 0 -> c0 (right); node 1 -> c1 (wrong); layer ln(4/5 * 1/3) > ln(1/5 * 2/3) -> c0 (right)
     *   (c1, [0, 0]): node 0 wrong, node 1 right, layer c0 (wrong)
     *   (c1, [1, 0]): node 0 on -> [1/3, 2/3] -> c1 (right); node 1 right; layer ln(1/9) < ln(4/9) -> c1 (right)
     * Layer accuracy 2/3; node accuracies [2/3, 2/3].
     */
    @Test
    void layerPredictionSumsTheNodesLogProbabilities() {
        NodeClassifier classifier = fit(
                2,
                new int[] {0, 0, 0, 1},
                new float[] {0f, 5f},
                new float[] {0f, 6f},
                new float[] {0f, 7f},
                new float[] {1f, 0f});
        NodeClassifierEvaluationAccumulator eval = classifier.evaluation(KdeMode.FAST);
        eval.accept(
                new int[] {0, 1, 1},
                Activations.dense("l", new float[] {0f, 0f}, new float[] {0f, 0f}, new float[] {1f, 0f}));
        NodeClassifierResult r = eval.result();
        assertThat(r.samples()).isEqualTo(3);
        assertThat(r.layerCorrect()).isEqualTo(2);
        assertThat(r.layerAccuracy()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(r.nodeCorrect()).containsExactly(2L, 2L);
        assertThat(r.nodeAccuracies()).containsExactly(2.0 / 3, 2.0 / 3);
        assertThat(r.nodeAccuracy(1)).isEqualTo(2.0 / 3);
    }

    @Test
    void tiesGoToTheLowestClass() {
        // singlePointClasses at a = 2: P(0 | 2) = 1 / (1 + e^0) = 1/2 exactly (symmetric) -> class 0.
        assertThat(NodeClassifierEvaluationAccumulator.argmax(new double[] {-1, -0.5, -0.5}))
                .isEqualTo(1);
        NodeClassifierEvaluationAccumulator eval = singlePointClasses().evaluation(KdeMode.EXACT);
        eval.accept(new int[] {0, 1}, Activations.dense("l", new float[] {2f}, new float[] {2f}));
        assertThat(eval.result().layerCorrect()).isEqualTo(1);
        assertThat(eval.result().nodeCorrect()).containsExactly(1L);
    }

    @Test
    void fastKdeEqualsExactWithinOneInABillion() {
        Random random = new Random(17);
        for (int trial = 0; trial < 40; trial++) {
            int n = 2 + random.nextInt(trial < 35 ? 300 : 20000);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                // clusters at several scales plus outliers
                values[i] = random.nextInt(4) * 10
                        + random.nextGaussian() * (random.nextBoolean() ? 0.05 : 2)
                        + (random.nextInt(50) == 0 ? 500 : 0);
            }
            Arrays.sort(values);
            double h = trial % 2 == 0 ? GaussianKde.silverman(values) : 0.01 + random.nextDouble();
            GaussianKde kde = new GaussianKde(values, h);
            for (int q = 0; q < 50; q++) {
                double a = q < 45
                        ? values[random.nextInt(n)] + random.nextGaussian() * 10 * h
                        : values[0] - 1e4 * random.nextDouble();
                double exact = kde.logDensityExact(a);
                double fast = kde.logDensityFast(a);
                assertThat(Double.isFinite(exact)).isTrue();
                // relative difference of the densities: |e^(fast - exact) - 1| <= 1e-9
                assertThat(Math.abs(Math.expm1(fast - exact)))
                        .as("n %d h %s a %s", n, h, a)
                        .isLessThanOrEqualTo(1e-9);
            }
        }
    }

    @Test
    void kdeOfOnePointInClosedForm() {
        // one value 0, h = 2: log kde(3) = ln phi(3/2) - ln 2, even far away where phi underflows as a density
        GaussianKde kde = new GaussianKde(new double[] {0.0}, 2.0);
        assertThat(kde.logDensityExact(3)).isCloseTo(Math.log(phi(1.5)) - Math.log(2), within(1e-14));
        // a = 200: -0.5 * 100^2 - ln 2 - ln sqrt(2 pi), finite although e^-5000 underflows
        double far = -5000 - Math.log(2) - 0.5 * Math.log(2 * Math.PI);
        assertThat(kde.logDensityExact(200)).isCloseTo(far, within(1e-9));
        assertThat(kde.logDensityFast(200)).isCloseTo(far, within(1e-9));
    }

    @Test
    void mergedFitEqualsOnePass() {
        Random random = new Random(23);
        float[][] rows = Activations.randomRows(random, 120, 5, true);
        int[] classes = Activations.randomClasses(random, 120, 3);
        LayerActivations all = Activations.dense("l", rows);
        StatsOptions opts = StatsOptions.builder(3, ClassBasis.LABEL).build();
        NodeClassifierFitAccumulator onePass = new NodeClassifierFitAccumulator(opts, "l", new int[] {5});
        onePass.accept(classes, all);
        NodeClassifierFitAccumulator a = new NodeClassifierFitAccumulator(opts, "l", new int[] {5});
        NodeClassifierFitAccumulator b = new NodeClassifierFitAccumulator(opts, "l", new int[] {5});
        b.accept(Arrays.copyOfRange(classes, 60, 120), Activations.slice(all, 60, 120));
        a.accept(Arrays.copyOfRange(classes, 0, 60), Activations.slice(all, 0, 60));
        a.merge(b);
        NodeClassifier merged = a.result();
        NodeClassifier single = onePass.result();
        double[] x = new double[3];
        double[] y = new double[3];
        for (int node = 0; node < 5; node++) {
            for (float v : new float[] {-1f, 0f, 0.01f, 0.5f, 1f, 3f, 100f}) {
                merged.logPosterior(node, v, KdeMode.EXACT, x);
                single.logPosterior(node, v, KdeMode.EXACT, y);
                assertThat(x).containsExactly(y);
            }
        }
        // evaluation: merge of parts equals one pass
        NodeClassifierEvaluationAccumulator whole = single.evaluation(KdeMode.FAST);
        whole.accept(classes, all);
        NodeClassifierEvaluationAccumulator first = single.evaluation(KdeMode.FAST);
        NodeClassifierEvaluationAccumulator second = single.evaluation(KdeMode.FAST);
        first.accept(Arrays.copyOfRange(classes, 0, 33), Activations.slice(all, 0, 33));
        second.accept(Arrays.copyOfRange(classes, 33, 120), Activations.slice(all, 33, 120));
        first.merge(second);
        assertThat(first.result()).usingRecursiveComparison().isEqualTo(whole.result());
        assertThat(whole.result().samples()).isEqualTo(120);
    }

    @Test
    void emptyInputsAreDefined() {
        StatsOptions opts = StatsOptions.builder(2, ClassBasis.LABEL).build();
        NodeClassifierFitAccumulator empty = new NodeClassifierFitAccumulator(opts, "l", new int[] {1});
        assertThatThrownBy(empty::result)
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("saw no valid fit sample");
        NodeClassifierResult none =
                singlePointClasses().evaluation(KdeMode.EXACT).result();
        assertThat(none.samples()).isZero();
        assertThatThrownBy(none::layerAccuracy)
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("evaluated no valid sample");
        NodeClassifierEvaluationAccumulator eval = singlePointClasses().evaluation(KdeMode.EXACT);
        eval.accept(new int[] {0}, Activations.dense("l", new float[] {Float.NaN}));
        assertThat(eval.result().invalidSamples()).isEqualTo(1);
        assertThatThrownBy(() -> singlePointClasses().logPosterior(0, Float.NaN, KdeMode.EXACT, new double[2]))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("finite");
        NodeClassifierEvaluationAccumulator other = singlePointClasses().evaluation(KdeMode.EXACT);
        assertThatThrownBy(() -> eval.merge(other))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same NodeClassifier");
    }
}
