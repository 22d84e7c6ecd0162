package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.logits;
import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** SPEC §5b logit detectors: GEN, MSP with temperature, Entropy; expected values derived by hand. */
class LogitDetectors5bTest {
    private static final double EPS = 1e-12;
    private static final double G = GenDetector.DEFAULT_GAMMA;

    @Test
    void genSumsGeneralizedEntropyTerms() {
        GenDetector gen = GenDetector.create();
        assertThat(gen.name()).isEqualTo("gen");
        assertThat(gen.gamma()).isEqualTo(0.1);
        assertThat(gen.m()).isEqualTo(100);
        // z = [0, 0]: p = [1/2, 1/2], each term (1/2)^g (1/2)^g -> 2 * (1/4)^g; K = 2 <= M sums all.
        assertThat(gen.score(logits(row(0, 0)))[0]).isCloseTo(2 * Math.pow(0.25, G), within(EPS));
        // z = [ln 3, 0]: p = [3/4, 1/4] -> 2 (3/16)^g (ln 3 rounded to float: p exact to ~1e-7).
        assertThat(gen.score(logits(row(Math.log(3), 0)))[0]).isCloseTo(2 * Math.pow(3.0 / 16, G), within(1e-7));
    }

    @Test
    void genComputesOneMinusPWithoutCancellation() {
        // z = [40, 0]: p1 = 1/(1 + e^-40), p2 = e^-40/(1 + e^-40), 1 - p1 = p2 exactly, so G = 2 (p1 p2)^g ~ 2 e^-4.
        // A naive 1 - p1 rounds to 0 in float64 (e^-40 < 2^-53) and gives only (p2 p1)^g ~ e^-4: 0.018 less.
        double e = Math.exp(-40);
        double p1 = 1 / (1 + e);
        double p2 = e / (1 + e);
        double expected = 2 * Math.pow(p1 * p2, G);
        double s = GenDetector.create().score(logits(row(40, 0)))[0];
        assertThat(s).isCloseTo(expected, within(1e-15));
        assertThat(expected - Math.pow(p2 * (1 - p2), G)).isGreaterThan(0.018);
        // z = [1000, 0]: p2 = e^-1000 underflows to 0 and 0^g = 0: both terms 0, no NaN.
        assertThat(GenDetector.create().score(logits(row(1000, 0)))[0]).isEqualTo(0.0);
    }

    @Test
    void genSumsOnlyTheMLargestProbabilitiesAndTiesAtTheCutDoNotMatter() {
        // z = ln [4, 3, 2, 1] -> p = [0.4, 0.3, 0.2, 0.1]; M = 2: 0.4^g 0.6^g + 0.3^g 0.7^g.
        DetectorInput in = logits(row(Math.log(4), Math.log(3), Math.log(2), 0));
        double top2 = Math.pow(0.4 * 0.6, G) + Math.pow(0.3 * 0.7, G);
        assertThat(GenDetector.create(G, 2).score(in)[0]).isCloseTo(top2, within(1e-6));
        double all = top2 + Math.pow(0.2 * 0.8, G) + Math.pow(0.1 * 0.9, G);
        assertThat(GenDetector.create().score(in)[0]).isCloseTo(all, within(1e-6));
        // z = [ln 2, 0, 0, 0] -> p = [0.4, 0.2, 0.2, 0.2]; M = 2 takes one of three equal 0.2: the same value.
        DetectorInput tied = logits(row(Math.log(2), 0, 0, 0));
        assertThat(GenDetector.create(G, 2).score(tied)[0])
                .isCloseTo(Math.pow(0.4 * 0.6, G) + Math.pow(0.2 * 0.8, G), within(1e-6));
        // gamma = 1, M = 1: p (1 - p) of the largest only: z = [0, 0, 0] -> 1/3 * 2/3.
        assertThat(GenDetector.create(1, 1).score(logits(row(0, 0, 0)))[0]).isCloseTo(2.0 / 9, within(EPS));
        assertThatThrownBy(() -> GenDetector.create(0, 5))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("gamma");
        assertThatThrownBy(() -> GenDetector.create(0.1, 0))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("M");
    }

    @Test
    void entropyIsComputedInLogSpace() {
        EntropyDetector entropy = EntropyDetector.create();
        assertThat(entropy.name()).isEqualTo("entropy");
        assertThat(entropy.temperature()).isEqualTo(1.0);
        assertThat(entropy.fittedTemperature()).isEmpty();
        // z = [0, 0]: ln 2. z = [ln 2, 0, 0]: p = [1/2, 1/4, 1/4] -> 1/2 ln 2 + 2 * 1/4 ln 4 = 3/2 ln 2.
        assertThat(entropy.score(logits(row(0, 0)))[0]).isCloseTo(Math.log(2), within(EPS));
        assertThat(entropy.score(logits(row(Math.log(2), 0, 0)))[0]).isCloseTo(1.5 * Math.log(2), within(1e-7));
        // z = [1000, 0]: p = [1, e^-1000 -> 0]: entropy 0, not 0 * ln 0 = NaN.
        assertThat(entropy.score(logits(row(1000, 0)))[0]).isEqualTo(0.0);
    }

