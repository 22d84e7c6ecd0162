package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.DenseLayer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mahalanobis, KNN, KL-Matching and SHE on inputs small enough to score by hand. */
class FeatureDetectorsTest {
    private static final double EPS = 1e-12;

    @Test
    void mahalanobisOneDimensional() {
        // class 0: {0, 2} (mean 1), class 1: {10, 14} (mean 12); centred: -1, 1, -2, 2 -> Sigma = 10/4 = 2.5.
        // h = 1 -> min(0, 121/2.5) = 0; h = 6 -> min(25/2.5, 36/2.5) = 10.
        MahalanobisDetector m = MahalanobisDetector.accumulator(2)
                .fit(List.of(Inputs.labelledFeatures(new int[] {0, 0, 1, 1}, row(0), row(2), row(10), row(14))));
        assertThat(m.score(Inputs.features(row(1), row(6)))).containsExactly(new double[] {0, 10}, within(EPS));
        assertThat(m.classMean(1)).containsExactly(12.0);
        assertThat(m.covarianceRank()).isEqualTo(1);
    }

    @Test
    void mahalanobisSingularCovarianceUsesThePseudoInverse() {
        // class 0: (1,1), (-1,-1); class 1 none. Sigma = [[1,1],[1,1]] (eigenvalue 2 along (1,1)/sqrt2, 0 across),
        // Sigma^+ = v v^T / 2 = [[1/4,1/4],[1/4,1/4]]; x^T Sigma^+ x = (x1 + x2)^2 / 4.
        // (1,1) -> 1; (1,-1) -> 0 (the null direction does not count); (3,1) -> 4.
        // Class 1 has no samples and takes no part in the minimum.
        MahalanobisDetector m = MahalanobisDetector.accumulator(2)
                .fit(List.of(Inputs.labelledFeatures(new int[] {0, 0}, row(1, 1), row(-1, -1))));
        assertThat(m.covarianceRank()).isEqualTo(1);
        assertThat(m.precision()).containsExactly(new double[] {0.25, 0.25, 0.25, 0.25}, within(EPS));
        assertThat(m.score(Inputs.features(row(1, 1), row(1, -1), row(3, 1))))
                .containsExactly(new double[] {1, 0, 4}, within(EPS));
        assertThatThrownBy(() -> m.classMean(1))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("class 1 had no fit samples");
    }

    @Test
    void mahalanobisMergeEqualsOnePassAndBatchOrderDoesNotMatter() {
        // Property: two accumulators merged give the one-pass detector (up to rounding of sums).
        DetectorInput a = Inputs.labelledFeatures(new int[] {0, 1, 0}, row(1, 2), row(5, 1), row(2, 0));
        DetectorInput b = Inputs.labelledFeatures(new int[] {1, 0, 1}, row(7, 3), row(0, 1), row(6, 6));
        MahalanobisDetector onePass = MahalanobisDetector.accumulator(2).fit(List.of(a, b));
        MahalanobisDetector reversed = MahalanobisDetector.accumulator(2).fit(List.of(b, a));
        MahalanobisDetector.Accumulator left = MahalanobisDetector.accumulator(2);
        left.accept(a);
        MahalanobisDetector.Accumulator right = MahalanobisDetector.accumulator(2);
        right.accept(b);
        left.merge(right);
        DetectorInput probe = Inputs.features(row(3, 3), row(-1, 4), row(10, 0));
        double[] expected = onePass.score(probe);
        assertThat(left.result().score(probe)).containsExactly(expected, within(1e-10));
        assertThat(reversed.score(probe)).containsExactly(expected, within(1e-10));
        // class means by hand: class 0 {(1,2),(2,0),(0,1)} -> (1,1); class 1 {(5,1),(7,3),(6,6)} -> (6,10/3).
        assertThat(onePass.classMean(0)).containsExactly(new double[] {1, 1}, within(EPS));
        assertThat(onePass.classMean(1)).containsExactly(new double[] {6, 10.0 / 3}, within(EPS));
    }

