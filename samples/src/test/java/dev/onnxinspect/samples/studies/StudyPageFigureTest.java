package dev.onnxinspect.samples.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StudyPageFigureTest {
    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aWrappedChartKeepsOneCaptionTheStudys() {
        String chart = "<figure class=\"figure\"><figcaption>Short</figcaption><svg id=\"c\"></svg></figure>";

        String html = StudyPage.figure("Long <caption> & more", chart);

        assertEquals(
                "<figure class=\"figure\"><figcaption>Long &lt;caption&gt; &amp; more</figcaption>"
                        + "<svg id=\"c\"></svg></figure>",
                html);
        assertEquals(1, count(html, "<figcaption>"));
        assertEquals(1, count(html, "<figure"));
    }

    @Test
    void aBareSvgIsWrappedWithTheCaption() {
        String html = StudyPage.figure("Caption", "<svg id=\"c\"></svg>");

        assertEquals("<figure><svg id=\"c\"></svg><figcaption>Caption</figcaption></figure>", html);
    }
}
