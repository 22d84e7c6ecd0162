package dev.onnxinspect.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OodMetricsTest {
    private static final double EPS = 1e-12;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void tiesCountHalfEverywhere() {
        // id = {0.1, 0.5, 0.5}, ood = {0.5, 0.9}; distinct scores 0.1 (1 id), 0.5 (2 id, 1 ood), 0.9 (1 ood).
        OodEvaluation e = OodMetrics.evaluate(new double[] {0.5, 0.1, 0.5}, new double[] {0.9, 0.5});
        // AUROC: ood 0.5 beats 0.1 (1) and ties both 0.5 (2 x 1/2) = 2; ood 0.9 beats all 3 -> (2 + 3) / 6.
        assertThat(e.auroc()).isCloseTo(5.0 / 6, within(EPS));
        // AUPR-Out, thresholds descending: 0.9 -> tp 1, fp 0, P 1, recall +1/2; 0.5 -> tp 2, fp 2, P 1/2, +1/2.
        assertThat(e.auprOut()).isCloseTo(0.5 * 1 + 0.5 * 0.5, within(EPS));
        // AUPR-In, thresholds ascending on score: 0.1 -> tp 1, fp 0, P 1, recall +1/3; 0.5 -> tp 3, fp 1, P 3/4,
        // recall +2/3 -> 1/3 + 1/2.
        assertThat(e.auprIn()).isCloseTo(1.0 / 3 + 2.0 / 3 * 3.0 / 4, within(EPS));
        // fpr95_id: ceil(0.95*3) = 3 -> t = 3rd smallest ID = 0.5; OOD <= 0.5: 1 of 2.
        assertThat(e.fpr95Id()).isCloseTo(0.5, within(EPS));
        // fpr95_ood: ceil(0.95*2) = 2 -> t = 2nd largest OOD = 0.5; ID >= 0.5: 2 of 3.
        assertThat(e.fpr95Ood()).isCloseTo(2.0 / 3, within(EPS));
        // detection error: t=0.1 -> (1 + 0)/2; t=0.5 -> (2/3 + 0)/2; t=0.9 -> (0 + 1/2)/2 = 0.25; t=inf -> 1/2.
        assertThat(e.detectionError()).isCloseTo(0.25, within(EPS));
        assertThat(e.nId()).isEqualTo(3);
        assertThat(e.nOod()).isEqualTo(2);
        // ROC rows (OOD flagged when score >= t): (+inf,0,0), (0.9, 1/2, 0), (0.5, 1, 2/3), (0.1, 1, 1).
        RocCurve roc = e.roc();
        assertThat(roc.thresholds()).containsExactly(INF, 0.9, 0.5, 0.1);
        assertThat(roc.tpr()).containsExactly(new double[] {0, 0.5, 1, 1}, within(EPS));
        assertThat(roc.fpr()).containsExactly(new double[] {0, 0, 2.0 / 3, 1}, within(EPS));
        assertThat(roc.size()).isEqualTo(4);
        assertThat(roc.threshold(1)).isEqualTo(0.9);
        assertThat(roc.tpr(1)).isEqualTo(0.5);
        assertThat(roc.fpr(2)).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    void perfectSeparation() {
        OodEvaluation e = OodMetrics.evaluate(new double[] {1, 2}, new double[] {3, 4, 5});
        assertThat(e.auroc()).isEqualTo(1.0);
        assertThat(e.auprIn()).isEqualTo(1.0);
        assertThat(e.auprOut()).isEqualTo(1.0);
        // fpr95_id: t = 2nd smallest ID = 2, no OOD <= 2; fpr95_ood: ceil(2.85) = 3 -> t = 3, no ID >= 3.
        assertThat(e.fpr95Id()).isEqualTo(0.0);
        assertThat(e.fpr95Ood()).isEqualTo(0.0);
        // t = 3: no ID >= 3, no OOD < 3.
        assertThat(e.detectionError()).isEqualTo(0.0);
    }

    @Test
    void reversedScores() {
        // id = {3, 4}, ood = {1, 2}: every OOD scores below every ID.
        OodEvaluation e = OodMetrics.evaluate(new double[] {3, 4}, new double[] {1, 2});
        assertThat(e.auroc()).isEqualTo(0.0);
        // AUPR-Out descending: 4 (fp 1), 3 (fp 2), 2: tp 1 fp 2 P 1/3 step 1/2; 1: tp 2 fp 2 P 1/2 step 1/2.
        assertThat(e.auprOut()).isCloseTo(1.0 / 6 + 1.0 / 4, within(EPS));
        // AUPR-In ascending: 1, 2 (fp only), 3: tp 1 fp 2 P 1/3; 4: tp 2 fp 2 P 1/2 -> same 5/12.
        assertThat(e.auprIn()).isCloseTo(5.0 / 12, within(EPS));
        // fpr95_id: t = 2nd smallest ID = 4, both OOD <= 4. fpr95_ood: t = 2nd largest OOD = 1, both ID >= 1.
        assertThat(e.fpr95Id()).isEqualTo(1.0);
        assertThat(e.fpr95Ood()).isEqualTo(1.0);
        // t=1: (1+0)/2; t=2: (1+1/2)/2; t=3: (1+1)/2; t=4: (1/2+1)/2; t=inf: (0+1)/2 -> 0.5.
        assertThat(e.detectionError()).isEqualTo(0.5);
    }

    @Test
    void averagePrecisionIsStepwiseLikeScikitLearn() {
        // id = {0.2, 0.4, 0.4, 0.7}, ood = {0.4, 0.6, 0.9}, OOD positive, ranked by score:
        // t=0.9: tp 1 fp 0 P 1   R 1/3
        // t=0.7: tp 1 fp 1 P 1/2 R 1/3   (no recall step)
        // t=0.6: tp 2 fp 1 P 2/3 R 2/3
        // t=0.4: tp 3 fp 3 P 1/2 R 1
        // t=0.2: tp 3 fp 4 P 3/7 R 1     (no recall step)
        // AP = 1/3*1 + 1/3*2/3 + 1/3*1/2 = 13/18 (trapezoidal interpolation would give a different number).
        double[] id = {0.2, 0.4, 0.4, 0.7};
        double[] ood = {0.4, 0.6, 0.9};
        OodEvaluation e = OodMetrics.evaluate(id, ood);
        assertThat(e.auprOut()).isCloseTo(13.0 / 18, within(EPS));
        // ID positive, ranked by -score (thresholds ascending on score):
        // t=0.2: tp 1 fp 0 P 1 R 1/4; t=0.4: tp 3 fp 1 P 3/4 R 3/4; t=0.6: tp 3 fp 2 (no step);
        // t=0.7: tp 4 fp 2 P 2/3 R 1; AP = 1/4 + 2/4*3/4 + 1/4*2/3 = 1/4 + 3/8 + 1/6 = 19/24.
        assertThat(e.auprIn()).isCloseTo(19.0 / 24, within(EPS));
        // AUROC: ood 0.4 beats 0.2, ties two 0.4 -> 2; 0.6 beats 3 -> 3; 0.9 beats 4 -> 4; 9/12.
        assertThat(e.auroc()).isCloseTo(9.0 / 12, within(EPS));
        // the input arrays are neither sorted nor changed in place
        assertThat(id).containsExactly(0.2, 0.4, 0.4, 0.7);
        assertThat(ood).containsExactly(0.4, 0.6, 0.9);
    }

    @Test
    void unequalSizesAndAurocSymmetry() {
        // id = {0, 1, 2, 3, 4}, ood = {2.5}: ood beats 3 of 5 -> 3/5. Swapping roles and negating scores gives
        // the same AUROC (the positive class does not matter).
        OodEvaluation e = OodMetrics.evaluate(new double[] {4, 0, 3, 1, 2}, new double[] {2.5});
        assertThat(e.auroc()).isCloseTo(0.6, within(EPS));
        OodEvaluation swapped = OodMetrics.evaluate(new double[] {-2.5}, new double[] {-4, 0, -3, -1, -2});
        assertThat(swapped.auroc()).isCloseTo(0.6, within(EPS));
        // detection error: t=3 -> (2/5 + 1)/2; t=2.5 -> (2/5 + 0)/2 = 0.2; t=2 -> (3/5)/2; t=inf -> 1/2.
        assertThat(e.detectionError()).isCloseTo(0.2, within(EPS));
    }

    @Test
    void fpr95ConventionsDifferWhenOodHasALowOutlier() {
        // id = 0..19; ood = {10, 20, 21, ..., 38} (20 scores). ceil(0.95*20) = 19.
        // fpr95_id: t = 19th smallest ID = 18; OOD <= 18 is only {10} -> 1/20.
        // fpr95_ood: t = 19th largest OOD = 20 (second smallest); ID >= 20: none -> 0.
        double[] id = IntStream.range(0, 20).asDoubleStream().toArray();
        double[] ood = IntStream.concat(IntStream.of(10), IntStream.rangeClosed(20, 38))
                .asDoubleStream()
                .toArray();
        OodEvaluation e = OodMetrics.evaluate(id, ood);
        assertThat(e.fpr95Id()).isCloseTo(0.05, within(EPS));
        assertThat(e.fpr95Ood()).isEqualTo(0.0);
    }

    @Test
    void fpr95ConventionsDifferWhenIdHasAHighOutlier() {
        // id = {0..18, 30}; ood = 20..39. ceil(0.95*20) = 19.
        // fpr95_id: t = 19th smallest ID = 18; no OOD <= 18 -> 0.
        // fpr95_ood: t = 19th largest OOD = 21; ID >= 21 is only {30} -> 1/20.
        double[] id = IntStream.concat(IntStream.rangeClosed(0, 18), IntStream.of(30))
                .asDoubleStream()
                .toArray();
        double[] ood = IntStream.range(20, 40).asDoubleStream().toArray();
        OodEvaluation e = OodMetrics.evaluate(id, ood);
        assertThat(e.fpr95Id()).isEqualTo(0.0);
        assertThat(e.fpr95Ood()).isCloseTo(0.05, within(EPS));
    }

    @Test
    void ninetyFivePercentIsCeilingInIntegers() {
        // ceil(0.95): 1 -> 1; 3 -> ceil(2.85) = 3; 20 -> 19 exactly; 100 -> 95 exactly; 101 -> ceil(95.95) = 96.
        assertThat(OodMetrics.ninetyFivePercent(1)).isEqualTo(1);
        assertThat(OodMetrics.ninetyFivePercent(3)).isEqualTo(3);
        assertThat(OodMetrics.ninetyFivePercent(20)).isEqualTo(19);
        assertThat(OodMetrics.ninetyFivePercent(100)).isEqualTo(95);
        assertThat(OodMetrics.ninetyFivePercent(101)).isEqualTo(96);
    }

    @Test
    void infiniteScoresTieWithEachOther() {
        // id = {0, 1}, ood = {+inf, +inf, 1}. AUROC: each +inf beats both ID (4), 1 beats 0 and ties 1 (1.5) -> 5.5/6.
        OodEvaluation e = OodMetrics.evaluate(new double[] {0, 1}, new double[] {INF, 1, INF});
        assertThat(e.auroc()).isCloseTo(5.5 / 6, within(EPS));
        // +inf is a score, so no extra start row: thresholds +inf, 1, 0.
        assertThat(e.roc().thresholds()).containsExactly(INF, 1, 0);
        assertThat(e.roc().tpr()).containsExactly(new double[] {2.0 / 3, 1, 1}, within(EPS));
        assertThat(e.roc().fpr()).containsExactly(new double[] {0, 0.5, 1}, within(EPS));
        // detection error: t=0 -> 1/2; t=1 -> (1/2 + 0)/2; t=+inf -> (0 + 1/3)/2 = 1/6.
        assertThat(e.detectionError()).isCloseTo(1.0 / 6, within(EPS));
    }

    @Test
    void negativeZeroTiesWithZero() {
        OodEvaluation e = OodMetrics.evaluate(new double[] {-0.0}, new double[] {0.0});
        assertThat(e.auroc()).isEqualTo(0.5);
        assertThat(e.roc().size()).isEqualTo(2);
    }

    @Test
    void rejectsNaNAndEmptySets() {
        assertThatThrownBy(() -> OodMetrics.evaluate(new double[] {0, Double.NaN}, new double[] {1}))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("ID score 1 is NaN");
        assertThatThrownBy(() -> OodMetrics.evaluate(new double[] {0}, new double[] {Double.NaN}))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("OOD score 0 is NaN");
        assertThatThrownBy(() -> OodMetrics.evaluate(new double[0], new double[] {1}))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("ID score set is empty");
        assertThatThrownBy(() -> OodMetrics.evaluate(new double[] {1}, new double[0]))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("OOD score set is empty");
    }

    @Test
    void accuracyCountsMatches() {
        // 3 of 4 predictions equal their labels.
        assertThat(OodMetrics.accuracy(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 0}))
                .isEqualTo(0.75);
        assertThatThrownBy(() -> OodMetrics.accuracy(new int[] {0}, new int[] {0, 1}))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("1 predictions and 2 labels");
        assertThatThrownBy(() -> OodMetrics.accuracy(new int[0], new int[0]))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void largeInputIsFastAndAurocMatchesPairCount() {
        // id = 0..49999, ood = 25000..74999 (step 1): OOD beats ID in pairs where ood > id; ties where equal.
        // For ood value v: #id < v = min(v, 50000), ties = 1 if v < 50000. Sum over v = 25000..74999:
        // v < 50000: v + 0.5 -> sum_{v=25000}^{49999} v + 25000*0.5; v >= 50000: 50000 each (25000 values).
        int n = 50_000;
        double[] id = IntStream.range(0, n).asDoubleStream().toArray();
        double[] ood = IntStream.range(n / 2, n / 2 + n).asDoubleStream().toArray();
        double below = (25_000L + 49_999L) * 25_000L / 2.0 + 12_500 + 25_000.0 * 50_000;
        OodEvaluation e = OodMetrics.evaluate(id, ood);
        assertThat(e.auroc()).isCloseTo(below / ((double) n * n), within(1e-15));
    }

    @Test
    void evaluationRejectsOutOfRangeValues() {
        RocCurve roc = new RocCurve(new double[] {INF}, new double[] {0}, new double[] {0});
        assertThatThrownBy(() -> new OodEvaluation(1.5, 0, 0, 0, 0, 0, 0, 0, 1, 1, roc))
                .isInstanceOf(MetricsException.class)
                .hasMessageContaining("auroc");
        assertThatThrownBy(() -> new RocCurve(new double[] {1}, new double[0], new double[] {0}))
                .isInstanceOf(MetricsException.class);
    }
}
