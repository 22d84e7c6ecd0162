package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README fragment of the memorisation sample, from hand-set figures. */
class MemorizationFragmentTest {

    @Test
    void figuresAreWrittenAsPercentagesAndDistancesWithTwoDecimals() {
        // 0.996 -> 99.60%, 0.1 -> 10.00%, 1 -> 100.00%, 0 -> 0.00%; 41.634 -> 41.63, 29.8351 -> 29.84.
        assertThat(MemorizationSample.readmeFragment(0.996, 0.1, 1.0, 0.0, 41.634, 29.8351))
                .isEqualTo("random labels: train 99.60%, test 10.00% (chance 10%); extreme overfitting: train 100.00%,"
                        + " test 0.00%, distance from init 41.63 vs 29.84 for clean training (same seed and epochs)");
    }
}
