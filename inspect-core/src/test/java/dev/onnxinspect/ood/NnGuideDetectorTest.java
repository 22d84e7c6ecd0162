package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NNGuide (SPEC §5b) on a fit set of three samples whose bank rows are known on paper. Fit: A h = (3, 4), B h = (0, 0),
 * C h = (0, 2), all with z = (0, 0), so logsumexp = ln 2 and the bank is g_A = (0.6, 0.8) ln 2, g_B = (0, 0) (a zero h
 * stays zero), g_C = (0, 1) ln 2.
 */
class NnGuideDetectorTest {
    private static final double LN2 = Math.log(2);
    private final DetectorInput fit = Inputs.logitsAndFeatures(
            new float[][] {row(0, 0), row(0, 0), row(0, 0)}, new float[][] {row(3, 4), row(0, 0), row(0, 2)});
    /** x: h = (1, 0), z = (0, 0); y: h = 0; w: h = (0, 5), z = (1, 1), logsumexp 1 + ln 2. */
    private final DetectorInput probe = Inputs.logitsAndFeatures(
            new float[][] {row(0, 0), row(0, 0), row(1, 1)}, new float[][] {row(1, 0), row(0, 0), row(0, 5)});

    private static NnGuideDetector fitted(NnGuideDetector.Accumulator a, DetectorInput batch) {
        a.accept(batch);
        return a.result();
    }

    @Test
    void scoreIsMinusEnergyTimesMeanOfTheTopKGuidedSimilarities() {
        NnGuideDetector d = fitted(NnGuideDetector.accumulator(2, 1), fit);
        assertThat(d.bankSize()).isEqualTo(3);
        assertThat(d.k()).isEqualTo(2);
        double[] s = d.score(probe);
        // x: <ĥ, g_i> = (0.6 ln 2, 0, 0): top 2 = 0.6 ln 2 and one of the tied zeros, mean 0.3 ln 2
        assertThat(s[0]).isCloseTo(-LN2 * 0.3 * LN2, within(1e-15));
        // y: a zero h has similarity 0 with every row: the score is +0.0, not -0.0
        assertThat(Double.doubleToRawLongBits(s[1])).isZero();
        // w: ĥ = (0, 1): similarities (0.8 ln 2, 0, ln 2), top 2 mean 0.9 ln 2, times -(1 + ln 2)
        assertThat(s[2]).isCloseTo(-(1 + LN2) * 0.9 * LN2, within(1e-15));
    }

    @Test
    void kIsAtMostTheBankAndTheBankIsTheFirstCeilAlphaNSamples() {
        NnGuideDetector all = fitted(NnGuideDetector.accumulator(), fit);
        assertThat(all.k()).isEqualTo(3); // min(100, n_b = 3)
        // x: mean of all three similarities (0.6 ln 2 + 0 + 0) / 3
        assertThat(all.score(probe)[0]).isCloseTo(-LN2 * 0.2 * LN2, within(1e-15));
        // alpha = 0.5: n_b = ceil(1.5) = 2, the bank is A and B; k = min(100, 2) = 2
        NnGuideDetector half = fitted(NnGuideDetector.accumulator(100, 0.5), fit);
        assertThat(half.bankSize()).isEqualTo(2);
        assertThat(half.fitSamples()).isEqualTo(3);
        assertThat(half.k()).isEqualTo(2);
        // w: similarities with A and B only: (0.8 ln 2, 0), mean 0.4 ln 2
        assertThat(half.score(probe)[2]).isCloseTo(-(1 + LN2) * 0.4 * LN2, within(1e-15));
        // ceil on the decimal alpha: 0.1 x 30 = 3 exactly (float64 0.1 * 30 = 3.0000000000000004 would give 4)
        assertThat(NnGuideDetector.Accumulator.bankSize(0.1, 30)).isEqualTo(3);
        assertThat(NnGuideDetector.Accumulator.bankSize(0.1, 31)).isEqualTo(4);
        assertThat(NnGuideDetector.Accumulator.bankSize(1e-9, 5)).isEqualTo(1);
    }

    @Test
    void aOneClassFitSetNeedsNoLabelsAndTiesCountOnce() {
        // every fit sample the same (one class, identical features): all similarities tie; the top-k mean is that
        // similarity whatever k is. h = (1, 0), z = (0, 0): g = (ln 2, 0); query h = (2, 0): ĥ = (1, 0).
        DetectorInput same = Inputs.logitsAndFeatures(
                new float[][] {row(0, 0), row(0, 0), row(0, 0)}, new float[][] {row(1, 0), row(1, 0), row(1, 0)});
        NnGuideDetector d = fitted(NnGuideDetector.accumulator(2, 1), same);
        DetectorInput q = Inputs.logitsAndFeatures(new float[][] {row(0, 0)}, new float[][] {row(2, 0)});
        assertThat(d.score(q)[0]).isCloseTo(-LN2 * LN2, within(1e-15));
    }

    @Test
    void savedAndLoadedScoresBitForBit(@TempDir Path dir) throws IOException {
        NnGuideDetector d = fitted(NnGuideDetector.accumulator(100, 0.5), fit);
        Path file = dir.resolve("nnguide.bin");
        DetectorFiles.save(file, "ab", d);
        NnGuideDetector loaded =
                (NnGuideDetector) DetectorFiles.load(file, "ab").get(0);
        assertThat(loaded.bankSize()).isEqualTo(2);
        assertThat(loaded.k()).isEqualTo(2);
        assertThat(loaded.alpha()).isEqualTo(0.5);
        assertThat(loaded.score(probe)).containsExactly(d.score(probe));
    }

    @Test
    void badParametersAndInputsAreRefused() {
        assertThatThrownBy(() -> NnGuideDetector.accumulator(0, 1)).hasMessageContaining("k >= 1");
        assertThatThrownBy(() -> NnGuideDetector.accumulator(1, 1.5)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> NnGuideDetector.accumulator().result()).hasMessageContaining("at least one fit");
        NnGuideDetector d = fitted(NnGuideDetector.accumulator(), fit);
        DetectorInput wide = Inputs.logitsAndFeatures(new float[][] {row(0, 0)}, new float[][] {row(1, 2, 3)});
        assertThatThrownBy(() -> d.score(wide))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("fitted on 2 features");
        assertThatThrownBy(() -> d.score(Inputs.features(row(1, 0)))).hasMessageContaining("needs LOGITS");
        assertThat(NnGuideDetector.estimate(10_000, 128).bytes()).isEqualTo(10_000L * 128 * 8);
        assertThat(d.requiredInputs())
                .containsExactlyInAnyOrderElementsOf(List.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES));
    }
}
