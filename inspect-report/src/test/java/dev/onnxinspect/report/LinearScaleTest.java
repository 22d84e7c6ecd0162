package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinearScaleTest {
    private static final double EPS = 1e-12;

    @Test
    void barOfHalfOnAUnitAxisOfHeight200IsHalfAsTall() {
        // y axis: value 0 at pixel 200 (bottom), value 1 at pixel 0 (top). 0.5 sits halfway: pixel 100,
        // and a bar from 0 to 0.5 spans 200 - 100 = 100 pixels.
        LinearScale y = new LinearScale(0, 1, 200, 0);
        assertThat(y.apply(0.5)).isCloseTo(100, within(EPS));
        assertThat(y.length(0.5)).isCloseTo(100, within(EPS));
        assertThat(y.apply(0)).isCloseTo(200, within(EPS));
        assertThat(y.apply(1)).isCloseTo(0, within(EPS));
    }

    @Test
    void mapsAnOffsetDomainOntoAnOffsetRange() {
        // [10, 30] -> [50, 450]: 400 px per 20 units = 20 px per unit; 25 -> 50 + 15 * 20 = 350.
        LinearScale x = new LinearScale(10, 30, 50, 450);
        assertThat(x.apply(25)).isCloseTo(350, within(EPS));
        assertThat(x.length(25)).isCloseTo(300, within(EPS));
    }

    @Test
    void niceMaximumRoundsUpToARoundMultipleOfAPowerOfTen() {
        // 83 = 8.3 x 10 -> 10 x 10; 1080 = 1.08 x 10^3 -> 1.5 x 10^3; 460 -> 5 x 10^2; 5.5 -> 6; 0.031 -> 0.04.
        assertThat(LinearScale.niceZeroTo(1080, 0, 1).domainMax()).isCloseTo(1500, within(EPS));
        assertThat(LinearScale.niceZeroTo(460, 0, 1).domainMax()).isCloseTo(500, within(EPS));
        assertThat(LinearScale.niceZeroTo(5.5, 0, 1).domainMax()).isCloseTo(6, within(EPS));
        assertThat(LinearScale.niceZeroTo(0.031, 0, 1).domainMax()).isCloseTo(0.04, within(EPS));
        assertThat(LinearScale.niceZeroTo(83, 0, 1).domainMax()).isCloseTo(100, within(EPS));
        assertThat(LinearScale.niceZeroTo(21, 0, 1).domainMax()).isCloseTo(25, within(EPS));
        assertThat(LinearScale.niceZeroTo(0.42, 0, 1).domainMax()).isCloseTo(0.5, within(EPS));
        assertThat(LinearScale.niceZeroTo(1, 0, 1).domainMax()).isCloseTo(1, within(EPS));
        assertThat(LinearScale.niceZeroTo(1.2, 0, 1).domainMax()).isCloseTo(1.5, within(EPS));
        // An all-zero series still gets a drawable axis.
        assertThat(LinearScale.niceZeroTo(0, 0, 1).domainMax()).isCloseTo(1, within(EPS));
    }

    @Test
    void ticksAreRoundStepsIncludingBothEnds() {
        // [0, 1] in about 5 intervals: raw step 0.2 -> 0.2 (2 x 10^-1): 0, 0.2, ..., 1.0.
        assertThat(new LinearScale(0, 1, 0, 1).ticks(5)).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
        // [0, 25] in about 5: raw 5 -> 5: 0, 5, ..., 25.
        assertThat(new LinearScale(0, 25, 0, 1).ticks(5)).containsExactly(0.0, 5.0, 10.0, 15.0, 20.0, 25.0);
        // [0, 128] in about 6: raw 21.3 -> 50: 0, 50, 100.
        assertThat(new LinearScale(0, 128, 0, 1).ticks(6)).containsExactly(0.0, 50.0, 100.0);
    }

    @Test
    void everyNiceMaximumIsItsOwnTopTick() {
        // The maxima 1, 1.5, ..., 8 (x 10^k) are multiples of the 1-2-5 step chosen for 5 ticks, so the axis ends on
        // a labelled tick: e.g. 1.5 -> step 0.5 (ticks 0, 0.5, 1, 1.5); 6 -> step 2 (0, 2, 4, 6); 3 -> step 1.
        for (double max : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 15, 250, 0.6}) {
            List<Double> ticks = LinearScale.niceZeroTo(max, 0, 1).ticks(5);
            assertThat(ticks.get(ticks.size() - 1))
                    .as("top tick of [0, %s]", max)
                    .isCloseTo(max, within(1e-9 * max));
            assertThat(ticks.size()).as("ticks of [0, %s]", max).isBetween(3, 7);
        }
    }

    @Test
    void decimalsFollowTheTickStep() {
        assertThat(LinearScale.decimalsFor(20)).isZero();
        assertThat(LinearScale.decimalsFor(1)).isZero();
        assertThat(LinearScale.decimalsFor(0.2)).isEqualTo(1);
        assertThat(LinearScale.decimalsFor(0.05)).isEqualTo(2);
    }

    @Test
    void rejectsAnEmptyOrNonFiniteDomain() {
        assertThatThrownBy(() -> new LinearScale(1, 1, 0, 100))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("max > min")
                .hasMessageContaining("[1.0, 1.0]");
        assertThatThrownBy(() -> LinearScale.niceZeroTo(Double.NaN, 0, 1))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("finite");
    }
}
