package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §6b p = (1 + #{i : c_i >= s}) / (n + 1), derived by hand on tiny calibration sets. */
class CalibrationScoresTest {
    /** n = 5 calibration scores with a tie: 1, 2, 2, 2, 5 (given unsorted). */
    private static CalibrationScores tied() {
        return CalibrationScores.of("cal", true, Map.of("d", new double[] {2, 5, 1, 2, 2}));
    }

    @Test
    void pValuesByHandCountTiesAsAtLeast() {
        CalibrationScores c = tied();
        assertThat(c.samples()).isEqualTo(5);
        assertThat(c.scoresOf("d")).containsExactly(1, 2, 2, 2, 5);
        // s = 2: c_i >= 2 are 2, 2, 2, 5 -> (1 + 4) / 6
        assertThat(c.pValue("d", 2)).isEqualTo(5.0 / 6);
        // s just above 2: only 5 -> 2 / 6
        assertThat(c.pValue("d", Math.nextUp(2.0))).isEqualTo(2.0 / 6);
        // s = 5: the one 5 -> 2 / 6; above every score -> 1 / 6, the smallest p-value
        assertThat(c.pValue("d", 5)).isEqualTo(2.0 / 6);
        assertThat(c.pValue("d", 6)).isEqualTo(1.0 / 6);
        assertThat(c.pValue("d", Double.POSITIVE_INFINITY)).isEqualTo(1.0 / 6);
        // at or below the smallest -> all five count: 6 / 6
        assertThat(c.pValue("d", 1)).isEqualTo(1.0);
        assertThat(c.pValue("d", Double.NEGATIVE_INFINITY)).isEqualTo(1.0);
        // s = 1.5: 2, 2, 2, 5 -> 5 / 6
        assertThat(c.pValue("d", 1.5)).isEqualTo(5.0 / 6);
    }

    @Test
    void infiniteCalibrationScoresCountLikeAnyOther() {
        CalibrationScores c = CalibrationScores.of(
                "cal", true, Map.of("kl", new double[] {Double.POSITIVE_INFINITY, 0, Double.POSITIVE_INFINITY}));
        // +inf >= +inf: both count -> (1 + 2) / 4
        assertThat(c.pValue("kl", Double.POSITIVE_INFINITY)).isEqualTo(0.75);
        assertThat(c.pValue("kl", 1)).isEqualTo(0.75);
        assertThat(c.pValue("kl", 0)).isEqualTo(1.0);
    }

    @Test
    void flaggingAtRateAIsExactlyPAtMostAAndTheEquivalentThreshold() {
        CalibrationScores c = tied(); // n = 5, n + 1 = 6
        // a = 1/3 (as the decimal 0.3333333333333333, just below 1/3): floor(a * 6) = 1, so only p = 1/6 is
        // flagged: scores above the largest calibration score 5
        assertThat(c.threshold("d", 1.0 / 3)).isEqualTo(5.0);
        assertThat(c.flagged("d", 5, 1.0 / 3)).isFalse();
        assertThat(c.flagged("d", Math.nextUp(5.0), 1.0 / 3)).isTrue();
        // a = 0.5: floor(3) = 3 -> p <= 3/6 means #{c_i >= s} <= 2: s > the 3rd smallest (2) -> t = 2
        assertThat(c.threshold("d", 0.5)).isEqualTo(2.0);
        assertThat(c.flagged("d", 2, 0.5)).isFalse(); // p = 5/6
        assertThat(c.flagged("d", 3, 0.5)).isTrue(); // p = 2/6
        // p exactly a: 2/6 with a = 2/6 written as 0.3333333333333333 < 1/3 is not flagged; a = 0.34 flags it
        assertThat(c.flagged("d", 3, 0.34)).isTrue();
        // a below 1/(n+1): nothing can be flagged
        assertThat(c.threshold("d", 0.1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(c.flagged("d", 1e300, 0.1)).isFalse();
        // the decision equals "score > threshold" and "p <= a" on a sweep of scores and rates
        for (double a : new double[] {0.17, 0.2, 0.34, 0.5, 0.51, 0.67, 0.84, 0.99}) {
            for (double s = 0; s <= 6; s += 0.25) {
                boolean byP = c.pValue("d", s) <= a;
                assertThat(c.flagged("d", s, a)).as("a %s, s %s", a, s).isEqualTo(byP);
                assertThat(s > c.threshold("d", a)).as("a %s, s %s", a, s).isEqualTo(byP);
            }
        }
    }

    @Test
    void decimalRateIsExactWherePIsAnExactDecimal() {
        // n = 19: p = 2/20 = 0.1 exactly equals a = 0.1 -> flagged (p <= a); floor(0.1 * 20) = 2
        double[] c = new double[19];
        for (int i = 0; i < 19; i++) {
            c[i] = i;
        }
        CalibrationScores cal = CalibrationScores.of("cal", true, Map.of("d", c));
        // s = 18: only c = 18 counts -> p = 2/20
        assertThat(cal.pValue("d", 18)).isEqualTo(0.1);
        assertThat(cal.flagged("d", 18, 0.1)).isTrue();
        assertThat(cal.flagged("d", 17, 0.1)).isFalse(); // p = 3/20
        assertThat(cal.threshold("d", 0.1)).isEqualTo(17.0);
    }

    @Test
    void refusals() {
        CalibrationScores c = tied();
        assertThatThrownBy(() -> c.pValue("nope", 1))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unknown detector 'nope'")
                .hasMessageContaining("[d]");
        assertThatThrownBy(() -> c.pValue("d", Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> c.flagged("d", 1, 0)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> c.flagged("d", 1, 1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> CalibrationScores.of("cal", true, Map.of("d", new double[] {1, Double.NaN})))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("calibration sample 1 as NaN");
        Map<String, double[]> uneven = new LinkedHashMap<>();
        uneven.put("a", new double[] {1, 2});
        uneven.put("b", new double[] {1});
        assertThatThrownBy(() -> CalibrationScores.of("cal", true, uneven))
                .hasMessageContaining("b has 1 calibration scores, the others 2");
        assertThatThrownBy(() -> new CalibrationScores("cal", true, Map.of("a", new double[] {2, 1})))
                .hasMessageContaining("not sorted");
        assertThatThrownBy(() -> CalibrationScores.of("cal", true, Map.of("a", new double[0])))
                .hasMessageContaining("n >= 1");
    }

    @Test
    void copiesInAndOut() {
        double[] scores = {3, 1, 2};
        CalibrationScores c = CalibrationScores.of("cal", false, Map.of("d", scores));
        scores[0] = -100;
        c.scoresOf("d")[0] = 100;
        c.sorted().get("d")[1] = 100;
        assertThat(c.scoresOf("d")).containsExactly(1, 2, 3);
        assertThat(c.heldOut()).isFalse();
        assertThat(c).isEqualTo(CalibrationScores.of("cal", false, Map.of("d", new double[] {2, 3, 1})));
        assertThat(c).isNotEqualTo(CalibrationScores.of("cal", true, Map.of("d", new double[] {2, 3, 1})));
    }
}
