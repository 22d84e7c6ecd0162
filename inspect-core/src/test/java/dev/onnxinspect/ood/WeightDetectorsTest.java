package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.DenseLayer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReAct, ASH, DICE and ViM on tiny dense layers. */
class WeightDetectorsTest {
    private static final double EPS = 1e-12;
    private static final DenseLayer IDENTITY = Inputs.dense(new float[][] {row(1, 0), row(0, 1)}, row(0, 0));
    /** One output summing four inputs: energy = -z = -(sum of h'). */
    private static final DenseLayer SUM4 = Inputs.dense(new float[][] {row(1, 1, 1, 1)}, row(0));

    @Test
    void reactClipsAtTheType7PercentileOfAllFitEntries() {
        // fit entries 0..9; 90th type 7: h = 9 * 0.9 = 8.1 -> 8 + 0.1 * (9 - 8) = 8.1.
        // h = [10, 1] -> [8.1, 1] -> -ln(e^8.1 + e); h = [1, 2] unclipped -> -ln(e + e^2).
        DetectorInput fit = Inputs.features(row(0, 1), row(2, 3), row(4, 5), row(6, 7), row(8, 9));
        ReactDetector react = ReactDetector.accumulator(IDENTITY).fit(List.of(fit));
        assertThat(react.threshold()).isCloseTo(8.1, within(EPS));
        assertThat(react.score(Inputs.features(row(10, 1), row(1, 2))))
                .containsExactly(
                        new double[] {-Math.log(Math.exp(8.1) + Math.E), -Math.log(Math.E + Math.exp(2))},
                        within(1e-9));
        // percentile 50: h = 4.5 -> 4.5; temperature 2 on h=[10,1] -> [4.5, 1] -> -2 ln(e^2.25 + e^0.5).
        ReactDetector half = ReactDetector.accumulator(IDENTITY, 50, 2).fit(List.of(fit));
        assertThat(half.threshold()).isCloseTo(4.5, within(EPS));
        assertThat(half.score(Inputs.features(row(10, 1)))[0])
                .isCloseTo(-2 * Math.log(Math.exp(2.25) + Math.exp(0.5)), within(1e-9));
    }

