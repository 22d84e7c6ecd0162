package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NAP Hamming, activation-profile KL and pattern distance on a 3-unit layer "relu". */
class PatternDetectorsTest {
    private static final double EPS = 1e-12;
    private static final double INF = Double.POSITIVE_INFINITY;

    private static DetectorInput input(float[][] logits, float[][] activations, int[] labels) {
        DetectorInput.Builder b =
                DetectorInput.builder(logits.length).logits(logits).layer(Inputs.layer("relu", activations));
        if (labels != null) {
            b.labels(labels);
        }
        return b.build();
    }

    @Test
    void napHammingToNearestPatternOfThePredictedClass() {
        // fit, grouped by PREDICTED class: class 0 <- [0.5,0,2] -> 101 and [1,3,-1] -> 110 (and 110 again);
        // class 1 <- [0,0,4] -> 001. Probe [0.2,0.1,0] -> 110: predicted 0 -> 0; predicted 1 -> distance to 001 = 3.
        DetectorInput fit = input(
                new float[][] {row(1, 0), row(1, 0), row(1, 0), row(0, 1)},
                new float[][] {row(0.5, 0, 2), row(1, 3, -1), row(2, 2, 0), row(0, 0, 4)},
                null);
        NapDetector nap = NapDetector.accumulator("relu", 2).fit(List.of(fit));
        assertThat(nap.patternCount(0)).isEqualTo(2);
        assertThat(nap.patternCount(1)).isEqualTo(1);
        assertThat(nap.name()).isEqualTo("nap_hamming[relu]");
        assertThat(nap.layer()).contains("relu");
        DetectorInput probe = input(
                new float[][] {row(1, 0), row(0, 1), row(1, 0)},
                new float[][] {row(0.2, 0.1, 0), row(0.2, 0.1, 0), row(0, 0, 1)},
                null);
        // third probe 001, predicted 0: to 101 -> 1, to 110 -> 3 -> 1.
        assertThat(nap.score(probe)).containsExactly(0.0, 3.0, 1.0);
    }

    @Test
    void napUsesTauAndManyWordsAndScoresInfinityForUnseenClasses() {
        // 70 units: bits 0 and 65 live in different words. tau = 0.5: 0.5 is not active (strictly greater).
        float[] a = new float[70];
        a[0] = 1;
        a[65] = 0.5f;
        float[] b = new float[70];
        b[0] = 1;
        b[65] = 0.7f;
        b[69] = 0.6f;
        DetectorInput fit = DetectorInput.builder(1)
                .logits(new float[][] {row(1, 0, 0)})
                .layer(Inputs.layer("relu", a))
                .build();
        NapDetector nap = NapDetector.accumulator("relu", 3, 0.5).fit(List.of(fit));
        // fit pattern {0}; probe {0, 65, 69} predicted 0 -> 2; the same predicted 2 (no fit pattern) -> +inf.
        DetectorInput probe = DetectorInput.builder(2)
                .logits(new float[][] {row(1, 0, 0), row(0, 0, 1)})
                .layer(Inputs.layer("relu", b, b))
                .build();
        assertThat(nap.score(probe)).containsExactly(2.0, INF);
    }

