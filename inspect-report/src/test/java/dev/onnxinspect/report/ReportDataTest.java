package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.inspect.ClassSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportDataTest {
    @Test
    void frequencyOutsideTheUnitIntervalIsRejectedWithItsPosition() {
        assertThatThrownBy(() ->
                        new FrequencyMatrix("fc", Significance.S1, "d", List.of("a"), new double[][] {{0.2, 1.5}}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("FrequencyMatrix.frequency of layer 'fc'[0][1]")
                .hasMessageContaining("[0.0, 1.0]")
                .hasMessageContaining("1.5");
    }

    @Test
    void raggedOrMisSizedMatricesAreRejected() {
        assertThatThrownBy(() -> new FrequencyMatrix(
                        "fc", Significance.S1, "d", List.of("a", "b"), new double[][] {{0.1, 0.2}, {0.3}}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("rectangular");
        assertThatThrownBy(
                        () -> new KlMatrix("fc", "S1", "d", "d", List.of("a"), List.of("a", "b"), new double[][] {{0}}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("one column per column class (2)");
        assertThatThrownBy(
                        () -> new FrequencyHistogram("fc", Significance.S1, "d", List.of("a", "b"), new int[][] {{1}}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("one row per class (2)");
        assertThatThrownBy(() ->
                        new FrequencyHistogram("fc", Significance.S1, "d", List.of("a"), new int[][] {{1, -1}}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining(">= 0");
    }

    @Test
    void metricsMustBeFractions() {
        assertThatThrownBy(() -> new DetectorMetrics("MSP", null, "id", "ood", Double.NaN, 0, 0, 0, 0, 0, 0, 0, 1, 1))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("auroc of detector 'MSP'")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> new DetectorMetrics("MSP", null, "id", "ood", 0.5, 0, 0, 0, 0, 0, 0, 0.7, 1, 1))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("detectionError")
                .hasMessageContaining("0.5]");
        assertThatThrownBy(() -> new RocCurve("MSP", null, "id", "ood", new double[] {0, 1}, new double[] {0}))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("as many FPR as TPR");
    }

    @Test
    void layerSummaryChecksItsRanges() {
        assertThatThrownBy(() -> new LayerSummary("fc", "d", "a", 0, 0.5, 0.5, 1, 0, 1))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("samples")
                .hasMessageContaining(">= 1");
        // Perplexity e^H lies in [1, N_c]: 11 with 10 samples is impossible.
        assertThatThrownBy(() -> new LayerSummary("fc", "d", "a", 10, 0.5, 0.5, 10, Math.log(11), 11))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("perplexity");
    }

    @Test
    void blankNamesAndNullListsAreRejected() {
        assertThatThrownBy(() -> LayerInfo.of(" ", "Relu"))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("LayerInfo.name");
        assertThatThrownBy(() -> new ReportData(
                        "t",
                        ClassSource.LABEL,
                        null,
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("ReportData.parameters")
                .hasMessageContaining("List.of()");
        assertThatThrownBy(() -> ReportData.builder("t", null).build())
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("classSource");
    }

    @Test
    void oversizedHeatmapsAreRefusedWithTheirSize() {
        // 10 classes x 25,001 neurons = 250,010 cells, just above the limit of 250,000.
        var wide = new FrequencyMatrix("conv", Significance.S1, "d", SampleReports.CLASSES, new double[10][25_001]);
        assertThatThrownBy(() -> ReportData.builder("t", ClassSource.LABEL)
                        .frequencyMatrix(wide)
                        .build())
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("250010 cells (10 classes x 25001 neurons)")
                .hasMessageContaining("CHANNEL_MEAN");
        var fits = new FrequencyMatrix("conv", Significance.S1, "d", SampleReports.CLASSES, new double[10][25_000]);
        assertThat(ReportData.builder("t", ClassSource.LABEL)
                        .frequencyMatrix(fits)
                        .build()
                        .frequencyMatrices())
                .hasSize(1);
    }

    @Test
    void recordsCopyArraysInAndOut() {
        double[][] values = {{0.25, 0.5}};
        var matrix = new FrequencyMatrix("fc", Significance.S1, "d", List.of("a"), values);
        values[0][0] = 0.9;
        matrix.frequency()[0][1] = 0.9;
        assertThat(matrix.value(0, 0)).isEqualTo(0.25);
        assertThat(matrix.value(0, 1)).isEqualTo(0.5);

        int[][] counts = {{3, 4}};
        var histogram = new FrequencyHistogram("fc", Significance.S1, "d", List.of("a"), counts);
        counts[0][0] = 99;
        histogram.neurons()[0][1] = 99;
        assertThat(histogram.count(0, 0)).isEqualTo(3);
        assertThat(histogram.total(1)).isEqualTo(4);

        double[] fpr = {0, 1};
        var roc = new RocCurve("MSP", null, "id", "ood", fpr, new double[] {0, 1});
        fpr[1] = 0.5;
        roc.fpr()[0] = 0.5;
        assertThat(roc.fprAt(0)).isZero();
        assertThat(roc.fprAt(1)).isEqualTo(1);
    }

    @Test
    void builderListsAreCopiedAtBuild() {
        ReportData.Builder builder =
                ReportData.builder("t", ClassSource.LABEL).layer(LayerInfo.of("fc", "Gemm", -1, 10));
        ReportData data = builder.build();
        builder.layer(LayerInfo.of("fc2", "Gemm", 5));
        assertThat(data.layers()).extracting(LayerInfo::name).containsExactly("fc");
        assertThat(data.layers().get(0).shapeText()).isEqualTo("[?, 10]");
        List<String> shape = new ArrayList<>(List.of("N", "3"));
        LayerInfo layer = new LayerInfo("in", "Input", shape);
        shape.add("28");
        assertThat(layer.shapeText()).isEqualTo("[N, 3]");
    }
}
