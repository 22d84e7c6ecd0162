package dev.onnxinspect.samples.studies.perplexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import org.junit.jupiter.api.Test;

class RankCorrelationTest {
    @Test
    void tiesShareTheMeanOfTheirRanks() {
        // sorted 1 2 2 3: ranks 1, 2.5, 2.5, 4, given back in the input's order
        assertThat(RankCorrelation.ranks(new double[] {2, 3, 1, 2})).containsExactly(2.5, 4, 1, 2.5);
    }

    @Test
    void monotoneSeriesGiveOneOrMinusOne() {
        double[] x = {1, 2, 3, 4};
        assertThat(RankCorrelation.spearman(x, new double[] {0.1, 0.5, 0.6, 9})).isCloseTo(1, within(1e-15));
        assertThat(RankCorrelation.spearman(x, new double[] {5, 4, 2, 1})).isCloseTo(-1, within(1e-15));
    }

    @Test
    void spearmanOfASmallCaseByHand() {
        // x ranks 1 2 3 4, y = 10 30 20 40 ranks 1 3 2 4; d = 0 -1 1 0, sum d^2 = 2;
        // without ties rho = 1 - 6 * 2 / (4 * (16 - 1)) = 1 - 12/60 = 0.8
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 30, 20, 40}))
                .isCloseTo(0.8, within(1e-15));
    }

    @Test
    void spearmanWithTiesIsThePearsonCorrelationOfMidRanks() {
        // x ranks 1 2 3, y = 5 5 7 ranks 1.5 1.5 3; centred: x -1 0 1, y -0.5 -0.5 1;
        // sum xy = 0.5 + 0 + 1 = 1.5, sum xx = 2, sum yy = 0.25 + 0.25 + 1 = 1.5; rho = 1.5 / sqrt(3) = 0.8660...
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 7}))
                .isCloseTo(1.5 / Math.sqrt(3), within(1e-15));
    }

    @Test
    void aConstantSeriesHasNoTrend() {
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {1, 1, 1}))
                .isEqualTo(0.0);
    }

    @Test
    void refusesMismatchedShortOrNaNInput() {
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("same length >= 2");
        assertThatThrownBy(() -> RankCorrelation.spearman(new double[] {1}, new double[] {1}))
                .isInstanceOf(OnnxInspectException.class);
        assertThatThrownBy(() -> RankCorrelation.ranks(new double[] {1, Double.NaN}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("NaN");
    }
}
