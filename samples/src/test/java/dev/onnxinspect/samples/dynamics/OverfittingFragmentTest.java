package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The README line of the overfitting-distance sample, from hand-set final distances. */
class OverfittingFragmentTest {

    @Test
    void rangesOverTheSeedsWithTwoDecimals() {
        // normal: min 14.604 -> 14.60, max 14.7149 -> 14.71; overfit: min 28.111 -> 28.11, max 28.2649 -> 28.26.
        assertThat(OverfittingDistanceSample.readmeFragment(
                        List.of(14.7149, 14.604, 14.65), List.of(28.2649, 28.111, 28.2), 10))
                .isEqualTo("normal 14.60-14.71, extreme overfitting 28.11-28.26 after 10 epochs"
                        + " (`docs/results-dynamics.md`)");
    }

    @Test
    void oneSeedGivesOneNumber() {
        assertThat(OverfittingDistanceSample.readmeFragment(List.of(3.0), List.of(5.0), 2))
                .isEqualTo("normal 3.00, extreme overfitting 5.00 after 2 epochs (`docs/results-dynamics.md`)");
    }
}
