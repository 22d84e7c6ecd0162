package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    /**
     * Six samples of K = 3: labels (0, 0, 1, 1, 2, 2), predictions (0, 1, 1, 1, 0, 2). By hand: row 0 = (1, 1, 0),
     * row 1 = (0, 2, 0), row 2 = (1, 0, 1); diagonal 1 + 2 + 1 = 4 of 6; class 2's accuracy 1/2.
     */
    @Test
    void countsLabelsAgainstPredictions() {
        DatasetScores scores =
                new DatasetScores("d", new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 0, 2}, Map.of());
        ConfusionMatrix m = ConfusionMatrix.of(scores, 3);
        assertThat(m.counts()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
        assertThat(m.total()).isEqualTo(6);
        assertThat(m.accuracy()).isCloseTo(4.0 / 6, within(1e-15));
        assertThat(m.accuracy()).isCloseTo(scores.accuracy(), within(1e-15));
        assertThat(m.classSize(2)).isEqualTo(2);
        assertThat(m.classAccuracy(2)).isCloseTo(0.5, within(1e-15));
        // the matrix is a copy: changing what it returned changes nothing
        m.counts()[0][0] = 99;
        assertThat(m.count(0, 0)).isEqualTo(1);
    }

    @Test
    void refusesUnlabelledDataAndLabelsOutsideTheClasses() {
        DatasetScores unlabelled = new DatasetScores("ood", new int[] {-1, -1}, new int[] {0, 1}, Map.of());
        assertThatThrownBy(() -> ConfusionMatrix.of(unlabelled, 2))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("ood has no labels");
        DatasetScores outside = new DatasetScores("id", new int[] {0, 5}, new int[] {0, 1}, Map.of());
        assertThatThrownBy(() -> ConfusionMatrix.of(outside, 2))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("sample 1 of id has label 5");
    }
}
