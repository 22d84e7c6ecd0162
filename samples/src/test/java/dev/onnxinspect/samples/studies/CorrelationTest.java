package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.stats.StatsException;
import org.junit.jupiter.api.Test;

class CorrelationTest {
    /** x = 1, 2, 3, 4 and y = 1, 3, 2, 4: deviations (-1.5, -0.5, 0.5, 1.5) and (-1.5, 0.5, -0.5, 1.5). */
    private static final double[] X = {1, 2, 3, 4};

    private static final double[] Y = {1, 3, 2, 4};

    @Test
    void pearsonOfFourPairsWithItsFisherInterval() {
        Correlation c = Correlation.pearson(X, Y);

        // sxy = 2.25 - 0.25 - 0.25 + 2.25 = 4, sxx = syy = 5, so r = 4 / 5
        assertThat(c.coefficient()).isCloseTo(0.8, within(1e-15));
        // atanh(0.8) = ln(3) and se = 1 / sqrt(4 - 3) = 1, so the ends are tanh(ln 3 -/+ z) = (9 e^(-/+2z) - 1) /
        // (9 e^(-/+2z) + 1) with z = 1.959964 (tanh(a) = (e^(2a) - 1) / (e^(2a) + 1), e^(2 ln 3) = 9)
        double z = 1.959963984540054;
        assertThat(c.lower()).isCloseTo((9 * Math.exp(-2 * z) - 1) / (9 * Math.exp(-2 * z) + 1), within(1e-12));
        assertThat(c.upper()).isCloseTo((9 * Math.exp(2 * z) - 1) / (9 * Math.exp(2 * z) + 1), within(1e-12));
        assertThat(c.lower()).isCloseTo(-0.6970, within(1e-4));
        assertThat(c.excludesZero()).isFalse();
        assertThat(c.n()).isEqualTo(4);
        assertThat(c.describe()).isEqualTo("pearson r = 0.800, 95% CI [-0.697, 0.996], n = 4");
    }

    @Test
    void spearmanUsesRanksAndTheBonettWrightVariance() {
        // a monotone transform of y changes Pearson's r but not the ranks: rho stays 0.8
        double[] expY = {Math.exp(1), Math.exp(3), Math.exp(2), Math.exp(4)};
        Correlation c = Correlation.spearman(X, expY);

        assertThat(c.coefficient()).isCloseTo(0.8, within(1e-15));
        assertThat(Correlation.pearson(X, expY).coefficient()).isNotCloseTo(0.8, within(1e-3));
        // se = sqrt((1 + 0.8^2 / 2) / (4 - 3)) = sqrt(1.32)
        double w = 1.959963984540054 * Math.sqrt(1.32);
        assertThat(c.lower()).isCloseTo((9 * Math.exp(-2 * w) - 1) / (9 * Math.exp(-2 * w) + 1), within(1e-12));
        assertThat(c.upper()).isCloseTo((9 * Math.exp(2 * w) - 1) / (9 * Math.exp(2 * w) + 1), within(1e-12));
        assertThat(c.method()).isEqualTo("spearman");
    }

    @Test
    void tiesShareTheirMeanRank() {
        assertThat(Correlation.ranks(new double[] {3, 1, 2, 2})).containsExactly(4, 1, 2.5, 2.5);
        // ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): sxy = 2.25 + 0 + 0 + 2.25 = 4.5, sxx = 4.5, syy = 5
        Correlation c = Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4});
        assertThat(c.coefficient()).isCloseTo(4.5 / Math.sqrt(4.5 * 5), within(1e-15));
    }

    @Test
    void aStrongCorrelationOverManyPairsExcludesZeroAndAPerfectOneIsAPoint() {
        double[] x = new double[30];
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = i;
            y[i] = -i + (i % 3);
        }
        Correlation negative = Correlation.pearson(x, y);
        assertThat(negative.coefficient()).isLessThan(-0.9);
        assertThat(negative.excludesZero()).isTrue();
        assertThat(negative.upper()).isNegative();

        Correlation perfect = Correlation.spearman(X, new double[] {10, 20, 30, 40});
        assertThat(perfect.coefficient()).isEqualTo(1.0);
        assertThat(perfect.lower()).isEqualTo(1.0);
        assertThat(perfect.upper()).isEqualTo(1.0);
    }

    @Test
    void refusesWhatHasNoCorrelation() {
        assertThatThrownBy(() -> Correlation.pearson(X, new double[] {1, 2, 3}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same length, got 4 and 3");
        assertThatThrownBy(() -> Correlation.pearson(new double[] {1, 2, 3}, new double[] {1, 2, 3}))
                .hasMessageContaining("at least 4 pairs, got 3");
        assertThatThrownBy(() -> Correlation.spearman(X, new double[] {2, 2, 2, 2}))
                .hasMessageContaining("y takes one value in all 4 pairs");
        assertThatThrownBy(() -> Correlation.pearson(X, new double[] {1, Double.NaN, 2, 3}))
                .hasMessageContaining("pair 1 is not finite");
        assertThatThrownBy(() -> new Correlation("pearson", 4, 0.5, 0.6, 0.9))
                .hasMessageContaining("must hold its coefficient");
    }
}
