package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** SPEC §9 (amended 2026-12-07): top-k overlap |top_k(t-1) ∩ top_k(t)| / k with competition ranks, by hand. */
class TopKOverlapTest {
    // anchor 0 of 6 samples.
    // t = 1: others' overlaps s1 3, s2 5, s3 3, s4 1, s5 5 -> ranks s1 3, s2 1, s3 3, s4 5, s5 1.
    // t = 2: others' overlaps s1 4, s2 0, s3 2, s4 2, s5 1 -> ranks s1 1, s2 5, s3 2, s4 2, s5 4.
    private static final NeighbourRanks T1 = new NeighbourRanks(1, 0, new int[] {9, 3, 5, 3, 1, 5});
    private static final NeighbourRanks T2 = new NeighbourRanks(2, 0, new int[] {7, 4, 0, 2, 2, 1});

    @Test
    void topKTakesWholeTieGroupsThatStartWithinK() {
        // k = 1: t1 rank <= 1 -> {s2, s5} (a tie at rank 1 straddles k); t2 -> {s1}.
        assertThat(T1.topK(1)).containsExactly(2, 5);
        assertThat(T2.topK(1)).containsExactly(1);
        // k = 2: t1 ranks <= 2 -> {s2, s5}; t2 -> {s1, s3, s4} (s3, s4 tie at rank 2).
        assertThat(T1.topK(2)).containsExactly(2, 5);
        assertThat(T2.topK(2)).containsExactly(1, 3, 4);
        // k = 3: t1 -> {s1, s2, s3, s5}; t2 -> {s1, s3, s4}.
        assertThat(T1.topK(3)).containsExactly(1, 2, 3, 5);
        assertThat(T2.topK(3)).containsExactly(1, 3, 4);
    }

    @Test
    void overlapIsTheIntersectionDividedByK() {
        // k = 1: {s2, s5} ∩ {s1} = {} -> 0.
        assertThat(T2.topKOverlap(T1, 1)).isZero();
        // k = 2: {s2, s5} ∩ {s1, s3, s4} = {} -> 0.
        assertThat(T2.topKOverlap(T1, 2)).isZero();
        // k = 3: {s1, s2, s3, s5} ∩ {s1, s3, s4} = {s1, s3} -> 2 / 3.
        assertThat(T2.topKOverlap(T1, 3)).isEqualTo(2.0 / 3);
        // k = 5: everyone -> 5 / 5.
        assertThat(T2.topKOverlap(T1, 5)).isEqualTo(1.0);
    }

    @Test
    void tiesStraddlingKCanTakeTheOverlapAboveOne() {
        // all other overlaps equal at both steps: everyone has rank 1, top_1 = {s1, s2, s3}: 3 / 1.
        var a = new NeighbourRanks(0, 0, new int[] {4, 2, 2, 2});
        var b = new NeighbourRanks(1, 0, new int[] {4, 1, 1, 1});
        assertThat(b.topKOverlap(a, 1)).isEqualTo(3.0);
    }

    @Test
    void theResultComparesEachStepWithThePreviousCheckpoint() {
        float[][] inputs = {{0}, {1}, {2}, {3}};
        var acc = new PathOverlapAccumulator(
                "fc1", inputs, PathOptions.builder().anchors(0).build(), PathOverlapSink.NONE);
        // anchor p0 = (1,1,0): step 0 overlaps s1 (1,0,0) 1, s2 (0,1,0) 1, s3 (1,1,0) 2 -> ranks s3 1, s1 2, s2 2.
        acc.accept(0, new float[][] {{1, 1, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}});
        // step 3, p0 = (1,0,1): s1 (1,0,1) 2, s2 (0,0,0) 0, s3 (0,0,1) 1 -> ranks s1 1, s3 2, s2 3.
        acc.accept(3, new float[][] {{1, 0, 1}, {1, 0, 1}, {0, 0, 0}, {0, 0, 1}});
        PathOverlapResult r = acc.result();
        // k = 1: {s3} ∩ {s1} = {} -> 0; k = 2: {s1, s2, s3} ∩ {s1, s3} = 2 -> 2 / 2.
        assertThat(r.topKOverlap(0, 3, 1)).isZero();
        assertThat(r.topKOverlap(0, 3, 2)).isEqualTo(1.0);
        assertThatThrownBy(() -> r.topKOverlap(0, 0, 1))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no checkpoint before step 0");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> T2.topKOverlap(T1, 0)).hasMessageContaining("k = 0 must lie in 1..5");
        assertThatThrownBy(() -> T2.topKOverlap(T1, 6)).hasMessageContaining("k = 6 must lie in 1..5");
        assertThatThrownBy(() -> T1.topKOverlap(T2, 1)).hasMessageContaining("earlier step");
        var otherAnchor = new NeighbourRanks(0, 1, new int[] {9, 3, 5, 3, 1, 5});
        assertThatThrownBy(() -> T2.topKOverlap(otherAnchor, 1)).hasMessageContaining("same anchor");
    }
}
