package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hand-made series: 3 probe samples x 4 units over checkpoints t = 0, 1, 2 (S1 with tau = 0).
 * <pre>
 *        activations a            pattern p
 * t=0  s0 ( 1, 2, 0, 0)          (1,1,0,0)
 *      s1 ( 1, 0, 3, 0)          (1,0,1,0)
 *      s2 ( 0, 0, 0, 0)          (0,0,0,0)
 * t=1  s0 ( 1, 0, 1, 0)          (1,0,1,0)
 *      s1 ( 2, 0, 1, 1)          (1,0,1,1)
 *      s2 ( 0, 0,-1, 0)          (0,0,0,0)
 * t=2  s0 ( 1, 0, 1, 0)          (1,0,1,0)
 *      s1 ( 0, 0, 2, 0)          (0,0,1,0)
 *      s2 ( 0, 5, 1, 0)          (0,1,1,0)
 * </pre>
 * Pairs (3 samples <= 256: all): (0,1), (0,2), (1,2).
 */
class PathSimilarityAccumulatorTest {
    static final float[][] T0 = {{1, 2, 0, 0}, {1, 0, 3, 0}, {0, 0, 0, 0}};
    static final float[][] T1 = {{1, 0, 1, 0}, {2, 0, 1, 1}, {0, 0, -1, 0}};
    static final float[][] T2 = {{1, 0, 1, 0}, {0, 0, 2, 0}, {0, 5, 1, 0}};
    static final double EPS = 1e-15;

    record Row(int step, PathKind kind, int i, int j, double similarity) {}

