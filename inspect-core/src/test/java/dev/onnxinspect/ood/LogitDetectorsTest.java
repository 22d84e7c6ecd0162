package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.logits;
import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogitDetectorsTest {
    private static final double EPS = 1e-12;

    @Test
    void mspIsNegatedLargestSoftmax() {
        // z = [0, 0] -> p = [1/2, 1/2] -> -1/2; z = [2, 0] -> -e^2 / (e^2 + 1); ties do not matter for the value.
        double[] s = MaxSoftmaxDetector.msp().score(logits(row(0, 0), row(2, 0)));
        assertThat(s[0]).isCloseTo(-0.5, within(EPS));
        assertThat(s[1]).isCloseTo(-Math.exp(2) / (Math.exp(2) + 1), within(EPS));
        assertThat(MaxSoftmaxDetector.msp().name()).isEqualTo("msp");
        assertThat(MaxSoftmaxDetector.msp().temperature()).isEqualTo(1.0);
    }

    @Test
    void odinDividesByTemperature1000() {
        // z = [1000, 0] / 1000 = [1, 0] -> -e / (e + 1).
        MaxSoftmaxDetector odin = MaxSoftmaxDetector.odin();
        assertThat(odin.temperature()).isEqualTo(1000.0);
        assertThat(odin.name()).isEqualTo("odin");
        assertThat(odin.score(logits(row(1000, 0)))[0]).isCloseTo(-Math.E / (Math.E + 1), within(EPS));
        // T = 2: z = [2, 0] -> [1, 0] -> same value.
        assertThat(MaxSoftmaxDetector.odin(2).score(logits(row(2, 0)))[0])
                .isCloseTo(-Math.E / (Math.E + 1), within(EPS));
    }

    @Test
    void maxLogitIsNegatedLargestLogit() {
        assertThat(MaxLogitDetector.create().score(logits(row(2, -1, 0.5), row(-3, -4, -5))))
                .containsExactly(-2.0, 3.0);
    }

    @Test
    void energyIsNegatedScaledLogSumExp() {
        // z = [0, 0]: -ln 2. T = 2, z = [2, 0]: -2 ln(e^1 + e^0) = -2 ln(1 + e).
        assertThat(EnergyDetector.create().score(logits(row(0, 0)))[0]).isCloseTo(-Math.log(2), within(EPS));
        EnergyDetector t2 = EnergyDetector.withTemperature(2);
        assertThat(t2.temperature()).isEqualTo(2.0);
        assertThat(t2.score(logits(row(2, 0)))[0]).isCloseTo(-2 * Math.log(1 + Math.E), within(EPS));
        // large logits do not overflow: z = [1000, 1000] -> -(1000 + ln 2).
        assertThat(EnergyDetector.create().score(logits(row(1000, 1000)))[0])
                .isCloseTo(-(1000 + Math.log(2)), within(1e-9));
    }

    @Test
    void gradNormMultipliesSoftmaxDeviationByFeatureMass() {
        // z = [ln 3, 0] -> p = [3/4, 1/4]; sum |p - 1/2| = 1/2; h = [1, -2, 3] -> sum |h| = 6; score -3.
        // ln 3 is rounded to float, so p is exact only to ~1e-7.
        DetectorInput in = Inputs.logitsAndFeatures(new float[][] {row(Math.log(3), 0)}, new float[][] {row(1, -2, 3)});
        assertThat(GradNormDetector.create().score(in)[0]).isCloseTo(-3, within(1e-6));
        // uniform softmax: no gradient, score 0 whatever h is.
        DetectorInput uniform = Inputs.logitsAndFeatures(new float[][] {row(5, 5)}, new float[][] {row(7, 7)});
        assertThat(GradNormDetector.create().score(uniform)[0]).isCloseTo(0, within(EPS));
    }

    @Test
    void missingLogitsGiveAClearError() {
        assertThatThrownBy(() -> MaxSoftmaxDetector.msp().score(Inputs.features(row(1, 2))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("msp needs LOGITS")
                .hasMessageContaining("DetectorInput.Builder#logits");
        assertThatThrownBy(() -> EnergyDetector.withTemperature(0))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("temperature");
    }
}