    @Test
    void profileKlMatchesItsClosedForm() {
        // fit, TRUE labels 0 (the logits predict class 1 - they must not matter): [1,0,1], [1,1,0] -> counts [2,1,1],
        // N0 = 2, F0 = [1, .5, .5]. alpha = 0.5: F + alpha = [1.5, 1, 1], sum 3.5 -> P0 = [3/7, 2/7, 2/7].
        // probe 101 predicted 0: m = 2 -> -ln 2 - (ln 3/7 + ln 2/7)/2
        //   (= KL([.5,0,.5] || P0) = .5 ln(.5/(3/7)) + .5 ln(.5/(2/7))).
        // probe 000 -> +inf (no active unit); probe predicted 1 (no class-1 fit samples) -> +inf.
        DetectorInput fit = input(
                new float[][] {row(0, 1), row(0, 1)}, new float[][] {row(1, 0, 1), row(1, 1, 0)}, new int[] {0, 0});
        ProfileKlDetector kl = ProfileKlDetector.accumulator("relu", 2, 0, 0.5).fit(List.of(fit));
        assertThat(kl.logProfile(0))
                .containsExactly(new double[] {Math.log(3.0 / 7), Math.log(2.0 / 7), Math.log(2.0 / 7)}, within(EPS));
        DetectorInput probe = input(
                new float[][] {row(1, 0), row(1, 0), row(0, 1)},
                new float[][] {row(1, 0, 1), row(0, 0, 0), row(1, 0, 1)},
                null);
        double expected = 0.5 * Math.log(0.5 / (3.0 / 7)) + 0.5 * Math.log(0.5 / (2.0 / 7));
        double[] s = kl.score(probe);
        assertThat(s[0]).isCloseTo(expected, within(EPS));
        assertThat(s[0]).isCloseTo(-Math.log(2) - (Math.log(3.0 / 7) + Math.log(2.0 / 7)) / 2, within(EPS));
        assertThat(s[1]).isEqualTo(INF);
        assertThat(s[2]).isEqualTo(INF);
        assertThat(kl.name()).isEqualTo("profile_kl[relu]");
        // default alpha is 1e-6
        assertThat(ProfileKlDetector.DEFAULT_ALPHA).isEqualTo(1e-6);
    }

    @Test
    void patternDistanceIsOneMinusCosineToTheClassFrequencies() {
        // F0 = [1, .5, .5] as above, ||F0|| = sqrt(1.5). Probe 101 (m = 2): cos = 1.5 / (sqrt2 sqrt1.5) = sqrt(3/4)
        // -> 1 - sqrt(3)/2; from the counts C0 = [2, 1, 1]: (2 + 1) / (sqrt2 sqrt6) = sqrt(3/4), the same.
        // Probe 000: cosine 0 by definition -> 1. Predicted class 1 (no fit samples) -> +inf.
        DetectorInput fit = input(
                new float[][] {row(0, 1), row(0, 1)}, new float[][] {row(1, 0, 1), row(1, 1, 0)}, new int[] {0, 0});
        PatternDistanceDetector pd =
                PatternDistanceDetector.accumulator("relu", 2).fit(List.of(fit));
        assertThat(pd.frequencies(0)).containsExactly(1.0, 0.5, 0.5);
        assertThat(pd.counts(0)).containsExactly(2, 1, 1);
        DetectorInput probe = input(
                new float[][] {row(1, 0), row(1, 0), row(0, 1)},
                new float[][] {row(1, 0, 1), row(0, 0, 0), row(1, 0, 1)},
                null);
        assertThat(pd.score(probe)).containsExactly(new double[] {1 - Math.sqrt(3) / 2, 1, INF}, within(EPS));
        assertThatThrownBy(() -> pd.frequencies(1)).isInstanceOf(OodException.class);
    }

    @Test
    void patternDistanceCosineComesFromIntegerCounts() {
        // class 0 fit patterns 1001, 1001, 1100 -> counts C0 = [3, 1, 0, 2], N0 = 3 (the activation values do not
        // matter, only > 0). Probe 1001 predicted 0, active set {0, 3}:
        //   cosine = (3 + 2) / (sqrt(2) * sqrt(9 + 1 + 0 + 4)) = 5 / sqrt(28) -> score 1 - 5 / sqrt(28) (~0.0551).
        // Probe 0010 predicted 0: C_2 = 0, so the cosine is 0 / (1 * sqrt(14)) = 0 -> 1.
        DetectorInput fit = input(
                new float[][] {row(1, 0), row(1, 0), row(1, 0)},
                new float[][] {row(0.5, 0, 0, 2), row(3, -1, 0, 0.25), row(1, 7, -2, 0)},
                new int[] {0, 0, 0});
        PatternDistanceDetector pd =
                PatternDistanceDetector.accumulator("relu", 2).fit(List.of(fit));
        assertThat(pd.counts(0)).containsExactly(3, 1, 0, 2);
        assertThat(pd.frequencies(0)).containsExactly(1.0, 1.0 / 3, 0.0, 2.0 / 3);
        DetectorInput probe =
                input(new float[][] {row(1, 0), row(1, 0)}, new float[][] {row(0.1, 0, -3, 9), row(0, 0, 4, 0)}, null);
        double[] s = pd.score(probe);
        assertThat(s[0]).isCloseTo(1 - 5 / Math.sqrt(28), within(1e-15));
        assertThat(s[1]).isEqualTo(1.0);
        assertThatThrownBy(() -> pd.counts(2)).isInstanceOf(OodException.class).hasMessageContaining("outside [0, 2)");
    }

