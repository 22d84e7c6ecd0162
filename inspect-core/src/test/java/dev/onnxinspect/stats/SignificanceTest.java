package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignificanceTest {

    private static boolean[] mark(Significance s, float... row) {
        boolean[] out = new boolean[row.length];
        s.mark(row, 0, row.length, out);
        return out;
    }

    @Test
    void s1MarksValuesStrictlyAboveTau() {
        // tau = 0: 0.5 > 0 and 2 > 0; 0 and -1 are not (strict inequality).
        assertThat(mark(Significance.s1(), 0.5f, 0f, -1f, 2f)).containsExactly(true, false, false, true);
        // tau = 0.5: only 2 (0.5 is not > 0.5).
        assertThat(mark(Significance.s1(0.5), 0.5f, 0f, -1f, 2f)).containsExactly(false, false, false, true);
        boolean[] out = new boolean[4];
        assertThat(Significance.s1().mark(new float[] {0.5f, 0f, -1f, 2f}, 0, 4, out))
                .isEqualTo(2);
    }

    @Test
    void s1ComparesFloatsExactlyAgainstDoubleTau() {
        // The float nearest 0.1 is 0.100000001490116..., strictly above the double 0.1: significant in float64.
        assertThat((double) 0.1f).isGreaterThan(0.1);
        assertThat(mark(Significance.s1(0.1), 0.1f)).containsExactly(true);
        // The largest float <= 0.1 is the float below 0.1f; 0.1f itself is above tau.
        float t = Significance.s1(0.1).floatThreshold();
        assertThat(t).isEqualTo(Math.nextDown(0.1f));
        // tau exactly a float: the threshold is tau itself.
        assertThat(Significance.s1(0.5).floatThreshold()).isEqualTo(0.5f);
    }

    @Test
    void s2FindsTheFirstRatioGapFromTheTop() {
        // sorted 5000, 4, 3, 0: k = 1 since 5000 > 1000 * 4 = 4000 -> only the first neuron.
        assertThat(mark(Significance.s2(), 4f, 5000f, 3f, 0f)).containsExactly(false, true, false, false);
        // sorted 10, 5, 1, 0: 10 > 5000? no; 5 > 1000? no; 1 > 1000 * 0 yes -> k = 3, the same as S1.
        assertThat(mark(Significance.s2(), 10f, 5f, 1f, 0f, -3f)).containsExactly(true, true, true, false, false);
        // a gap in the middle: sorted 900000, 800, 700, 0.5: 900000 > 800000 -> k = 1.
        assertThat(mark(Significance.s2(), 700f, 800f, 900000f, 0.5f)).containsExactly(false, false, true, false);
        // a gap further down: sorted 8, 6, 0.001: 8 > 6000? no; 6 > 1000 * 0.001 = 1 yes -> k = 2.
        assertThat(mark(Significance.s2(), 0.001f, 6f, 8f)).containsExactly(false, true, true);
    }

    @Test
    void s2ComparesTheRatioExactly() {
        // 1000 > 1000 * 1 is false: no gap at k = 1; then 1 > 0 -> both significant.
        assertThat(mark(Significance.s2(), 1000f, 1f)).containsExactly(true, true);
        // 1001 > 1000 * 1: gap at k = 1.
        assertThat(mark(Significance.s2(), 1001f, 1f)).containsExactly(true, false);
    }

    @Test
    void s2KeepsAllTiesAtTheCut() {
        // sorted 5000, 5000, 4: ratio 5000/5000 = 1 is no gap; 5000 > 4000 is -> both 5000s, not 4.
        assertThat(mark(Significance.s2(), 5000f, 4f, 5000f)).containsExactly(true, false, true);
        // eps = 0.5: sorted 2, 2, 1: k = 1 already (2 > 0.5 * 2). Comparing values, the tie at rank 2 is
        // significant too; comparing ranks would drop it.
        assertThat(mark(Significance.s2(0.5), 2f, 1f, 2f)).containsExactly(true, false, true);
    }

    @Test
    void s2WithNoPositiveValueMarksNothing() {
        assertThat(mark(Significance.s2(), 0f, 0f, 0f)).containsExactly(false, false, false);
        assertThat(mark(Significance.s2(), -1f, -5f, 0f)).containsExactly(false, false, false);
        assertThat(Significance.s2().cutoff(new float[] {-1f, 0f}, 0, 2, null)).isNaN();
    }

    @Test
    void s2TreatsNegativeValuesAsZero() {
        // sorted 3, 0.002, then -7 counts as 0: 3 > 1000 * 0.002 = 2 -> k = 1.
        assertThat(mark(Significance.s2(), 3f, -7f, 0.002f)).containsExactly(true, false, false);
        // sorted 0.5, then -7 and 0 count as 0: 0.5 > 0 -> k = 1.
        assertThat(mark(Significance.s2(), -7f, 0.5f, 0f)).containsExactly(false, true, false);
    }

    @Test
    void s2WithInfiniteEpsIsS1AtZero() {
        // ratio against 0 is +inf and exceeds every eps (Choice in Significance.Dominant): all positive values.
        Significance inf = Significance.s2(Double.POSITIVE_INFINITY);
        assertThat(mark(inf, 1e30f, 1e-30f, 0f, -2f)).containsExactly(true, true, false, false);
    }

    @Test
    void s2FallsBackToSortingWhenTheClusterGrowsSlowly() {
        // eps = 1.5 and a chain 1.4^30, 1.4^29, ..., 1.4^0 = 1, then 1e-10: no consecutive ratio in the chain
        // exceeds 1.5 (each is 1.4, up to float rounding), and 1 > 1.5e-10, so k = 31: the chain, not 1e-10.
        // The linear scan extends the cluster one value per pass and gives up after 8 passes.
        float[] row = new float[32];
        for (int k = 0; k <= 30; k++) {
            row[k] = (float) Math.pow(1.4, k);
        }
        row[31] = 1e-10f;
        boolean[] expected = new boolean[32];
        Arrays.fill(expected, 0, 31, true);
        assertThat(mark(Significance.s2(1.5), row)).containsExactly(expected);
        assertThat(Significance.s2(1.5).cutoff(row, 0, 32, new float[32])).isEqualTo(1f);
    }

    @Test
    void s2EqualsTheLiteralDefinitionOnRandomRows() {
        Random random = new Random(42);
        double[] epsilons = {0.5, 1.0, 1.01, 2, 10, 1000, 1e6, Double.POSITIVE_INFINITY};
        for (int trial = 0; trial < 3000; trial++) {
            int n = 1 + random.nextInt(40);
            float[] row = new float[n];
            for (int j = 0; j < n; j++) {
                double u = random.nextDouble();
                row[j] = u < 0.3
                        ? 0f
                        : u < 0.4
                                ? -1f
                                : u < 0.5 ? row[Math.max(0, j - 1)] : (float) Math.exp(random.nextGaussian() * 8);
            }
            double eps = epsilons[random.nextInt(epsilons.length)];
            assertThat(mark(Significance.s2(eps), row))
                    .as("eps %s row %s", eps, Arrays.toString(row))
                    .containsExactly(literalS2(row, eps));
        }
    }

    /** SPEC §1 word for word: sort descending, values <= 0 as 0, smallest k with a_k > 0 and a_k > eps a_(k+1). */
    private static boolean[] literalS2(float[] row, double eps) {
        double[] sorted = new double[row.length + 1];
        for (int j = 0; j < row.length; j++) {
            sorted[j] = Math.max(row[j], 0f);
        }
        Arrays.sort(sorted, 0, row.length);
        double[] desc = new double[row.length + 1];
        for (int k = 0; k < row.length; k++) {
            desc[k] = sorted[row.length - 1 - k];
        }
        double cut = Double.NaN;
        for (int k = 0; k < row.length; k++) {
            boolean ratio = desc[k + 1] == 0 || desc[k] > eps * desc[k + 1];
            if (desc[k] > 0 && ratio) {
                cut = desc[k];
                break;
            }
        }
        boolean[] out = new boolean[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = row[j] > 0 && row[j] >= cut;
        }
        return out;
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> Significance.s1(Double.NaN))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("tau");
        assertThatThrownBy(() -> Significance.s2(0))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("eps must be > 0");
        assertThatThrownBy(() -> Significance.s2(Double.NaN)).isInstanceOf(StatsException.class);
        assertThatThrownBy(() -> mark(Significance.s2(), 1f, Float.NaN))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("finite");
        assertThat(Significance.s1().label()).isEqualTo("S1");
        assertThat(Significance.s2().label()).isEqualTo("S2");
        assertThat(Significance.s2().eps()).isEqualTo(1000.0);
        assertThat(Significance.s1().tau()).isEqualTo(0.0);
    }
}