    @Test
    void temperatureIsTheExactNllMinimiser() {
        // Four samples with logits (0, 2), labels 1, 1, 1, 0: dNLL/dbeta = 2 sigmoid(2 beta) - 2 * 3/4 = 0
        // -> sigmoid(2 beta) = 3/4 -> beta = ln(3)/2 -> T* = 2 / ln 3.
        MspTemperatureDetector.Accumulator acc = MspTemperatureDetector.accumulator(2);
        acc.accept(labelled(new int[] {1, 1, 1, 0}, row(0, 2), row(0, 2), row(0, 2), row(0, 2)));
        MspTemperatureDetector msp = acc.result();
        FittedTemperature t = msp.fittedTemperature();
        assertThat(t.temperature()).isCloseTo(2 / Math.log(3), within(1e-12 * 2 / Math.log(3)));
        assertThat(t.clamped()).isFalse();
        assertThat(t.samples()).isEqualTo(4);
        assertThat(msp.name()).isEqualTo("msp_temperature");
        // scoring z = (0, 2) at T*: z / T* = (0, ln 3) -> p = (1/4, 3/4) -> -3/4.
        assertThat(msp.score(logits(row(0, 2)))[0]).isCloseTo(-0.75, within(1e-12));
        // three classes: logits (3, 0, 0), labels 0, 0, 1, 2: p_0(beta) = 1/2 -> e^(3 beta) = 2 -> T* = 3 / ln 2.
        MspTemperatureDetector.Accumulator three = MspTemperatureDetector.accumulator(3);
        three.accept(labelled(new int[] {0, 0, 1, 2}, row(3, 0, 0), row(3, 0, 0), row(3, 0, 0), row(3, 0, 0)));
        assertThat(three.result().fittedTemperature().temperature())
                .isCloseTo(3 / Math.log(2), within(1e-12 * 3 / Math.log(2)));
    }

    @Test
    void temperatureWithoutAMinimumInRangeIsClampedAndFlagged() {
        // every sample right with a margin: the NLL falls as T -> 0, clamped to 1/100.
        MspTemperatureDetector.Accumulator sure = MspTemperatureDetector.accumulator(2);
        sure.accept(labelled(new int[] {1, 0}, row(0, 2), row(2, 0)));
        FittedTemperature low = sure.result().fittedTemperature();
        assertThat(low.temperature()).isEqualTo(0.01);
        assertThat(low.clamped()).isTrue();
        assertThat(low.describe()).contains("clamped");
        // logits (0, 2) labelled 1 and 0: sigmoid(2 beta) = 1/2 at beta = 0 (T = infinity): clamped to 100.
        MspTemperatureDetector.Accumulator coin = MspTemperatureDetector.accumulator(2);
        coin.accept(labelled(new int[] {1, 0}, row(0, 2), row(0, 2)));
        FittedTemperature high = coin.result().fittedTemperature();
        assertThat(high.temperature()).isEqualTo(100.0);
        assertThat(high.clamped()).isTrue();
        // logits equal within every row: the NLL does not depend on T; Choice: T* = 1, not clamped.
        MspTemperatureDetector.Accumulator flat = MspTemperatureDetector.accumulator(2);
        flat.accept(labelled(new int[] {0, 1}, row(1, 1), row(-2, -2)));
        assertThat(flat.result().fittedTemperature()).isEqualTo(new FittedTemperature(1, false, 2));
    }

    @Test
    void entropyWithTemperatureUsesTheFittedTemperature() {
        EntropyDetector.Accumulator acc = EntropyDetector.temperatureAccumulator(2);
        acc.accept(labelled(new int[] {1, 1, 1, 0}, row(0, 2), row(0, 2), row(0, 2), row(0, 2)));
        EntropyDetector entropy = acc.result();
        assertThat(entropy.name()).isEqualTo("entropy_temperature");
        assertThat(entropy.temperature()).isCloseTo(2 / Math.log(3), within(1e-11));
        // z = (0, 2) at T* = 2 / ln 3: p = (1/4, 3/4) -> -(1/4 ln 1/4 + 3/4 ln 3/4).
        double h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
        assertThat(entropy.score(logits(row(0, 2)))[0]).isCloseTo(h, within(1e-11));
    }

    @Test
    void temperatureFitsRefuseWhatTheyCannotUse() {
        assertThatThrownBy(() -> MspTemperatureDetector.accumulator(2).result())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no fit samples");
        MspTemperatureDetector.Accumulator acc = MspTemperatureDetector.accumulator(2);
        assertThatThrownBy(() -> acc.accept(logits(row(0, 1))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("needs LABELS");
        assertThatThrownBy(() -> acc.accept(labelled(new int[] {0}, row(0, 1, 2))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("set up for 2 classes");
        assertThatThrownBy(() -> acc.merge(MspTemperatureDetector.accumulator(3)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("for 2 classes");
    }

    static DetectorInput labelled(int[] labels, float[]... rows) {
        return DetectorInput.builder(rows.length).logits(rows).labels(labels).build();
    }
}
