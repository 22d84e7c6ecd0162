package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.dynamics.PathSimilaritySink;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicsReportTest {
    @Test
    void rendersBoxPlotsAndWeightChartsWithoutExternalResources() {
        DynamicsResult result = DynamicsAnalysis.run(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()),
                TinyCheckpoints.probe(),
                DynamicsOptions.builder().build(),
                PathSimilaritySink.NONE);

        String html = DynamicsReport.create("tiny <dynamics>")
                .parameter("probe", 3)
                .model("mlp", result)
                .distanceComparison("runs", Map.of("a", result.weights()))
                .table("figures", List.of("x"), List.of(List.of("<b>")))
                .render();

        // one layer: 3 box plot charts (self, cross_pattern, cross_activation) + 2 weight charts + 1 comparison
        assertThat(html.split("<svg ", -1)).hasSize(1 + 6);
        // 2 steps per box plot chart -> 2 boxes each
        assertThat(html.split("<rect ", -1)).hasSize(1 + 3 * 2);
        assertThat(html)
                .contains("tiny &lt;dynamics&gt;")
                .contains("&lt;b&gt;")
                .doesNotContain("<b>")
                .doesNotContain("<script")
                .doesNotContain("src=")
                .doesNotContain("https:");
    }
}
