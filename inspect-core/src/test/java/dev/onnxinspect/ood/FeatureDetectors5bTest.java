package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.dense;
import static dev.onnxinspect.ood.Inputs.logitsAndFeatures;
import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.DenseLayer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §5b feature detectors: fDBD, RMDS, SCALE; expected values derived by hand. */
class FeatureDetectors5bTest {
    private static final double EPS = 1e-12;
    // w0 = (1, 0), w1 = (0, 1), w2 = (2, 0), w3 = (1, 0) = w0: pair distances |w0-w1| = sqrt 2, |w0-w2| = 1,
    // |w1-w2| = sqrt 5, |w0-w3| = 0.
    private static final DenseLayer HEAD =
            dense(new float[][] {row(1, 0), row(0, 1), row(2, 0), row(1, 0)}, row(0, 0, 0, 0));

    private static FdbdDetector fdbdFittedAtMean10() {
        // fit features (1, 1) and (1, -1): mu = (1, 0)
        FdbdDetector.Accumulator acc = FdbdDetector.accumulator(HEAD);
        acc.accept(Inputs.features(row(1, 1), row(1, -1)));
        return acc.result();
    }

    @Test
    void fdbdSumsBoundaryDistancesOverTheFeatureDistanceFromTheMean() {
        FdbdDetector fdbd = fdbdFittedAtMean10();
        assertThat(fdbd.name()).isEqualTo("fdbd");
        assertThat(fdbd.mean()).containsExactly(1, 0);
        assertThat(fdbd.fitSamples()).isEqualTo(2);
        assertThat(fdbd.usesDenseWeights()).isTrue();
        // z = (3, 1, 3, 0): yhat = 0 (tie with class 2: lowest index). c=1: |3-1|/sqrt 2 = sqrt 2; c=2: 0/1 = 0;
        // c=3: |w0 - w3| = 0 adds 0. Numerator sqrt 2. h = (3, 1): |h - mu| = sqrt 5 -> -sqrt(2/5).
        // (yhat = 2 would give |3-3|/1 + |3-1|/sqrt 5 + |3-0|/1 instead.)
        DetectorInput in = logitsAndFeatures(new float[][] {row(3, 1, 3, 0)}, new float[][] {row(3, 1)});
        assertThat(fdbd.score(in)[0]).isCloseTo(-Math.sqrt(2.0 / 5), within(EPS));
        // the option: normaliser |h| = sqrt 10 -> -sqrt 2 / sqrt 10; not fitted
        FdbdDetector origin = FdbdDetector.originNormalised(HEAD);
        assertThat(origin.name()).isEqualTo("fdbd_origin");
        assertThat(origin.normaliser()).isEqualTo(FdbdDetector.Normaliser.ORIGIN);
        assertThat(origin.score(in)[0]).isCloseTo(-Math.sqrt(2.0 / 10), within(EPS));
    }

    @Test
    void fdbdZeroNormaliserGivesMinusInfinityOrZero() {
        FdbdDetector fdbd = fdbdFittedAtMean10();
        // h = mu: a numerator > 0 gives -infinity; all logits equal: numerator 0 gives 0.
        DetectorInput in = logitsAndFeatures(
                new float[][] {row(3, 1, 3, 0), row(1, 1, 1, 1)}, new float[][] {row(1, 0), row(1, 0)});
        assertThat(fdbd.score(in)).containsExactly(Double.NEGATIVE_INFINITY, 0.0);
        // option: a zero h
        DetectorInput zero = logitsAndFeatures(new float[][] {row(3, 1, 3, 0)}, new float[][] {row(0, 0)});
        assertThat(FdbdDetector.originNormalised(HEAD).score(zero)[0]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> FdbdDetector.accumulator(HEAD).result())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no fit samples");
    }

    @Test
    void rmdsSubtractsTheBackgroundMahalanobisDistance() {
        // d = 1; class 0: {0, 2}, class 1: {4, 6}: mu_0 = 1, mu_1 = 5, class-centred deviations +-1 -> Sigma = 1.
        // all: mean 3, deviations -3, -1, 1, 3 -> Sigma_0 = 20/4 = 5.
        RmdsDetector.Accumulator acc = RmdsDetector.accumulator(2);
        acc.accept(Inputs.labelledFeatures(new int[] {0, 0, 1, 1}, row(0), row(2), row(4), row(6)));
        RmdsDetector rmds = acc.result();
        assertThat(rmds.name()).isEqualTo("rmds");
        // h = 3: min(4, 4)/1 - 0 = 4; h = 1: 0 - 4/5; h = 7: min(36, 4) - 16/5 = 0.8.
        assertThat(rmds.score(Inputs.features(row(3), row(1), row(7))))
                .containsExactly(new double[] {4, -0.8, 0.8}, within(EPS));
        assertThat(rmds.background().classMean(0)).containsExactly(3);
    }

