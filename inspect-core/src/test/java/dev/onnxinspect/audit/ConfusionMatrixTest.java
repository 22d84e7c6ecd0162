package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.runtime.Device;
import java.time.Duration;
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

    /**
     * A dataset that kept the counts but no per-sample values (a distributed run): its confusion matrix and accuracy
     * are the counts', the same as those derived from the per-sample values of the same six samples above.
     */
    @Test
    void aDatasetWithCountedPredictionsGivesTheSameMatrixAndAccuracyAsItsSamples() {
        DatasetScores samples =
                new DatasetScores("d", new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 0, 2}, Map.of());
        DatasetResult single = dataset(samples, null);
        DatasetScores none = new DatasetScores("d", new int[0], new int[0], Map.of());
        ConfusionMatrix counted = new ConfusionMatrix("d", 3, new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
        DatasetResult distributed = dataset(none, counted);
        assertThat(distributed.confusionMatrix(3))
                .contains(single.confusionMatrix(3).orElseThrow());
        assertThat(distributed.accuracy()).isEqualTo(single.accuracy()).isEqualTo(4.0 / 6);
        // without counts and without samples there is neither
        assertThat(dataset(none, null).confusionMatrix(3)).isEmpty();
        assertThat(dataset(none, null).accuracy()).isNaN();
        assertThatThrownBy(() -> distributed.confusionMatrix(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the confusion matrix of d has 3 classes, not 4");
        ConfusionMatrix other = new ConfusionMatrix("e", 3, new long[3][3]);
        assertThatThrownBy(() -> dataset(none, other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the confusion matrix of e cannot be that of dataset d");
    }

    private static DatasetResult dataset(DatasetScores scores, ConfusionMatrix confusion) {
        InspectionSummary summary =
                new InspectionSummary("d", 6, 0, 1, ClassSource.LABEL, new long[] {2, 2, 2}, Device.CPU, Duration.ZERO);
        return new DatasetResult(
                "d", DatasetRole.ID, ClassSource.LABEL, summary, Map.of(), scores, Map.of(), confusion);
    }
}