    @Test
    void tiedPatternsGetBitIdenticalScores() {
        // class 0: ten fit samples with patterns 1110, 0110, 0010 and seven 0000 -> C0 = [1, 2, 3, 0], N0 = 10,
        // F0 = [0.1, 0.2, 0.3, 0]. Every probe below is predicted 0 and has |A| = 2 and sum_{j in A} C_j = 3:
        //   1100 (three times, with very different activation values): 1 + 2 = 3;  0011: 3 + 0 = 3.
        // cosine = 3 / (sqrt(2) * sqrt(1 + 4 + 9 + 0)) = 3 / sqrt(28) for all of them. Summed as floats the ties
        // split: 0.1 + 0.2 = 0.30000000000000004 but 0.3 + 0 = 0.3; the integer sums keep them exact.
        float[][] fitRows = new float[10][];
        fitRows[0] = row(1, 1, 1, 0);
        fitRows[1] = row(0, 2, 5, 0);
        fitRows[2] = row(0, 0, 0.5, -1);
        for (int i = 3; i < 10; i++) {
            fitRows[i] = row(0, -1, 0, 0);
        }
        float[][] logits = new float[10][];
        Arrays.fill(logits, row(1, 0));
        DetectorInput fit = input(logits, fitRows, new int[10]);
        PatternDistanceDetector pd =
                PatternDistanceDetector.accumulator("relu", 2).fit(List.of(fit));
        assertThat(pd.counts(0)).containsExactly(1, 2, 3, 0);
        DetectorInput probe = input(
                new float[][] {row(1, 0), row(2, 1), row(5, -5), row(1, 0)},
                new float[][] {row(0.7, 3.1, -1, 0), row(100, 1e-3, 0, -5), row(1e-30, 7e20, 0, 0), row(0, 0, 2, 5)},
                null);
        double[] s = pd.score(probe);
        assertThat(s[1]).isEqualTo(s[0]);
        assertThat(s[2]).isEqualTo(s[0]);
        assertThat(s[3]).isEqualTo(s[0]);
        assertThat(s[0]).isCloseTo(1 - 3 / Math.sqrt(28), within(1e-15));
    }

    @Test
    void profileMergeEqualsOnePass() {
        DetectorInput a = input(new float[][] {row(1, 0)}, new float[][] {row(1, 0, 1)}, new int[] {0});
        DetectorInput b = input(
                new float[][] {row(1, 0), row(0, 1)}, new float[][] {row(1, 1, 0), row(0, 0, 3)}, new int[] {0, 1});
        ProfileKlDetector.Accumulator left = ProfileKlDetector.accumulator("relu", 2);
        left.accept(a);
        ProfileKlDetector.Accumulator right = ProfileKlDetector.accumulator("relu", 2);
        right.accept(b);
        left.merge(right);
        ProfileKlDetector onePass = ProfileKlDetector.accumulator("relu", 2).fit(List.of(a, b));
        assertThat(left.result().logProfile(0)).containsExactly(onePass.logProfile(0));
        assertThat(left.result().logProfile(1)).containsExactly(onePass.logProfile(1));
    }

    @Test
    void patternDetectorsNeedTheirLayerAndLabels() {
        DetectorInput noLabels = input(new float[][] {row(1, 0)}, new float[][] {row(1, 0, 1)}, null);
        assertThatThrownBy(() -> ProfileKlDetector.accumulator("relu", 2).accept(noLabels))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("needs LABELS");
        assertThatThrownBy(() -> NapDetector.accumulator("conv", 2).accept(noLabels))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no activations of layer 'conv'");
        NapDetector nap = NapDetector.accumulator("relu", 2).fit(List.of(noLabels));
        DetectorInput fourUnits = DetectorInput.builder(1)
                .logits(new float[][] {row(1, 0)})
                .layer(Inputs.layer("relu", row(1, 0, 1, 1)))
                .build();
        assertThatThrownBy(() -> nap.score(fourUnits))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("fitted on 3 units of layer relu, the input has 4");
    }
}
