package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wiring of checkpoints, ONNX Runtime and the SPEC §9/§10 accumulators on {@link TinyCheckpoints}. */
class DynamicsAnalysisTest {
    private static final double R = 1 / Math.sqrt(2);

    /** One expected sink row. */
    record Row(String layer, int step, PathKind kind, int i, int j, double value) {}

    /**
     * Every row, derived from the patterns and activations in {@link TinyCheckpoints}; pairs (0,1), (0,2), (1,2).
     * Step 1 self: cos((1,0),(1,0)) = 1; cos((0,1),(0,0)) = 0 (zero vector); cos((1,1),(1,0)) = 1/sqrt2.
     * Step 1 cross: p0*p1 at t=1 is (0,0) -> 0; p0*p2: t=1 (1,0), t=0 (1,0)*(1,1) = (1,0) -> 1;
     * p1*p2 at t=1 (0,0) -> 0;
     * activations: a0*a2 at t=1 (9,0), at t=0 (1,0) -> 1; the others involve a1 = (0,0) at t=1 -> 0.
     * Step 2 self: cos((1,0),(1,1)) = 1/sqrt2; cos((0,0),(0,1)) = 0; cos((1,0),(1,1)) = 1/sqrt2.
     * Step 2 cross: p0*p1 at t=1 is (0,0) -> 0; p0*p2: t=2 (1,1), t=1 (1,0) -> 1/sqrt2; p1*p2 at t=1 (0,0) -> 0;
     * activations a0*a2: t=2 (3,1)*(3,2) = (9,2), t=1 (9,0) -> 81 / (9 sqrt85) = 9/sqrt85; the others 0.
     */
    static List<Row> expectedRows() {
        String l = TinyCheckpoints.LAYER;
        return List.of(
                new Row(l, 1, PathKind.SELF, 0, -1, 1),
                new Row(l, 1, PathKind.SELF, 1, -1, 0),
                new Row(l, 1, PathKind.SELF, 2, -1, R),
                new Row(l, 1, PathKind.CROSS_PATTERN, 0, 1, 0),
                new Row(l, 1, PathKind.CROSS_ACTIVATION, 0, 1, 0),
                new Row(l, 1, PathKind.CROSS_PATTERN, 0, 2, 1),
                new Row(l, 1, PathKind.CROSS_ACTIVATION, 0, 2, 1),
                new Row(l, 1, PathKind.CROSS_PATTERN, 1, 2, 0),
                new Row(l, 1, PathKind.CROSS_ACTIVATION, 1, 2, 0),
                new Row(l, 2, PathKind.SELF, 0, -1, R),
                new Row(l, 2, PathKind.SELF, 1, -1, 0),
                new Row(l, 2, PathKind.SELF, 2, -1, R),
                new Row(l, 2, PathKind.CROSS_PATTERN, 0, 1, 0),
                new Row(l, 2, PathKind.CROSS_ACTIVATION, 0, 1, 0),
                new Row(l, 2, PathKind.CROSS_PATTERN, 0, 2, R),
                new Row(l, 2, PathKind.CROSS_ACTIVATION, 0, 2, 9 / Math.sqrt(85)),
                new Row(l, 2, PathKind.CROSS_PATTERN, 1, 2, 0),
                new Row(l, 2, PathKind.CROSS_ACTIVATION, 1, 2, 0));
    }

    static void assertRows(List<Row> actual) {
        List<Row> expected = expectedRows();
        assertThat(actual).hasSameSizeAs(expected);
        for (int k = 0; k < expected.size(); k++) {
            Row e = expected.get(k);
            Row a = actual.get(k);
            assertThat(new Row(a.layer(), a.step(), a.kind(), a.i(), a.j(), 0))
                    .as("row %d", k)
                    .isEqualTo(new Row(e.layer(), e.step(), e.kind(), e.i(), e.j(), 0));
            assertThat(a.value()).as("row %d", k).isCloseTo(e.value(), within(1e-12));
        }
    }