    @Test
    void mahalanobisErrors() {
        assertThatThrownBy(() -> MahalanobisDetector.accumulator(2).result())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no fit samples");
        assertThatThrownBy(
                        () -> MahalanobisDetector.accumulator(2).accept(Inputs.labelledFeatures(new int[] {2}, row(1))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("label of fit sample 0 is 2");
        assertThatThrownBy(() -> MahalanobisDetector.accumulator(2).accept(Inputs.features(row(1))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("needs LABELS");
        MahalanobisDetector m = MahalanobisDetector.accumulator(1)
                .fit(List.of(Inputs.labelledFeatures(new int[] {0, 0}, row(0), row(2))));
        assertThatThrownBy(() -> m.score(Inputs.features(row(1, 2))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("fitted on 1 features, the input has 2");
    }

    @Test
    void knnDistanceToKthNormalisedNeighbour() {
        // fit, normalised: (1,0), (0,1), (-1,0), (0,0) (zero stays zero), (3,0) -> (1,0).
        // query (2,0) -> (1,0): distances 0, sqrt2, 2, 1, 0 -> sorted 0, 0, 1, sqrt2, 2.
        // query (0,0) stays 0: distances 1, 1, 1, 0, 1 -> sorted 0, 1, 1, 1, 1.
        DetectorInput fit = Inputs.features(row(1, 0), row(0, 1), row(-1, 0), row(0, 0), row(3, 0));
        DetectorInput query = Inputs.features(row(2, 0), row(0, 0));
        assertThat(KnnDetector.accumulator(1).fit(List.of(fit)).score(query))
                .containsExactly(new double[] {0, 0}, within(EPS));
        assertThat(KnnDetector.accumulator(2).fit(List.of(fit)).score(query))
                .containsExactly(new double[] {0, 1}, within(EPS));
        KnnDetector k4 = KnnDetector.accumulator(4).fit(List.of(fit));
        assertThat(k4.score(query)).containsExactly(new double[] {Math.sqrt(2), 1}, within(EPS));
        assertThat(k4.k()).isEqualTo(4);
        assertThat(k4.fitSize()).isEqualTo(5);
        assertThat(KnnDetector.accumulator()
                        .fit(List.of(Inputs.features(new float[50][2])))
                        .k())
                .isEqualTo(50);
        assertThatThrownBy(() -> KnnDetector.accumulator(6).fit(List.of(fit)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("needs at least 6 fit samples, got 5");
    }

    @Test
    void knnBlocksGiveTheSameScoresAsOneSampleAtATime() {
        // Property: a batch of 37 samples (3 blocks of up to 16) scores each sample exactly as scoring it alone,
        // and as a direct sort of its squared distances.
        java.util.Random random = new java.util.Random(5);
        float[][] fitRows = new float[60][6];
        float[][] probeRows = new float[37][6];
        for (float[][] rows : new float[][][] {fitRows, probeRows}) {
            for (float[] r : rows) {
                for (int j = 0; j < 6; j++) {
                    r[j] = (float) random.nextGaussian();
                }
            }
        }
        KnnDetector knn = KnnDetector.accumulator(7).fit(List.of(Inputs.features(fitRows)));
        double[] batch = knn.score(Inputs.features(probeRows));
        for (int i = 0; i < probeRows.length; i++) {
            assertThat(knn.score(Inputs.features(probeRows[i]))[0]).isEqualTo(batch[i]);
            double[] q = new double[6];
            KnnDetector.normalise(probeRows[i], 0, 6, q, 0);
            double[] d = new double[fitRows.length];
            for (int s = 0; s < fitRows.length; s++) {
                double[] f = new double[6];
                KnnDetector.normalise(fitRows[s], 0, 6, f, 0);
                for (int j = 0; j < 6; j++) {
                    d[s] += (q[j] - f[j]) * (q[j] - f[j]);
                }
            }
            java.util.Arrays.sort(d);
            assertThat(batch[i]).isCloseTo(Math.sqrt(d[6]), within(1e-15)); // summation order differs
        }
    }

    @Test
    void klMatchingTemplatesFromPredictedClasses() {
        // fit: z = [0,0] (tie -> class 0, p = [.5,.5]) and z = [ln3, 0] (class 0, p = [.75,.25]) -> d0 = [.625,.375];
        // z = [0, ln3] (class 1, p = [.25,.75]) -> d1 = [.25,.75].
        // probe p = [.5,.5]: KL(p||d0) = .5 ln(.5/.625) + .5 ln(.5/.375) = .5 ln(16/15);
        //                    KL(p||d1) = .5 ln 2 + .5 ln(2/3) = .5 ln(4/3); min = .5 ln(16/15).
        // probe p = [.25,.75] equals d1: 0. (ln 3 is rounded to float: tolerance 1e-6.)
        double ln3 = Math.log(3);
        KlMatchingDetector kl =
                KlMatchingDetector.accumulator(2).fit(List.of(Inputs.logits(row(0, 0), row(ln3, 0), row(0, ln3))));
        assertThat(kl.template(0)).containsExactly(new double[] {0.625, 0.375}, within(1e-6));
        assertThat(kl.score(Inputs.logits(row(0, 0), row(0, ln3))))
                .containsExactly(new double[] {0.5 * Math.log(16.0 / 15), 0}, within(1e-6));
    }

    @Test
    void klMatchingSkipsClassesNobodyIsPredictedAs() {
        // only class 0 is predicted in the fit set: d0 = softmax([1,0,0]); the probe equal to it scores 0.
        KlMatchingDetector kl = KlMatchingDetector.accumulator(3).fit(List.of(Inputs.logits(row(1, 0, 0))));
        assertThat(kl.score(Inputs.logits(row(1, 0, 0)))[0]).isCloseTo(0, within(EPS));
        assertThatThrownBy(() -> kl.template(2)).isInstanceOf(OodException.class);
        assertThatThrownBy(() -> kl.score(Inputs.logits(row(1, 0))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("logits have width 2 but the detector was set up for 3 classes");
    }

    @Test
    void sheUsesCorrectlyClassifiedMeans() {
        // fit: (h (1,0), z (1,0), y 0) correct; (h (3,2), z (2,0), y 0) correct; (h (0,4), z (1,0), y 1) wrong;
        //      (h (0,2), z (0,1), y 1) correct. S0 = (2,1), S1 = (0,2).
        // probe h (1,1): predicted 1 -> -(0 + 2) = -2; predicted 0 -> -(2 + 1) = -3.
        DetectorInput fit = DetectorInput.builder(4)
                .logits(new float[][] {row(1, 0), row(2, 0), row(1, 0), row(0, 1)})
                .features(new float[][] {row(1, 0), row(3, 2), row(0, 4), row(0, 2)})
                .labels(new int[] {0, 0, 1, 1})
                .build();
        SheDetector she = SheDetector.accumulator(2).fit(List.of(fit));
        assertThat(she.pattern(0)).containsExactly(2.0, 1.0);
        assertThat(she.pattern(1)).containsExactly(0.0, 2.0);
        DetectorInput probe =
                Inputs.logitsAndFeatures(new float[][] {row(0, 5), row(5, 0)}, new float[][] {row(1, 1), row(1, 1)});
        assertThat(she.score(probe)).containsExactly(-2.0, -3.0);
    }

    @Test
    void sheScoresInfinityForAClassWithoutPattern() {
        DetectorInput fit = DetectorInput.builder(1)
                .logits(new float[][] {row(1, 0, 0)})
                .features(new float[][] {row(1)})
                .labels(new int[] {0})
                .build();
        SheDetector she = SheDetector.accumulator(3).fit(List.of(fit));
        DetectorInput probe =
                Inputs.logitsAndFeatures(new float[][] {row(0, 0, 1), row(1, 0, 0)}, new float[][] {row(2), row(2)});
        assertThat(she.score(probe)).containsExactly(Double.POSITIVE_INFINITY, -2.0);
    }

    static DenseLayer identity2() {
        return Inputs.dense(new float[][] {row(1, 0), row(0, 1)}, row(0, 0));
    }
}