    private static List<Row> run(PathSimilarityAccumulator[] out) {
        List<Row> rows = new ArrayList<>();
        var acc = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), (layer, step, kind, i, j, s) -> {
            assertThat(layer).isEqualTo("fc1");
            rows.add(new Row(step, kind, i, j, s));
        });
        acc.accept(0, T0);
        acc.accept(1, T1);
        acc.accept(2, T2);
        out[0] = acc;
        return rows;
    }

    @Test
    void selfSimilaritiesByHand() {
        var rows = run(new PathSimilarityAccumulator[1]);
        // step 1: s0 (1,1,0,0) vs (1,0,1,0): 1 / sqrt(2*2) = 1/2; s1 (1,0,1,0) vs (1,0,1,1): 2 / sqrt(2*3);
        //         s2 all zeros at both -> 0.
        // step 2: s0 unchanged -> 1; s1 (1,0,1,1) vs (0,0,1,0): 1 / sqrt(3*1); s2 zero before -> 0.
        assertThat(self(rows, 1)).containsExactly(new double[] {0.5, 2 / Math.sqrt(6), 0}, within(EPS));
        assertThat(self(rows, 2)).containsExactly(new double[] {1, 1 / Math.sqrt(3), 0}, within(EPS));
    }

    @Test
    void crossPatternSimilaritiesByHand() {
        var rows = run(new PathSimilarityAccumulator[1]);
        // step 1, (0,1): AND at t=1 (1,0,1,0)&(1,0,1,1) = (1,0,1,0); at t=0 (1,1,0,0)&(1,0,1,0) = (1,0,0,0)
        //                -> 1 / sqrt(2*1) = 1/sqrt(2). (0,2), (1,2): p_2 is zero at t=0 and t=1 -> 0.
        // step 2, (0,1): at t=2 (1,0,1,0)&(0,0,1,0) = (0,0,1,0); at t=1 (1,0,1,0) -> 1 / sqrt(1*2).
        //         (0,2), (1,2): the AND at t=1 is zero -> 0.
        assertThat(cross(rows, 1, PathKind.CROSS_PATTERN))
                .containsExactly(new double[] {1 / Math.sqrt(2), 0, 0}, within(EPS));
        assertThat(cross(rows, 2, PathKind.CROSS_PATTERN))
                .containsExactly(new double[] {1 / Math.sqrt(2), 0, 0}, within(EPS));
    }

    @Test
    void crossActivationSimilaritiesByHand() {
        var rows = run(new PathSimilarityAccumulator[1]);
        // step 1, (0,1): a0*a1 at t=1 = (2,0,1,0), at t=0 = (1,0,0,0) -> 2 / (sqrt(5) * 1) = 2/sqrt(5).
        //         (0,2): at t=0 a0*a2 = 0 -> 0; (1,2): at t=0 a1*a2 = 0 -> 0.
        // step 2, (0,1): at t=2 (0,0,2,0), at t=1 (2,0,1,0) -> 2 / (2 sqrt(5)) = 1/sqrt(5).
        //         (0,2): at t=2 (0,0,1,0), at t=1 (0,0,-1,0) -> -1.
        //         (1,2): at t=2 (0,0,2,0), at t=1 (0,0,-1,0) -> -2 / 2 = -1.
        assertThat(cross(rows, 1, PathKind.CROSS_ACTIVATION))
                .containsExactly(new double[] {2 / Math.sqrt(5), 0, 0}, within(EPS));
        assertThat(cross(rows, 2, PathKind.CROSS_ACTIVATION))
                .containsExactly(new double[] {1 / Math.sqrt(5), -1, -1}, within(EPS));
    }

    @Test
    void rowsComeInTheDocumentedOrder() {
        var rows = run(new PathSimilarityAccumulator[1]);
        // per step: 3 self rows, then per pair cross_pattern then cross_activation: 3 + 2 * 3 = 9; steps 1 and 2.
        assertThat(rows).hasSize(18);
        assertThat(rows.subList(0, 9))
                .extracting(Row::kind)
                .containsExactly(
                        PathKind.SELF,
                        PathKind.SELF,
                        PathKind.SELF,
                        PathKind.CROSS_PATTERN,
                        PathKind.CROSS_ACTIVATION,
                        PathKind.CROSS_PATTERN,
                        PathKind.CROSS_ACTIVATION,
                        PathKind.CROSS_PATTERN,
                        PathKind.CROSS_ACTIVATION);
        assertThat(rows.subList(0, 3)).extracting(Row::j).containsOnly(-1);
        assertThat(rows.subList(3, 9)).extracting(Row::i).containsExactly(0, 0, 0, 0, 1, 1);
        assertThat(rows.subList(3, 9)).extracting(Row::j).containsExactly(1, 1, 2, 2, 2, 2);
        assertThat(rows).extracting(Row::step).containsOnly(1, 2);
        assertThat(PathKind.CROSS_ACTIVATION.tableName()).isEqualTo("cross_activation");
    }

    @Test
    void stepSummariesByHand() {
        var acc = new PathSimilarityAccumulator[1];
        run(acc);
        PathSimilarityResult r = acc[0].result();
        assertThat(r.steps()).containsExactly(1, 2);
        assertThat(r.samples()).isEqualTo(3);
        assertThat(r.units()).isEqualTo(4);
        assertThat(r.pairs().size()).isEqualTo(3);
        // SELF step 1: sorted values (0, 1/2, 2/sqrt(6)); type-7 quartiles with h = 2p:
        // q1: h = 0.5 -> 0 + 0.5 * (1/2 - 0) = 1/4; median: h = 1 -> 1/2; q3: h = 1.5 -> 1/2 + 0.5 (2/sqrt(6) - 1/2).
        StepSummary s = r.summary(1, PathKind.SELF);
        double v = 2 / Math.sqrt(6);
        assertThat(s.previousStep()).isZero();
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo((0.5 + v) / 3, within(EPS));
        assertThat(s.min()).isEqualTo(0.0);
        assertThat(s.lowerQuartile()).isCloseTo(0.25, within(EPS));
        assertThat(s.median()).isCloseTo(0.5, within(EPS));
        assertThat(s.upperQuartile()).isCloseTo(0.5 + 0.5 * (v - 0.5), within(EPS));
        assertThat(s.max()).isCloseTo(v, within(EPS));
        // CROSS_ACTIVATION step 2: values (1/sqrt(5), -1, -1): sorted (-1, -1, 1/sqrt(5)).
        StepSummary a = r.summary(2, PathKind.CROSS_ACTIVATION);
        assertThat(a.previousStep()).isEqualTo(1);
        assertThat(a.mean()).isCloseTo((1 / Math.sqrt(5) - 2) / 3, within(EPS));
        assertThat(a.min()).isEqualTo(-1.0);
        assertThat(a.median()).isEqualTo(-1.0);
        assertThat(a.upperQuartile()).isCloseTo(-1 + 0.5 * (1 / Math.sqrt(5) + 1), within(EPS));
        assertThat(r.summaries(PathKind.CROSS_PATTERN).stream()
                        .mapToDouble(StepSummary::mean)
                        .toArray())
                .containsExactly(new double[] {1 / (3 * Math.sqrt(2)), 1 / (3 * Math.sqrt(2))}, within(EPS));
        assertThatThrownBy(() -> r.summary(3, PathKind.SELF))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no SELF summary at step 3");
    }

    @Test
    void earlyToMidRatioByHand() {
        var acc = new PathSimilarityAccumulator[1];
        run(acc);
        PathSimilarityResult r = acc[0].result();
        // cross_pattern means: step 1 and step 2 are both 1/(3 sqrt 2) -> ratio 1.
        EarlyToMidRatio p = r.earlyToMidRatio(PathKind.CROSS_PATTERN, new StepRange(0, 1), new StepRange(2, 2));
        assertThat(p.ratio()).isCloseTo(1.0, within(EPS));
        assertThat(p.earlySteps()).isEqualTo(1); // step 0 compares nothing, so [0, 1] holds step 1 only
        // cross_activation: early mean (2/sqrt5)/3, middle mean (1/sqrt5 - 2)/3 -> 2 / (1 - 2 sqrt 5).
        EarlyToMidRatio a = r.earlyToMidRatio(PathKind.CROSS_ACTIVATION, new StepRange(1, 1), new StepRange(2, 2));
        assertThat(a.earlyMean()).isCloseTo(2 / Math.sqrt(5) / 3, within(EPS));
        assertThat(a.ratio()).isCloseTo(2 / (1 - 2 * Math.sqrt(5)), within(1e-14));
        // a range over both steps averages the per-step means: ((2/sqrt5)/3 + (1/sqrt5 - 2)/3) / 2.
        EarlyToMidRatio both = r.earlyToMidRatio(PathKind.CROSS_ACTIVATION, new StepRange(1, 2), new StepRange(1, 1));
        assertThat(both.earlyMean()).isCloseTo((3 / Math.sqrt(5) - 2) / 6, within(EPS));
        assertThat(both.middleSteps()).isEqualTo(1);
    }

    @Test
    void earlyToMidRatioRejectsEmptyInvalidRangesAndZeroDenominator() {
        var acc = new PathSimilarityAccumulator[1];
        run(acc);
        PathSimilarityResult r = acc[0].result();
        assertThatThrownBy(() -> new StepRange(3, 1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("invalid step range [3, 1]");
        assertThatThrownBy(() -> new StepRange(-1, 1)).isInstanceOf(DynamicsException.class);
        assertThatThrownBy(() -> r.earlyToMidRatio(PathKind.CROSS_PATTERN, new StepRange(5, 9), new StepRange(1, 2)))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no CROSS_PATTERN step in range [5, 9]");
        // Two samples whose shared path vanishes at step 2: (1,1)&(1,1) at t=0,1, then (1,0)&(0,1) = 0 at t=2.
        // cross_pattern step 1 = 1, step 2 = 0 -> middle mean 0 -> error, not infinity.
        var zero = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        zero.accept(0, new float[][] {{1, 1}, {1, 1}});
        zero.accept(1, new float[][] {{1, 1}, {1, 1}});
        zero.accept(2, new float[][] {{1, 0}, {0, 1}});
        assertThatThrownBy(() ->
                        zero.result().earlyToMidRatio(PathKind.CROSS_PATTERN, new StepRange(1, 1), new StepRange(2, 2)))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("middle range [2, 2] is 0");
        assertThat(zero.result()
                        .earlyToMidRatio(PathKind.CROSS_PATTERN, new StepRange(2, 2), new StepRange(1, 1))
                        .ratio())
                .isEqualTo(0.0);
    }

    @Test
    void mergeOfTwoHalvesEqualsOnePass() {
        var one = new PathSimilarityAccumulator[1];
        run(one);
        var first = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        first.accept(0, T0);
        first.accept(1, T1);
        var second = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        second.accept(1, T1);
        second.accept(2, T2);
        second.merge(first); // either order
        assertThat(second.result()).isEqualTo(one[0].result());
        assertThatThrownBy(() -> second.merge(first))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("both accumulators hold step 1");
        var empty = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        empty.merge(second); // an accumulator that saw nothing takes the other's steps and state
        assertThat(empty.result()).isEqualTo(one[0].result());
        second.merge(new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE));
        assertThat(second.result()).isEqualTo(one[0].result());
        var otherLayer = new PathSimilarityAccumulator("fc2", PathOptions.defaults(), PathSimilaritySink.NONE);
        assertThatThrownBy(() -> second.merge(otherLayer))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("same layer and options");
    }

    @Test
    void resultIsUnaffectedByLaterCheckpoints() {
        var acc = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        acc.accept(0, T0);
        assertThat(acc.result().summaries()).isEmpty(); // one checkpoint: nothing compared yet
        acc.accept(1, T1);
        PathSimilarityResult early = acc.result();
        acc.accept(2, T2);
        assertThat(early.steps()).containsExactly(1);
        assertThat(acc.result().steps()).containsExactly(1, 2);
        assertThatThrownBy(() -> early.summaries().add(early.summaries().get(0)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsLayerActivationsAndHonoursTau() {
        // tau = 1.5 on T0 -> T1: patterns t=0 s0 (0,1,0,0), s1 (0,0,1,0), s2 0; t=1 s0 0, s1 (1,0,0,0), s2 0.
        // self: s0 zero at t=1 -> 0; s1 (0,0,1,0) vs (1,0,0,0) -> 0 / 1 = 0; s2 -> 0.
        var acc = new PathSimilarityAccumulator(
                "fc1", PathOptions.builder().tau(1.5f).build(), PathSimilaritySink.NONE);
        acc.accept(0, activations("fc1", T0));
        acc.accept(1, activations("fc1", T1));
        assertThat(acc.result().summary(1, PathKind.SELF).max()).isEqualTo(0.0);
        // tau = -0.5 makes s2's -1 at t=1 still off, zeros on: t=0 s2 (1,1,1,1); t=1 s2 (1,1,0,1)
        // -> self s2 = 3 / sqrt(4 * 3) = sqrt(3)/2.
        var rows = new ArrayList<Double>();
        var low = new PathSimilarityAccumulator(
                "fc1", PathOptions.builder().tau(-0.5f).build(), (layer, step, kind, i, j, s) -> {
                    if (kind == PathKind.SELF && i == 2) {
                        rows.add(s);
                    }
                });
        low.accept(0, activations("fc1", T0));
        low.accept(1, activations("fc1", T1));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).isCloseTo(Math.sqrt(3) / 2, within(EPS));
    }

    @Test
    void badCheckpointsAreRejectedWithMessages() {
        var acc = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        assertThatThrownBy(acc::result)
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no checkpoint accepted yet");
        assertThatThrownBy(() -> acc.accept(0, new float[0][]))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe set is empty");
        acc.accept(0, T0);
        assertThatThrownBy(() -> acc.accept(1, new float[][] {{1, 2, 3, 4}, {1, 2, 3, 4}}))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("2 probe samples, but earlier checkpoints had 3");
        assertThatThrownBy(() -> acc.accept(1, new float[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}}))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("3 units per sample, but earlier checkpoints had 4");
        assertThatThrownBy(() -> acc.accept(0, T1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("after the previous step 0");
        assertThatThrownBy(() -> acc.accept(1, activations("fc2", T1)))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("activations are of layer 'fc2' but this accumulator tracks layer 'fc1'");
        assertThatThrownBy(() ->
                        acc.accept(1, new float[][] {{1, 2, 3, 4}, {1, Float.POSITIVE_INFINITY, 3, 4}, {1, 2, 3, 4}}))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe sample 1, unit 1 is Infinity");
        // rejected checkpoints leave the state untouched
        acc.accept(1, T1);
        assertThat(acc.result().steps()).containsExactly(1);
    }

    @Test
    void singleSampleHasSelfButNoCrossSummaries() {
        var acc = new PathSimilarityAccumulator("fc1", PathOptions.defaults(), PathSimilaritySink.NONE);
        acc.accept(0, new float[][] {{1, 1}});
        acc.accept(3, new float[][] {{1, 0}});
        // (1,1) vs (1,0): 1 / sqrt(2 * 1)
        assertThat(acc.result().summaries()).extracting(StepSummary::kind).containsExactly(PathKind.SELF);
        assertThat(acc.result().summary(3, PathKind.SELF).mean()).isCloseTo(1 / Math.sqrt(2), within(EPS));
        assertThat(acc.result().summary(3, PathKind.SELF).previousStep()).isZero();
    }

    @Test
    void largeProbeSetUsesTheSeededPairSampleAndMatchesAPlainComputation() {
        // 300 samples > 256: maxSampledPairs = 50 pairs drawn with the seed; rows per step = 300 self + 2 * 50.
        var random = new java.util.Random(3);
        float[][] before = new float[300][70];
        float[][] now = new float[300][70];
        for (int i = 0; i < 300; i++) {
            for (int u = 0; u < 70; u++) {
                before[i][u] = random.nextFloat() - 0.5f;
                now[i][u] = random.nextFloat() - 0.5f;
            }
        }
        var options = PathOptions.builder().maxSampledPairs(50).seed(9).build();
        List<Row> rows = new ArrayList<>();
        var acc = new PathSimilarityAccumulator(
                "fc1", options, (l, step, kind, i, j, s) -> rows.add(new Row(step, kind, i, j, s)));
        acc.accept(10, before);
        acc.accept(20, now);
        ProbePairs pairs = acc.result().pairs();
        assertThat(pairs).isEqualTo(ProbePairs.select(300, 50, 9));
        assertThat(rows).hasSize(300 + 2 * 50);
        assertThat(acc.result().summary(20, PathKind.CROSS_ACTIVATION).count()).isEqualTo(50);
        // every cross_activation row equals a plain float64 cosine of the elementwise products
        rows.stream().filter(r -> r.kind() == PathKind.CROSS_ACTIVATION).forEach(r -> {
            double uv = 0;
            double uu = 0;
            double vv = 0;
            for (int k = 0; k < 70; k++) {
                double u = (double) now[r.i()][k] * now[r.j()][k];
                double v = (double) before[r.i()][k] * before[r.j()][k];
                uv += u * v;
                uu += u * u;
                vv += v * v;
            }
            assertThat(r.similarity()).isCloseTo(uv / Math.sqrt(uu * vv), within(1e-12));
        });
    }

    static LayerActivations activations(String layer, float[][] rows) {
        float[] values = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, values, i * rows[0].length, rows[0].length);
        }
        return new LayerActivations(layer, values, rows.length, new int[] {rows[0].length});
    }

    private static double[] self(List<Row> rows, int step) {
        return rows.stream()
                .filter(r -> r.step == step && r.kind == PathKind.SELF)
                .mapToDouble(Row::similarity)
                .toArray();
    }

    private static double[] cross(List<Row> rows, int step, PathKind kind) {
        return rows.stream()
                .filter(r -> r.step == step && r.kind == kind)
                .mapToDouble(Row::similarity)
                .toArray();
    }
}
