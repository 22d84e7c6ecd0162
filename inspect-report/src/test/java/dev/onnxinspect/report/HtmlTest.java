package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesTheFiveMarkupCharacters() {
        assertThat(Html.escape("<a href=\"x\" title='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    }

    @Test
    void leavesPlainTextAndUnicodeAlone() {
        assertThat(Html.escape("conv1/Relu_output_0 \u00b5 \u2016")).isEqualTo("conv1/Relu_output_0 \u00b5 \u2016");
    }

    @Test
    void replacesControlCharactersButKeepsWhitespace() {
        assertThat(Html.escape("a\u0000b\u0007c\td\ne")).isEqualTo("a\uFFFDb\uFFFDc\td\ne");
    }

    @Test
    void escapingTwiceEscapesTheAmpersandsOfTheFirstPass() {
        assertThat(Html.escape(Html.escape("<"))).isEqualTo("&amp;lt;");
    }
}
