package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class KlDivergenceTest {
    // Class 0: counts [1, 1] of N = 2 -> F = [1/2, 1/2]; class 1: counts [3, 1] of N = 4 -> F = [3/4, 1/4].
    private static final FrequencyTable TABLE = new FrequencyTable(
            "S1", 2, 10, List.of(new ClassCounts(0, 2, new int[] {1, 1}), new ClassCounts(1, 4, new int[] {3, 1})));

    @Test
    void profilesWithoutSmoothing() {
        ClassProfiles p = ClassProfiles.of(TABLE, 0.0);
        assertThat(p.profile(0)).containsExactly(0.5, 0.5);
        assertThat(p.profile(1)).containsExactly(0.75, 0.25);
        assertThat(p.classIds()).containsExactly(0, 1);
        assertThat(p.quantity()).isEqualTo("S1");
    }

    @Test
    void klOfTwoUnitProfilesInClosedForm() {
        KlMatrix m = KlDivergence.within(ClassProfiles.of(TABLE, 0.0), "train");
        // KL(P0 || P1) = 1/2 ln(0.5/0.75) + 1/2 ln(0.5/0.25) = 1/2 ln(4/3)
        assertThat(m.get(0, 1)).isCloseTo(0.5 * Math.log(4.0 / 3), within(1e-15));
        // KL(P1 || P0) = 3/4 ln(0.75/0.5) + 1/4 ln(0.25/0.5) = 3/4 ln(3/2) - 1/4 ln 2
        assertThat(m.get(1, 0)).isCloseTo(0.75 * Math.log(1.5) - 0.25 * Math.log(2), within(1e-15));
        assertThat(m.get(0, 0)).isEqualTo(0.0);
        assertThat(m.get(1, 1)).isEqualTo(0.0);
        assertThat(m.pLabel()).isEqualTo("train");
    }

    @Test
    void defaultAlphaSmoothsTheFrequencies() {
        double a = 1e-6;
        ClassProfiles p = ClassProfiles.of(TABLE);
        assertThat(p.alpha()).isEqualTo(a);
        // P1 = [(3/4 + a), (1/4 + a)] / (1 + 2a), P0 = [1/2, 1/2]
        double q0 = (0.75 + a) / (1 + 2 * a);
        double q1 = (0.25 + a) / (1 + 2 * a);
        assertThat(p.profile(1)[0]).isCloseTo(q0, within(1e-16));
        double expected = 0.5 * Math.log(0.5 / q0) + 0.5 * Math.log(0.5 / q1);
        assertThat(KlDivergence.within(p, "d").get(0, 1)).isCloseTo(expected, within(1e-15));
    }

    @Test
    void aClassWithNoSignificantUnitNeedsSmoothing() {
        FrequencyTable silent = new FrequencyTable("S2", 2, 10, List.of(new ClassCounts(3, 5, new int[] {0, 0})));
        // alpha > 0: F = [0, 0] -> [alpha, alpha] / 2 alpha = uniform
        assertThat(ClassProfiles.of(silent).profile(3)).containsExactly(0.5, 0.5);
        assertThatThrownBy(() -> ClassProfiles.of(silent, 0.0))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class 3")
                .hasMessageContaining("use alpha > 0");
    }

    @Test
    void zeroInQIsInfiniteOnlyInOneDirection() {
        // Without smoothing P = [1/2, 1/2], Q = [1, 0]: KL(P||Q) = +inf; KL(Q||P) = 1 ln(1/0.5) = ln 2.
        assertThat(KlDivergence.kl(new double[] {0.5, 0.5}, new double[] {1, 0}))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(KlDivergence.kl(new double[] {1, 0}, new double[] {0.5, 0.5}))
                .isCloseTo(Math.log(2), within(1e-15));
    }

    @Test
    void crossDatasetInBothDirectionsWithAbsentClasses() {
        // dataset B has only class 1, with F = [1/2, 1/2]
        FrequencyTable b = new FrequencyTable("S1", 2, 10, List.of(new ClassCounts(1, 2, new int[] {1, 1})));
        CrossKl cross = KlDivergence.cross(ClassProfiles.of(TABLE, 0.0), "id", ClassProfiles.of(b, 0.0), "ood");
        assertThat(cross.aToB().pClasses()).containsExactly(0, 1);
        assertThat(cross.aToB().qClasses()).containsExactly(1);
        assertThat(cross.bToA().pClasses()).containsExactly(1);
        // KL(A1 || B1) = KL([3/4, 1/4] || [1/2, 1/2]) = 3/4 ln(3/2) - 1/4 ln 2; KL(B1 || A1) = 1/2 ln(4/3)
        assertThat(cross.aToB().get(1, 1)).isCloseTo(0.75 * Math.log(1.5) - 0.25 * Math.log(2), within(1e-15));
        assertThat(cross.bToA().get(1, 1)).isCloseTo(0.5 * Math.log(4.0 / 3), within(1e-15));
        assertThat(cross.aToB().get(0, 1)).isEqualTo(0.0);
        assertThat(cross.bToA().pLabel()).isEqualTo("ood");
        assertThatThrownBy(() -> cross.aToB().get(0, 0))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("class 0 has no Q profile");
    }

    @Test
    void interactionFrequenciesHaveProfilesToo() {
        FrequencyTable g = new FrequencyTable(
                "interaction-absolute", 4, 10, List.of(new ClassCounts(0, 1, new int[] {1, 0, 0, 1})));
        // F = [1, 0, 0, 1], alpha = 0 -> [1/2, 0, 0, 1/2]
        assertThat(ClassProfiles.of(g, 0.0).profile(0)).containsExactly(0.5, 0.0, 0.0, 0.5);
    }

    @Test
    void refusesMismatchedProfiles() {
        FrequencyTable three = new FrequencyTable("S1", 3, 10, List.of(new ClassCounts(0, 1, new int[] {1, 0, 0})));
        FrequencyTable s2 = new FrequencyTable("S2", 2, 10, List.of(new ClassCounts(0, 1, new int[] {1, 0})));
        ClassProfiles p = ClassProfiles.of(TABLE);
        assertThatThrownBy(() -> KlDivergence.between(p, "a", ClassProfiles.of(three), "b"))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("2 units")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> KlDivergence.between(p, "a", ClassProfiles.of(s2), "b"))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("same quantity");
        assertThatThrownBy(() -> ClassProfiles.of(TABLE, -1))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("alpha");
        KlMatrix empty = KlDivergence.within(ClassProfiles.of(new FrequencyTable("S1", 2, 10, List.of())), "e");
        assertThat(empty.values()).isEmpty();
    }
}
