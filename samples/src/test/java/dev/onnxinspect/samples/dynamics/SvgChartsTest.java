package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartsTest {
    @Test
    void linesOverAnyIntegerAxisNameTheAxisAndEscapeText() {
        String svg = SvgCharts.lines(
                "Sparsity <trained>",
                "sparsity",
                "hidden layer",
                List.of(
                        new SvgCharts.Series("d3 & w20", new int[] {1, 2, 3}, new double[] {0.5, 0.6, 0.7}),
                        new SvgCharts.Series("init", new int[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5})));
        assertThat(svg).startsWith("<svg").endsWith("</svg>");
        assertThat(svg).contains(">hidden layer</text>").doesNotContain("checkpoint step");
        assertThat(svg).contains("Sparsity &lt;trained&gt;", "d3 &amp; w20").doesNotContain("<trained>");
        // one polyline per series, three points each
        assertThat(svg.split("<polyline", -1)).hasSize(3);
        // the x axis spans the layers 1..3 from LEFT (52) to WIDTH - RIGHT - 110 (298): x(1) = 52, x(3) = 298
        assertThat(svg).contains("points=\"52.0,");
        assertThat(svg).contains(" 298.0,");
    }

    @Test
    void theDynamicsChartsKeepTheirCheckpointAxis() {
        String svg =
                SvgCharts.lines("t", "y", List.of(new SvgCharts.Series("a", new int[] {0, 1}, new double[] {1, 2})));
        assertThat(svg).contains(">checkpoint step (epoch)</text>");
        assertThat(SvgCharts.lines("t", "y", "x", List.of())).isEmpty();
    }
}