    @Test
    void streamsEveryRowOfTheHandSetSeries() {
        var rows = new ArrayList<Row>();
        DynamicsResult result = DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()),
                TinyCheckpoints.probe(),
                DynamicsOptions.builder().build(),
                (layer, step, kind, i, j, s) -> rows.add(new Row(layer, step, kind, i, j, s)));

        assertRows(rows);
        assertThat(result.layers()).containsExactly(TinyCheckpoints.LAYER);
        assertThat(result.checkpoints())
                .extracting(DynamicsResult.CheckpointInfo::fileName)
                .containsExactly("mlp-checkpoint-000.onnx", "mlp-checkpoint-001.onnx", "mlp-checkpoint-002.onnx");
        PathSimilarityResult paths = result.paths(TinyCheckpoints.LAYER);
        // step 2 self values {1/sqrt2, 0, 1/sqrt2}: median 1/sqrt2, mean sqrt2/3
        assertThat(paths.summary(2, PathKind.SELF).median()).isCloseTo(R, within(1e-12));
        assertThat(paths.summary(2, PathKind.SELF).mean()).isCloseTo(Math.sqrt(2) / 3, within(1e-12));
        assertThat(result.overlaps()).isEmpty();
    }

    /**
     * Layer dense1/linear holds W1 and b1, logits holds W2 = I and b2 = 0 (norm sqrt2, never moves):
     * t0: ||dense1|| = sqrt(1 + 1) = sqrt2, total sqrt(2 + 2) = 2, distances 0;
     * t1: ||dense1||^2 = 9 + 1 + 0.25 = 10.25, distance^2 = (3-1)^2 + (-1-1)^2 + 0.5^2 = 8.25, total^2 = 12.25;
     * t2: ||dense1||^2 = 9 + 1 + 1 = 11, distance^2 = 2^2 + 1^2 = 5, total^2 = 13.
     */
    @Test
    void weightNormsFromTheInitializersEqualHandDerivedValues() {
        WeightTrajectory w = DynamicsAnalysis.weights(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()));

        assertThat(w.layers()).containsExactly("dense1/linear", "logits");
        double[][] expected = {
            {Math.sqrt(2), 0, 2, 0},
            {Math.sqrt(10.25), Math.sqrt(8.25), 3.5, Math.sqrt(8.25)},
            {Math.sqrt(11), Math.sqrt(5), Math.sqrt(13), Math.sqrt(5)}
        };
        for (int t = 0; t < 3; t++) {
            WeightNorms n = w.at(t);
            assertThat(n.layer("dense1/linear").norm()).isCloseTo(expected[t][0], within(1e-12));
            assertThat(n.layer("dense1/linear").distanceFromInit()).isCloseTo(expected[t][1], within(1e-12));
            assertThat(n.layer("logits").norm()).isCloseTo(Math.sqrt(2), within(1e-12));
            assertThat(n.layer("logits").distanceFromInit()).isZero();
            assertThat(n.totalNorm()).isCloseTo(expected[t][2], within(1e-12));
            assertThat(n.totalDistanceFromInit()).isCloseTo(expected[t][3], within(1e-12));
        }
    }

    /** With anchor 1 the overlaps p1 . pk at t = 0 are (0, 1, 1) against p0, p1, p2 (see the pattern table). */
    @Test
    void anchorsTurnOnPathOverlaps() {
        DynamicsResult result = DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()),
                TinyCheckpoints.probe(),
                DynamicsOptions.builder()
                        .pathOptions(dev.onnxinspect.dynamics.PathOptions.builder()
                                .anchors(1)
                                .build())
                        .build(),
                dev.onnxinspect.dynamics.PathSimilaritySink.NONE);

        assertThat(result.overlaps()).hasSize(1);
        assertThat(result.overlaps().get(0).neighbours(0, 1).overlaps()).containsExactly(0, 1, 1);
        // t = 1: p1 = (0,0) overlaps nothing
        assertThat(result.overlaps().get(0).neighbours(1, 1).overlaps()).containsExactly(0, 0, 0);
    }

    @Test
    void rejectsUnknownLayersAndEmptyProbeSets() {
        CheckpointSeries series = CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters());
        assertThatThrownBy(() -> DynamicsAnalysis.layers(
                        series,
                        DynamicsOptions.builder().layers(List.of("dense9/relu")).build()))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("dense9/relu")
                .hasMessageContaining("dense1/relu");
        assertThat(DynamicsAnalysis.layers(series, DynamicsOptions.builder().build()))
                .containsExactly(TinyCheckpoints.LAYER);
        var empty = TinyCheckpoints.probe().subset(0, 0);
        assertThatThrownBy(() -> DynamicsAnalysis.run(
                        series,
                        empty,
                        DynamicsOptions.builder().build(),
                        dev.onnxinspect.dynamics.PathSimilaritySink.NONE))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> DynamicsOptions.builder().batchSize(0).build())
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("batch size");
    }

    /** Batches of one sample give the same rows as one batch of all three. */
    @Test
    void batchSizeDoesNotChangeTheRows() {
        var rows = new ArrayList<Row>();
        DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()),
                TinyCheckpoints.probe(),
                DynamicsOptions.builder().batchSize(1).build(),
                (layer, step, kind, i, j, s) -> rows.add(new Row(layer, step, kind, i, j, s)));
        assertRows(rows);
    }
}