    @Test
    void rmdsOfAOneClassFitSetIsZero() {
        // one class: the class-conditional and the background fits see the same samples the same way.
        RmdsDetector.Accumulator acc = RmdsDetector.accumulator(3);
        acc.accept(Inputs.labelledFeatures(new int[] {1, 1, 1}, row(0, 1), row(2, 5), row(1, -1)));
        assertThat(acc.result().score(Inputs.features(row(4, 4), row(0, 0)))).containsExactly(0.0, 0.0);
    }

    @Test
    void scaleRescalesEveryFeatureBySumOverTopK() {
        // n = 10, P = 85: n P / 100 = 8.5 rounds half to even to 8 -> k = 2 (half up would give k = 1).
        float[] w = new float[10];
        w[9] = 1;
        DenseLayer head = dense(new float[][] {w, new float[10]}, row(0, 0));
        ScaleDetector scale = ScaleDetector.create(head);
        assertThat(scale.topCount()).isEqualTo(2);
        assertThat(scale.name()).isEqualTo("scale");
        // h = (0.1, ..., 1.0): sum 5.5, S_2 = 1.0 + 0.9 = 1.9, f = exp(5.5 / 1.9); z = (1.0 f, 0);
        // energy -ln(e^f + 1) = -(f + ln(1 + e^-f)). (floats 0.1 k: values exact to ~1e-7 relative)
        float[] h = new float[10];
        for (int j = 0; j < 10; j++) {
            h[j] = (float) (0.1 * (j + 1));
        }
        double f = Math.exp(5.5 / 1.9);
        assertThat(scale.score(Inputs.features(h))[0]).isCloseTo(-(f + Math.log1p(Math.exp(-f))), within(1e-5));
        // S_k = 0 (h = 0): factor 1, z = b = (0, 0): -ln 2.
        assertThat(scale.score(Inputs.features(new float[10]))[0]).isCloseTo(-Math.log(2), within(EPS));
        // n = 3, P = 50: 1.5 -> 2, k = 1; n = 5, P = 50: 2.5 -> 2, k = 3.
        assertThat(ScaleDetector.create(dense(new float[][] {row(1, 1, 1)}, row(0)), 50, 1)
                        .topCount())
                .isEqualTo(1);
        assertThat(ScaleDetector.create(dense(new float[][] {row(1, 1, 1, 1, 1)}, row(0)), 50, 1)
                        .topCount())
                .isEqualTo(3);
    }

    @Test
    void scaleRefusesNegativeFeatures() {
        DenseLayer head = dense(new float[][] {row(1, 0), row(0, 1)}, row(0, 0));
        assertThatThrownBy(() -> ScaleDetector.create(head).score(Inputs.features(row(1, -0.5))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("non-negative features")
                .hasMessageContaining("feature 1");
        // at fit time: the suite leaves SCALE out with the reason under its name
        ScaleDetector.Accumulator acc = ScaleDetector.accumulator(head);
        acc.accept(Inputs.features(row(1, 2), row(3, -0.25)));
        assertThatThrownBy(acc::result)
                .isInstanceOf(OodException.class)
                .hasMessageContaining("feature 1 of fit sample 1 is -0.25");
        List<String> skipped = new ArrayList<>();
        DetectorSuite suite =
                DetectorSuite.builder().fit(acc).add(GenDetector.create()).buildSkippingFailures(skipped);
        assertThat(suite.names()).containsExactly("gen");
        assertThat(skipped).singleElement().asString().startsWith("scale: SCALE needs non-negative features");
        ScaleDetector.Accumulator fine = ScaleDetector.accumulator(head);
        fine.accept(Inputs.features(row(1, 2)));
        assertThat(fine.result().percentile()).isEqualTo(85.0);
        assertThatThrownBy(() -> ScaleDetector.create(head, 101, 1))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("[0, 100]");
    }
}
