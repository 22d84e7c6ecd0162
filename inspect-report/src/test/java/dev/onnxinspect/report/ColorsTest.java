package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ColorsTest {
    @Test
    void viridisEndsAreMatplotlibsFirstAndLastColours() {
        assertThat(Viridis.color(0)).isEqualTo("#440154");
        assertThat(Viridis.color(1)).isEqualTo("#fde725");
        assertThat(Viridis.color(0.5)).isEqualTo("#21918c");
    }

    @Test
    void viridisInterpolatesBetweenAnchors() {
        // 0.05 is halfway between the anchors #440154 (t = 0) and #482475 (t = 0.1):
        // r = (0x44 + 0x48) / 2 = 70 = 0x46; g = (0x01 + 0x24) / 2 = 18.5 -> 19 = 0x13; b = (0x54 + 0x75) / 2 = 100.5
        // -> 101 = 0x65.
        assertThat(Viridis.color(0.05)).isEqualTo("#461365");
    }

    @Test
    void viridisClampsOutOfRangeAndRejectsNaN() {
        assertThat(Viridis.color(-3)).isEqualTo("#440154");
        assertThat(Viridis.color(7)).isEqualTo("#fde725");
        assertThatThrownBy(() -> Viridis.color(Double.NaN))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void paletteRepeatsColoursWithADashAfterTenSeries() {
        assertThat(Palette.color(10)).isEqualTo(Palette.color(0));
        assertThat(Palette.dash(0)).isEmpty();
        assertThat(Palette.dash(10)).isEqualTo("6 3");
        assertThat(Palette.dash(20)).isEqualTo("2 2");
        assertThat(Palette.color(1)).isNotEqualTo(Palette.color(0));
        assertThatThrownBy(() -> Palette.color(-1))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining(">= 0");
    }

    @Test
    void svgNumbersUseTheRootLocaleAndAtMostTwoDecimals() {
        assertThat(Svg.num(12.5)).isEqualTo("12.5");
        assertThat(Svg.num(3.0)).isEqualTo("3");
        assertThat(Svg.num(1.2345)).isEqualTo("1.23");
        assertThat(Svg.num(-0.001)).isEqualTo("0");
        assertThat(Svg.num(100)).isEqualTo("100");
        assertThat(Svg.num(-0.25)).isEqualTo("-0.25");
        assertThat(Svg.num(7.05)).isEqualTo("7.05");
        assertThat(Svg.num(0.999)).isEqualTo("1");
        assertThatThrownBy(() -> Svg.num(Double.POSITIVE_INFINITY)).isInstanceOf(ReportException.class);
    }

    @Test
    void svgEscapesAttributesAndText() {
        Svg svg = Svg.chart("k", "id\"1", 10, 20, "a<b");
        svg.element("text", "x & y");
        assertThat(svg.finish())
                .contains("id=\"id&quot;1\"")
                .contains("aria-label=\"a&lt;b\"")
                .contains("<text>x &amp; y</text>")
                .contains("viewBox=\"0 0 10 20\"")
                .endsWith("</svg>");
    }
}
