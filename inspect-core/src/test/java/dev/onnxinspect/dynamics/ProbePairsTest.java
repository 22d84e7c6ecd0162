package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ProbePairsTest {

    @Test
    void smallProbeSetUsesAllPairsInLexicographicOrder() {
        ProbePairs p = ProbePairs.select(4, 2, 99);
        // n = 4 <= 256: all 4 * 3 / 2 = 6 pairs, whatever the requested sample size.
        assertThat(p.size()).isEqualTo(6);
        assertThat(p.complete()).isTrue();
        int[][] expected = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
        for (int k = 0; k < 6; k++) {
            assertThat(new int[] {p.first(k), p.second(k)}).containsExactly(expected[k]);
        }
    }

    @Test
    void allPairsUpTo256Samples() {
        // 256 * 255 / 2 = 32 640.
        ProbePairs p = ProbePairs.select(256, 10, 1);
        assertThat(p.size()).isEqualTo(32_640);
        assertThat(p.complete()).isTrue();
        assertThat(ProbePairs.select(1, 10, 1).size()).isZero();
    }

    @Test
    void largeProbeSetDrawsTheRequestedNumberOfDistinctSortedPairs() {
        ProbePairs p = ProbePairs.select(257, 1000, 7);
        assertThat(p.size()).isEqualTo(1000);
        assertThat(p.complete()).isFalse();
        var seen = new HashSet<Long>();
        for (int k = 0; k < p.size(); k++) {
            int i = p.first(k);
            int j = p.second(k);
            assertThat(i).isGreaterThanOrEqualTo(0).isLessThan(j);
            assertThat(j).isLessThan(257);
            assertThat(seen.add((long) i * 257 + j))
                    .as("pair (%d, %d) drawn twice", i, j)
                    .isTrue();
            if (k > 0) {
                long before = (long) p.first(k - 1) * 257 + p.second(k - 1);
                assertThat((long) i * 257 + j).isGreaterThan(before);
            }
        }
    }

    @Test
    void drawIsReproducibleFromTheSeed() {
        assertThat(ProbePairs.select(500, 2000, 42)).isEqualTo(ProbePairs.select(500, 2000, 42));
        assertThat(ProbePairs.select(500, 2000, 42)).isNotEqualTo(ProbePairs.select(500, 2000, 43));
    }

    @Test
    void nearlyAllPairsAreDrawnWithoutDuplicates() {
        // 257 samples have 257 * 256 / 2 = 32 896 pairs; drawing all but one exercises Floyd's collision branch.
        ProbePairs p = ProbePairs.select(257, 32_895, 3);
        var seen = new HashSet<Long>();
        for (int k = 0; k < p.size(); k++) {
            seen.add((long) p.first(k) * 257 + p.second(k));
        }
        assertThat(seen).hasSize(32_895);
        // asking for at least all pairs gives all pairs
        assertThat(ProbePairs.select(257, 32_896, 3).complete()).isTrue();
        assertThat(ProbePairs.select(257, Integer.MAX_VALUE, 3).size()).isEqualTo(32_896);
    }

    @Test
    void drawIsUniformOverPairs() {
        // For a uniform pair i < j of n samples, P(i = a) is proportional to n-1-a, so E[i] = (n - 2) / 3; by symmetry
        // (i, j) -> (n-1-j, n-1-i), E[i] + E[j] = n - 1. With n = 1000: E[i] = 998 / 3 = 332.67; the standard error
        // of the mean over 32 640 draws is about 236 / sqrt(32 640) = 1.3, so 8 is a ~6-sigma band.
        ProbePairs p = ProbePairs.select(1000, PathOptions.DEFAULT_MAX_SAMPLED_PAIRS, 5);
        double sumI = 0;
        double sumJ = 0;
        for (int k = 0; k < p.size(); k++) {
            sumI += p.first(k);
            sumJ += p.second(k);
        }
        assertThat(sumI / p.size()).isCloseTo(998 / 3.0, within(8.0));
        assertThat((sumI + sumJ) / p.size()).isCloseTo(999, within(8.0));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> ProbePairs.select(0, 10, 1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe set is empty");
        assertThatThrownBy(() -> ProbePairs.select(300, 0, 1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("maxSampledPairs");
        assertThatThrownBy(() -> PathOptions.builder().maxSampledPairs(0).build())
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("maxSampledPairs");
        assertThatThrownBy(() -> PathOptions.builder().anchors(1, 1).build())
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("distinct");
        assertThat(ProbePairs.totalPairs(70_000)).isEqualTo(70_000L * 69_999 / 2);
    }
}
