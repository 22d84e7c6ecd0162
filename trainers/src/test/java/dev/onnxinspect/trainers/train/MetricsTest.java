package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void crossEntropyOfEqualLogitsIsLogK() {
        assertThat(Metrics.crossEntropy(new float[] {0f, 0f, 0f}, 0, 3, 1)).isCloseTo(Math.log(3), within(1e-12));
    }

    @Test
    void crossEntropyByHand() {
        // logits [9, 1, 2, 3] with offset 1: log(e + e^2 + e^3) - 3 = log(e^-2 + e^-1 + 1)
        double expected = Math.log(Math.exp(-2) + Math.exp(-1) + 1);
        assertThat(Metrics.crossEntropy(new float[] {9f, 1f, 2f, 3f}, 1, 3, 2)).isCloseTo(expected, within(1e-12));
        // huge logits stay finite: [1000, 0] label 1 -> 1000 + log(1 + e^-1000) - 0 = 1000
        assertThat(Metrics.crossEntropy(new float[] {1000f, 0f}, 0, 2, 1)).isCloseTo(1000.0, within(1e-9));
    }

    @Test
    void argMaxTakesTheLowestIndexOnTies() {
        assertThat(Metrics.argMax(new float[] {1f, 3f, 3f}, 0, 3)).isEqualTo(1);
        assertThat(Metrics.argMax(new float[] {5f, 1f, 3f, 3f}, 1, 3)).isEqualTo(1);
    }
}
