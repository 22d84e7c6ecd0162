package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathOverlapAccumulatorTest {
    // inputs: x0 = (0,0), x1 = (3,4), x2 = (6,8): ||x0-x1|| = 5, ||x0-x2|| = 10, ||x1-x2|| = 5.
    static final float[][] INPUTS = {{0, 0}, {3, 4}, {6, 8}};
    static final double EPS = 1e-15;

    record Row(int step, int i, int j, int overlap, double distance) {}

    @Test
    void overlapAgainstInputDistanceByHand() {
        List<Row> rows = new ArrayList<>();
        var acc = new PathOverlapAccumulator(
                "fc1",
                INPUTS,
                PathOptions.defaults(),
                (layer, step, i, j, o, d) -> rows.add(new Row(step, i, j, o, d)));
        // step 0 patterns (PathSimilarityAccumulatorTest.T0): (1,1,0,0), (1,0,1,0), (0,0,0,0)
        //   overlaps: (0,1) = 1, (0,2) = 0, (1,2) = 0.
        acc.accept(0, PathSimilarityAccumulatorTest.T0);
        // step 2 patterns (T2): (1,0,1,0), (0,0,1,0), (0,1,1,0): overlaps all 1.
        acc.accept(2, PathSimilarityAccumulatorTest.T2);
        assertThat(rows)
                .containsExactly(
                        new Row(0, 0, 1, 1, 5),
                        new Row(0, 0, 2, 0, 10),
                        new Row(0, 1, 2, 0, 5),
                        new Row(2, 0, 1, 1, 5),
                        new Row(2, 0, 2, 1, 10),
                        new Row(2, 1, 2, 1, 5));
        PathOverlapResult r = acc.result();
        // step 0: o = (1,0,0), d = (5,10,5); means 1/3 and 20/3; centred o (2,-1,-1)/3, d (-5,10,-5)/3;
        //   sum od = (-10 - 10 + 5)/9 = -15/9; sum oo = 6/9; sum dd = 150/9 -> r = -15 / sqrt(6 * 150) = -1/2.
        OverlapStepSummary s0 = r.steps().get(0);
        assertThat(s0.step()).isZero();
        assertThat(s0.pairs()).isEqualTo(3);
        assertThat(s0.meanOverlap()).isCloseTo(1 / 3.0, within(EPS));
        assertThat(s0.correlation()).isPresent();
        assertThat(s0.correlation().getAsDouble()).isCloseTo(-0.5, within(1e-14));
        // step 2: the overlap is constant (1) -> correlation undefined: empty, never NaN.
        OverlapStepSummary s2 = r.steps().get(1);
        assertThat(s2.meanOverlap()).isEqualTo(1.0);
        assertThat(s2.correlation()).isEmpty();
    }

    @Test
    void neighbourRanksWithTiesUseCompetitionRanking() {
        // anchor 0 with p = (1,1,1,0); s1 (1,1,0,0) overlap 2; s2 (0,0,0,1) overlap 0; s3 (1,0,1,1) overlap 2.
        // descending overlaps 2, 2, 0 -> s1 and s3 share rank 1, s2 gets rank 3 ("1 1 3"); the anchor has rank 0.
        // anchor 2: p = (0,0,0,1): s0 0, s1 0, s3 1 -> s3 rank 1, s0 and s1 share rank 2.
        float[][] inputs = {{0}, {1}, {2}, {3}};
        var acc = new PathOverlapAccumulator(
                "fc1", inputs, PathOptions.builder().anchors(0, 2).build(), PathOverlapSink.NONE);
        acc.accept(4, new float[][] {{1, 1, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}, {1, 0, 1, 1}});
        PathOverlapResult r = acc.result();
        NeighbourRanks a0 = r.neighbours(4, 0);
        assertThat(a0.ranks()).containsExactly(0, 1, 3, 1);
        assertThat(a0.overlaps()).containsExactly(3, 2, 0, 2);
        assertThat(a0.rank(2)).isEqualTo(3);
        assertThat(r.neighbours(4, 2).ranks()).containsExactly(2, 2, 0, 1);
        assertThat(r.neighbours(2)).hasSize(1);
        assertThatThrownBy(() -> r.neighbours(1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("sample 1 is not an anchor");
        assertThatThrownBy(() -> r.neighbours(5, 0))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no checkpoint at step 5");
    }

    @Test
    void neighbourRanksOfAHandMadeOverlapVector() {
        // anchor 0; others' overlaps s1 3, s2 5, s3 3, s4 1, s5 5: descending 5,5,3,3,1 -> ranks 1,1,3,3,5.
        // The anchor's own large overlap (9) takes no part.
        var n = new NeighbourRanks(7, 0, new int[] {9, 3, 5, 3, 1, 5});
        assertThat(n.ranks()).containsExactly(0, 3, 1, 3, 5, 1);
        assertThat(n.samples()).isEqualTo(6);
        int[] copy = n.ranks();
        copy[1] = 99;
        assertThat(n.rank(1)).isEqualTo(3); // accessors return copies
        assertThatThrownBy(() -> new NeighbourRanks(0, 6, new int[] {1, 2})).isInstanceOf(DynamicsException.class);
    }

    @Test
    void mergeOfDisjointStepsEqualsOnePass() {
        var options = PathOptions.builder().anchors(1).build();
        var one = new PathOverlapAccumulator("fc1", INPUTS, options, PathOverlapSink.NONE);
        one.accept(0, PathSimilarityAccumulatorTest.T0);
        one.accept(1, PathSimilarityAccumulatorTest.T1);
        one.accept(2, PathSimilarityAccumulatorTest.T2);
        var late = new PathOverlapAccumulator("fc1", INPUTS, options, PathOverlapSink.NONE);
        late.accept(2, PathSimilarityAccumulatorTest.T2);
        var early = new PathOverlapAccumulator("fc1", INPUTS, options, PathOverlapSink.NONE);
        early.accept(0, PathSimilarityAccumulatorTest.T0);
        early.accept(1, PathSimilarityAccumulatorTest.T1);
        late.merge(early);
        assertThat(late.result()).isEqualTo(one.result());
        assertThatThrownBy(() -> late.merge(early))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("both accumulators hold step 0");
        var otherInputs = new PathOverlapAccumulator(
                "fc1", new float[][] {{0, 0}, {3, 4}, {6, 9}}, options, PathOverlapSink.NONE);
        assertThatThrownBy(() -> late.merge(otherInputs))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe inputs must be the same");
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() ->
                        new PathOverlapAccumulator("fc1", new float[0][], PathOptions.defaults(), PathOverlapSink.NONE))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new PathOverlapAccumulator(
                        "fc1", new float[][] {{1, 2}, {1}}, PathOptions.defaults(), PathOverlapSink.NONE))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe input 1 has 1 values, expected 2");
        assertThatThrownBy(() -> new PathOverlapAccumulator(
                        "fc1", INPUTS, PathOptions.builder().anchors(3).build(), PathOverlapSink.NONE))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("anchor 3 is not a probe sample");
        var acc = new PathOverlapAccumulator("fc1", INPUTS, PathOptions.defaults(), PathOverlapSink.NONE);
        assertThatThrownBy(() -> acc.accept(0, new float[][] {{1}, {1}}))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("2 probe samples, but 3 probe inputs");
        acc.accept(0, PathSimilarityAccumulatorTest.T0);
        assertThatThrownBy(() -> acc.accept(1, new float[][] {{1}, {1}, {1}}))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("1 units per sample, but earlier checkpoints had 4");
        assertThatThrownBy(() -> acc.accept(0, PathSimilarityAccumulatorTest.T1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("increasing step order");
    }
}
