package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.dynamics.DynamicsException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartsTest {
    @Test
    void scatterDrawsOneCirclePerPointColouredByGroupWithALegend() {
        String svg = SvgCharts.scatter(
                "ratio <vs> error",
                "ratio",
                "error",
                List.of("q = 0", "q = 0.5"),
                List.of(
                        new SvgCharts.Point(0, 0, 0, "m0 <clean>"),
                        new SvgCharts.Point(10, 1, 1, "m1"),
                        new SvgCharts.Point(5, 0.5, 1, "m2")));

        assertThat(svg.split("<circle class=\"point\"", -1)).hasSize(1 + 3);
        // legend: one circle per group
        assertThat(svg.split("<circle ", -1)).hasSize(1 + 3 + 2);
        // x domain [0, 10] padded by 0.5 on each side onto pixels [52, 298]: x = 0 at 52 + 0.5 / 11 * 246 = 63.2;
        // y domain [0, 1] padded by 0.05 onto pixels [204, 26]: y = 0 at 204 - 0.05 / 1.1 * 178 = 195.9
        assertThat(svg).contains("cx=\"63.2\" cy=\"195.9\"");
        // group 1 takes the palette's second colour
        assertThat(svg).contains("fill=\"#88ccee\" fill-opacity");
        assertThat(svg)
                .contains("m0 &lt;clean&gt;")
                .contains("ratio &lt;vs&gt; error")
                .contains("q = 0.5")
                .doesNotContain("<clean>");
    }

    @Test
    void paddingWidensTheRangeOrAPointToAUnitInterval() {
        assertThat(SvgCharts.padded(new double[] {0, 10, 4})).containsExactly(-0.5, 10.5);
        assertThat(SvgCharts.padded(new double[] {2, 2})).containsExactly(1.5, 2.5);
    }

    @Test
    void scatterRefusesPointsWithoutAGroupNameOrFiniteValues() {
        assertThatThrownBy(() ->
                        SvgCharts.scatter("t", "x", "y", List.of("only"), List.of(new SvgCharts.Point(1, 1, 1, "m1"))))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("group 1 but only 1 group names");
        assertThatThrownBy(() -> new SvgCharts.Point(Double.NaN, 1, 0, "m")).hasMessageContaining("finite x and y");
        assertThat(SvgCharts.scatter("t", "x", "y", List.of(), List.of())).isEmpty();
    }

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
