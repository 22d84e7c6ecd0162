package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChartsTest {
    private static final Pattern CELL = Pattern.compile(
            "<rect x=\"[^\"]+\" y=\"[^\"]+\" width=\"[^\"]+\" height=\"[^\"]+\" fill=\"(#[0-9a-f]{6})\"><title>");

    @Test
    void histogramBarsHaveHandComputedGeometry() {
        // One class, 4 bins: counts [0, 5, 10, 0]. Chart 380 x 240, margins left 58, right 12, top 10, bottom 46.
        // y: niceZeroTo(10) = [0, 10] onto pixels [240 - 46, 10] = [194, 10]: 18.4 px per neuron.
        //    5 neurons -> height 92, top at 194 - 92 = 102; 10 neurons -> height 184, top at 10.
        // x: [0, 1] onto [58, 368]: a bin is 310 / 4 = 77.5 px wide; gap = min(1, 0.15 * 77.5) = 1, so a bar is
        //    76.5 wide and starts 0.5 after its bin: bin 1 at 58 + 77.5 + 0.5 = 136, bin 2 at 58 + 155 + 0.5 = 213.5.
        //    Empty bins draw no bar.
        var histogram =
                new FrequencyHistogram("fc", Significance.S1, "train", List.of("a"), new int[][] {{0, 5, 10, 0}});
        String html = HistogramChart.render(histogram, "h0");
        String bars = html.substring(
                html.indexOf("<g class=\"bars\">"), html.indexOf("</g>", html.indexOf("<g class=\"bars\">")));
        assertThat(count(bars, "<rect ")).isEqualTo(2);
        assertThat(bars).contains("<rect x=\"136\" y=\"102\" width=\"76.5\" height=\"92\"");
        assertThat(bars).contains("<rect x=\"213.5\" y=\"10\" width=\"76.5\" height=\"184\"");
        // Tooltips: half-open bins except the last, and the per-class counts.
        assertThat(bars).contains("<title>[0.250, 0.500): 5 neurons\na: 5</title>");
        assertThat(html).contains("data-chart=\"histogram\"").contains("id=\"h0\"");
    }

    @Test
    void histogramTooltipClosesTheLastBin() {
        var histogram =
                new FrequencyHistogram("fc", Significance.S2, "train", List.of("a", "b"), new int[][] {{0, 1}, {0, 2}});
        assertThat(HistogramChart.render(histogram, "h1"))
                .contains("<title>[0.500, 1.000]: 3 neurons\na: 1\nb: 2</title>");
    }

    @Test
    void frequencyHeatmapDrawsOneCellPerClassAndNeuron() {
        // 3 classes x 7 neurons = 21 cells; the value 1 is the top of viridis, 0 the bottom.
        double[][] frequency = new double[3][7];
        frequency[1][4] = 1;
        var matrix = new FrequencyMatrix("fc", Significance.S1, "train", List.of("a", "b", "c"), frequency);
        String html = FrequencyHeatmap.render(matrix, "f0");
        List<String> fills = cellFills(html);
        assertThat(fills).hasSize(21);
        assertThat(fills).filteredOn("#fde725"::equals).hasSize(1);
        assertThat(fills).filteredOn("#440154"::equals).hasSize(20);
        assertThat(html).contains("<title>b, neuron 4: 1.000</title>").contains("data-chart=\"frequency-heatmap\"");
    }

    @Test
    void klHeatmapDrawsRowsTimesColumnsCellsScaledToItsMaximum() {
        // 2 x 3 cells; colour domain [0, 0.8] (the largest entry): 0.4 is its middle -> viridis(0.5) = #21918c.
        var matrix = new KlMatrix("fc", "S1", "id", "ood", List.of("a", "b"), List.of("x", "y", "z"), new double[][] {
            {0, 0.4, 0.8}, {0.8, 0.4, 0}
        });
        String html = KlHeatmap.render(matrix, "k0");
        assertThat(cellFills(html)).containsExactly("#440154", "#21918c", "#fde725", "#fde725", "#21918c", "#440154");
        assertThat(html).contains("<title>a, y: 0.400</title>").contains("KL(id \u2016 ood)");
    }

    @Test
    void polylineDropsPointsWithinHalfAUnitButKeepsTheLast() {
        // x: [0, 1] -> [0, 100]; y: [0, 1] -> [100, 0]. (0.002, 0) maps to (0.2, 100), within 0.5 of (0, 100): dropped.
        // (1, 1) -> (100, 0) kept; (1, 0.999) -> (100, 0.1) is the last point: kept even though it is close.
        var line = new LineChart.Series(
                "s", "#000000", "", new double[] {0, 0.002, 1, 1}, new double[] {0, 0, 1, 0.999}, List.of());
        assertThat(LineChart.points(line, new LinearScale(0, 1, 0, 100), new LinearScale(0, 1, 100, 0)))
                .isEqualTo("0,100 100,0 100,0.1");
    }

    @Test
    void rocChartHasOneLinePerDetectorAndTheChanceDiagonal() {
        var first = new RocCurve("MSP", null, "id", "ood", new double[] {0, 0.5, 1}, new double[] {0, 0.7, 1});
        var second = new RocCurve("NAP", "fc2", "id", "ood", new double[] {0, 1}, new double[] {0, 1});
        String html = RocChart.render(List.of(first, second), "r0");
        assertThat(count(html, "<polyline ")).isEqualTo(2);
        assertThat(count(html, "class=\"chance\"")).isEqualTo(1);
        assertThat(html).contains("<li>").contains("MSP</li>").contains("NAP @ fc2</li>");
        // 440 x 440 chart, plot x in [58, 424], y in [440 - 46, 12] = [394, 12]: (0.5, 0.7) -> (58 + 183, 394 - 267.4).
        assertThat(html).contains("points=\"58,394 241,126.6 424,12\"");
    }

    @Test
    void detectorTableMarksTheBestValueOfEachMetricPerPair() {
        var good = new DetectorMetrics("Energy", null, "id", "ood", 0.9, 0.8, 0.7, 0.8, 0.7, 0.2, 0.3, 0.1, 10, 20);
        var bad = new DetectorMetrics("MSP", null, "id", "ood", 0.6, 0.5, 0.4, 0.5, 0.4, 0.6, 0.7, 0.3, 10, 20);
        String html = Tables.detectors(List.of(bad, good));
        // Higher AUROC/AUPR (both conventions) is better, lower FPR and error are better: all eight best cells
        // belong to Energy.
        assertThat(count(html, "class=\"num best\"")).isEqualTo(8);
        assertThat(html)
                .contains("<td class=\"num best\">0.9000</td>")
                .contains("<td class=\"num best\">0.2000</td>")
                .contains("<td class=\"num\">0.6000</td>")
                .contains("<caption>ID id vs OOD ood</caption>");
    }

    private static List<String> cellFills(String html) {
        String cells = html.substring(
                html.indexOf("<g class=\"cells\""), html.indexOf("</g>", html.indexOf("<g class=\"cells\"")));
        Matcher matcher = CELL.matcher(cells);
        List<String> fills = new ArrayList<>();
        while (matcher.find()) {
            fills.add(matcher.group(1));
        }
        assertThat(count(cells, "<rect ")).as("every cell matched the pattern").isEqualTo(fills.size());
        return fills;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
