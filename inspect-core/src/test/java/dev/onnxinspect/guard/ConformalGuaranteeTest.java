package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The finite-sample guarantee of SPEC §6b, by simulation: R seeded draws, each of n calibration and m test scores
 * from one distribution (exchangeable), flagging p <= a. With l = floor(a (n + 1)), the false-alarm probability is
 * exactly l / (n + 1) for continuous scores and at most that with ties.
 *
 * <p>Tolerance: the test points of one draw share its calibration set, so they are not independent. Given the
 * calibration set, the false-alarm rate F is the probability mass above its (n + 1 - l)-th order statistic, which for
 * continuous scores is Beta(l, n + 1 - l): E F = l/(n+1), Var F = l (n + 1 - l) / ((n + 1)^2 (n + 2)). The share of
 * the m test points of a draw that are flagged has variance E[F (1 - F)] / m + Var F; the mean over R draws divides
 * that by R. The tests allow 4 standard deviations of that mean (a false failure about once in 16,000 runs; the
 * seeds are fixed, so the outcome is too). With n = 99, m = 50, a = 0.1, R = 2000: l = 10, E F = 0.1, sd of the
 * mean 0.00116, tolerance 0.0046.
 */
class ConformalGuaranteeTest {
    private static final int N = 99;
    private static final int M = 50;
    private static final int R = 2000;
    private static final double A = 0.1;

    /** Four standard deviations of the mean flagged share (class Javadoc). */
    private static double tolerance() {
        double l = Math.floor(A * (N + 1));
        double mean = l / (N + 1);
        double varF = l * (N + 1 - l) / ((N + 1.0) * (N + 1.0) * (N + 2.0));
        double eF1F = mean - (varF + mean * mean); // E[F] - E[F^2]
        double perDraw = eF1F / M + varF;
        return 4 * Math.sqrt(perDraw / R);
    }

    /** The mean share of test scores flagged (p <= a) over R draws. */
    private static double meanFalseAlarms(DoubleSupplier score, boolean strictCount) {
        long flagged = 0;
        for (int r = 0; r < R; r++) {
            double[] calibration = new double[N];
            for (int i = 0; i < N; i++) {
                calibration[i] = score.getAsDouble();
            }
            CalibrationScores c = CalibrationScores.of("draw", true, Map.of("d", calibration));
            double[] sorted = c.scoresOf("d");
            // p <= a is "score > t" for the threshold t of CalibrationScoresTest's sweep; checked on the first point
            double t = c.threshold("d", A);
            for (int j = 0; j < M; j++) {
                double s = score.getAsDouble();
                if (strictCount) {
                    // a wrong rule for comparison: ties not counted (#{c_i > s})
                    int above = 0;
                    for (int i = N - 1; i >= 0 && sorted[i] > s; i--) {
                        above++;
                    }
                    flagged += (1.0 + above) / (N + 1) <= A ? 1 : 0;
                } else {
                    boolean isFlagged = s > t;
                    if (j == 0) {
                        assertThat(c.flagged("d", s, A)).isEqualTo(isFlagged);
                    }
                    flagged += isFlagged ? 1 : 0;
                }
            }
        }
        return (double) flagged / ((long) R * M);
    }

    @Test
    void continuousScoresAreFlaggedAtRateAWithinTolerance() {
        Random random = new Random(20261207L);
        double rate = meanFalseAlarms(random::nextGaussian, false);
        // l / (n + 1) = 10 / 100 = a exactly here
        assertThat(rate).isBetween(A - tolerance(), A + tolerance());
    }

    @Test
    void tiedScoresStayAtOrBelowRateA() {
        // scores on 5 values (heavy ties, like KNN distances of duplicates or integer Hamming distances)
        Random random = new Random(42L);
        double rate = meanFalseAlarms(() -> random.nextInt(5), false);
        assertThat(rate).isLessThanOrEqualTo(A + tolerance());
        // the same draws with ties not counted break the guarantee: the simulation can fail a wrong rule
        Random again = new Random(42L);
        double wrong = meanFalseAlarms(() -> again.nextInt(5), true);
        assertThat(wrong).isGreaterThan(A + 10 * tolerance());
    }

    @Test
    void heavyTailedScoresToo() {
        // the guarantee needs no distributional assumption: Cauchy scores (tan of a uniform angle)
        Random random = new Random(7L);
        double rate = meanFalseAlarms(() -> Math.tan(Math.PI * (random.nextDouble() - 0.5)), false);
        assertThat(rate).isBetween(A - tolerance(), A + tolerance());
    }
}