    @Test
    void logitsWiderThanWeightRowsAreRejected() {
        ReactDetector react = ReactDetector.accumulator(IDENTITY).fit(List.of(Inputs.features(row(0, 1))));
        DetectorInput wrong = Inputs.logitsAndFeatures(new float[][] {row(0, 1, 2)}, new float[][] {row(0, 1)});
        assertThatThrownBy(() -> react.score(wrong))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("logits have width 3 but W of dense layer logits has 2 rows");
        assertThatThrownBy(() -> react.score(Inputs.features(row(1, 2, 3))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("features have width 3 but the dense layer logits reads 2 inputs");
    }

    @Test
    void ashVariantsOnFourFeatures() {
        // n = 4, p = 0.5 -> k = 4 - rint(2) = 2. h = [1, 3, 3, 2]: kept indices 1, 2; sum(h) = 9, sum(kept) = 6.
        // P: [0,3,3,0] -> z = 6 -> -6.  B: every kept = 9/2 -> z = 9 -> -9.  S: kept * e^(9/6) -> z = 6 e^1.5.
        DetectorInput h = Inputs.features(row(1, 3, 3, 2));
        AshDetector p = AshDetector.create(SUM4, AshDetector.Variant.P, 0.5, 1);
        assertThat(p.keptCount()).isEqualTo(2);
        assertThat(p.name()).isEqualTo("ash_p");
        assertThat(p.score(h)[0]).isCloseTo(-6, within(EPS));
        assertThat(AshDetector.create(SUM4, AshDetector.Variant.B, 0.5, 1).score(h)[0])
                .isCloseTo(-9, within(EPS));
        assertThat(AshDetector.create(SUM4, AshDetector.Variant.S, 0.5, 1).score(h)[0])
                .isCloseTo(-6 * Math.exp(1.5), within(1e-9));
    }

    @Test
    void ashKeepsTheLowerIndexAmongTiesAtTheCut() {
        // W = [1, 10, 100, 1000]; h = [2, 3, 2, 2], k = 2: keep index 1 (3) and, of the tied 2s, index 0.
        // P: z = 2*1 + 3*10 = 32.  B: sum(h) = 9 -> 4.5 at indices 0, 1 -> z = 4.5 + 45 = 49.5.
        DenseLayer weighted = Inputs.dense(new float[][] {row(1, 10, 100, 1000)}, row(0));
        DetectorInput h = Inputs.features(row(2, 3, 2, 2));
        assertThat(AshDetector.create(weighted, AshDetector.Variant.P, 0.5, 1).score(h)[0])
                .isCloseTo(-32, within(EPS));
        assertThat(AshDetector.create(weighted, AshDetector.Variant.B, 0.5, 1).score(h)[0])
                .isCloseTo(-49.5, within(EPS));
    }

    @Test
    void ashRoundsHalfToEvenAndNeedsOneKeptEntry() {
        // n = 5, p = 0.9: n p = 4.5 -> rint 4 -> k = 1 (half-up rounding would give k = 0).
        DenseLayer five = Inputs.dense(new float[][] {row(1, 1, 1, 1, 1)}, row(0));
        assertThat(AshDetector.create(five, AshDetector.Variant.P).keptCount()).isEqualTo(1);
        DenseLayer one = Inputs.dense(new float[][] {row(1)}, row(0));
        assertThatThrownBy(() -> AshDetector.create(one, AshDetector.Variant.B))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("keeps no entry");
        // ASH-S with sum(kept) = 0: kept entries stay unscaled; all-zero h -> z = 0 -> energy 0.
        assertThat(AshDetector.create(SUM4, AshDetector.Variant.S, 0.5, 1).score(Inputs.features(row(0, 0, 0, 0)))[0])
                .isCloseTo(0, within(EPS));
    }

    @Test
    void theEnergyDetectorsRefuseBadParametersAndNameASampleWhoseScoreIsNotFinite() {
        assertThatThrownBy(() -> ReactDetector.accumulator(IDENTITY, 101, 1))
                .isInstanceOf(OodException.class)
                .hasMessage("ReAct percentile must lie in [0, 100], got 101.0");
        assertThatThrownBy(() -> DiceDetector.accumulator(IDENTITY, 90, 0))
                .isInstanceOf(OodException.class)
                .hasMessage("DICE energy temperature must be positive and finite, got 0.0");
        assertThatThrownBy(() -> AshDetector.create(SUM4, AshDetector.Variant.P, 0.5, Double.POSITIVE_INFINITY))
                .isInstanceOf(OodException.class)
                .hasMessage("ASH energy temperature must be positive and finite, got Infinity");
        // ASH-S, k = 2 of h = [0.9999, -1, -1, -1]: kept 0.9999 and (lower index among the tied -1) h_1, so
        // sum(kept) = -0.0001 and sum(h) = -2.0001; the factor exp(20001) overflows to +inf, h' = [+inf, -inf, 0, 0]
        // and z = +inf - inf = NaN.
        AshDetector s = AshDetector.create(SUM4, AshDetector.Variant.S, 0.5, 1);
        assertThatThrownBy(() -> s.score(Inputs.features(row(0, 0, 0, 0), row(0.9999, -1, -1, -1))))
                .isInstanceOf(OodException.class)
                .hasMessage("ash_s of sample 1 is NaN: the reshaped features overflow"
                        + " the logits; use ASH-P or a smaller prune fraction for such features");
    }

    @Test
    void diceMasksContributionsStrictlyAboveThePercentile() {
        // W = [[1,2],[3,-1]], fit mean h = [1,1] -> contributions {1, 2, 3, -1}; sorted -1, 1, 2, 3.
        // 90th: h = 3*0.9 = 2.7 -> 2 + 0.7 = 2.7: only W[1][0] = 3 kept. h = [1,1] -> z = [0, 3] -> -ln(1 + e^3).
        DenseLayer w = Inputs.dense(new float[][] {row(1, 2), row(3, -1)}, row(0, 0));
        DetectorInput fit = Inputs.features(row(0, 2), row(2, 0));
        DiceDetector dice = DiceDetector.accumulator(w).fit(List.of(fit));
        assertThat(dice.threshold()).isCloseTo(2.7, within(EPS));
        assertThat(dice.kept(1, 0)).isTrue();
        assertThat(dice.kept(0, 1)).isFalse();
        DetectorInput probe = Inputs.features(row(1, 1));
        assertThat(dice.score(probe)[0]).isCloseTo(-Math.log(1 + Math.exp(3)), within(EPS));
        // 50th: 1 + 0.5 = 1.5 -> keep 2 and 3 -> z = [2, 3].
        assertThat(DiceDetector.accumulator(w, 50, 1).fit(List.of(fit)).score(probe)[0])
                .isCloseTo(-Math.log(Math.exp(2) + Math.exp(3)), within(EPS));
        // 0th: threshold -1 and "strictly above" drops the -1 entry -> W' = [[1,2],[3,0]] -> z = [3,3].
        assertThat(DiceDetector.accumulator(w, 0, 1).fit(List.of(fit)).score(probe)[0])
                .isCloseTo(-(3 + Math.log(2)), within(EPS));
    }

    @Test
    void vimOriginIsMinusPseudoInverseTimesBias() {
        // K <= d: W = [[1,0,0],[0,2,0]], b = [1,2]: W W^T = diag(1,4), (W W^T)^+ b = (1, 1/2), W^T y = (1,1,0).
        DenseWeights wide = new DenseWeights(Inputs.dense(new float[][] {row(1, 0, 0), row(0, 2, 0)}, row(1, 2)));
        assertThat(VimDetector.origin(wide)).containsExactly(new double[] {-1, -1, 0}, within(EPS));
        // K > d: W = [[1,0],[0,1],[1,1]], b = [1,1,1]: W^T W = [[2,1],[1,2]], inverse [[2,-1],[-1,2]]/3,
        // W^T b = (2,2) -> (2/3, 2/3) -> u = (-2/3, -2/3).
        DenseWeights tall =
                new DenseWeights(Inputs.dense(new float[][] {row(1, 0), row(0, 1), row(1, 1)}, row(1, 1, 1)));
        assertThat(VimDetector.origin(tall)).containsExactly(new double[] {-2.0 / 3, -2.0 / 3}, within(1e-12));
    }

    @Test
    void vimOnTwoFeatures() {
        // W = I, b = [1,-2] -> u = [-1, 2]. Fit h - u = (3,0), (-3,0), (0,1), (0,-1): second moment diag(4.5, 0.5),
        // r = 2, D = min(256, 1) = 1; residual = component along e2. Fit residual norms 0,0,1,1 -> mean 1/2.
        // Fit logits z = h + b = (3,0), (-3,0), (0,1), (0,-1): max-logits 3,0,1,0 -> mean 1. alpha = 2.
        // Probe h = (0,5), z = (1,3): residual |5 - 2| = 3 -> 6 - ln(e + e^3).
        DenseLayer w = Inputs.dense(new float[][] {row(1, 0), row(0, 1)}, row(1, -2));
        DetectorInput fit = Inputs.logitsAndFeatures(
                new float[][] {row(3, 0), row(-3, 0), row(0, 1), row(0, -1)},
                new float[][] {row(2, 2), row(-4, 2), row(-1, 3), row(-1, 1)});
        VimDetector vim = VimDetector.accumulator(w).fit(List.of(fit));
        assertThat(vim.origin()).containsExactly(new double[] {-1, 2}, within(EPS));
        assertThat(vim.rank()).isEqualTo(2);
        assertThat(vim.principalDimension()).isEqualTo(1);
        assertThat(vim.alpha()).isCloseTo(2, within(EPS));
        DetectorInput probe = Inputs.logitsAndFeatures(new float[][] {row(1, 3)}, new float[][] {row(0, 5)});
        assertThat(vim.score(probe)[0]).isCloseTo(6 - Math.log(Math.E + Math.exp(3)), within(1e-9));
    }

    @Test
    void vimReducesDToHalfTheRankAndIgnoresTheNullSpace() {
        // d = 4, W = [[1,0,0,0],[0,1,0,0]], b = 0 -> u = 0. Fit h = (1,0,0,0), (0,2,0,0), (-1,0,0,0), (0,-2,0,0):
        // second moment diag(1/2, 2, 0, 0) -> r = 2; D = min(256, 2) = 2 >= r -> D = 1. Ranked eigenvectors: e2 (2),
        // e1 (1/2); residual = component along e1 only (e3, e4 are the null space). Residual norms 1,0,1,0 -> 1/2;
        // max-logits (z = first two coordinates) 1, 2, 0, 0 -> 3/4; alpha = 3/2.
        // Probe h = (2,7,9,9), z = (2,7): 1.5 * 2 - ln(e^2 + e^7).
        DenseLayer w = Inputs.dense(new float[][] {row(1, 0, 0, 0), row(0, 1, 0, 0)}, row(0, 0));
        DetectorInput fit = Inputs.logitsAndFeatures(
                new float[][] {row(1, 0), row(0, 2), row(-1, 0), row(0, -2)},
                new float[][] {row(1, 0, 0, 0), row(0, 2, 0, 0), row(-1, 0, 0, 0), row(0, -2, 0, 0)});
        VimDetector vim = VimDetector.accumulator(w).fit(List.of(fit));
        assertThat(vim.rank()).isEqualTo(2);
        assertThat(vim.principalDimension()).isEqualTo(1);
        assertThat(vim.alpha()).isCloseTo(1.5, within(EPS));
        DetectorInput probe = Inputs.logitsAndFeatures(new float[][] {row(2, 7)}, new float[][] {row(2, 7, 9, 9)});
        assertThat(vim.score(probe)[0]).isCloseTo(3 - Math.log(Math.exp(2) + Math.exp(7)), within(1e-9));
    }

    @Test
    void vimNeedsFeaturesThatDifferFromTheOrigin() {
        DetectorInput fit = Inputs.logitsAndFeatures(new float[][] {row(0, 0)}, new float[][] {row(0, 0)});
        assertThatThrownBy(() -> VimDetector.accumulator(IDENTITY).fit(List.of(fit)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no principal subspace");
        assertThatThrownBy(() -> VimDetector.accumulator(IDENTITY).result())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no fit samples");
    }
}
