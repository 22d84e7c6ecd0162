package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.dynamics.PathOptions;
import dev.onnxinspect.dynamics.PathSimilaritySink;
import dev.onnxinspect.dynamics.ProbePairs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary.md label of the path overlap table says which pairs SPEC §9 computed (issue 18). */
class PairsLabelTest {

    /** 3 probe samples (at most 256): all 3 * 2 / 2 = 3 pairs, which main's code called "(sampled pairs)". */
    @Test
    void aSmallProbeSetIsLabelledAllPairs() {
        InMemoryDataset probe = TinyCheckpoints.probe();
        DynamicsResult result = DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()),
                probe,
                DynamicsOptions.builder()
                        .pathOptions(PathOptions.builder().anchors(0).build())
                        .build(),
                PathSimilaritySink.NONE);

        assertThat(DynamicsSample.overlapTitle("mlp", result.overlaps()))
                .isEqualTo("mlp: path overlap against input distance (all 3 pairs)");
    }

    /** 300 samples (above 256) with at most 100 pairs: 100 of 300 * 299 / 2 = 44850 pairs are drawn. */
    @Test
    void aLargeProbeSetIsLabelledSampledPairs() {
        assertThat(DynamicsSample.pairsLabel(ProbePairs.select(300, 100, 1))).isEqualTo("100 sampled pairs of 44850");
    }

    /** 256 samples: all 256 * 255 / 2 = 32640 pairs even when fewer would be drawn above the limit. */
    @Test
    void theLimitItselfStillUsesAllPairs() {
        assertThat(DynamicsSample.pairsLabel(ProbePairs.select(256, 100, 1))).isEqualTo("all 32640 pairs");
    }

    @Test
    void withoutAnchorsTheTitleSaysSo() {
        assertThat(DynamicsSample.overlapTitle("lenet", List.of()))
                .isEqualTo("lenet: path overlap against input distance (no anchors)");
    }
}
