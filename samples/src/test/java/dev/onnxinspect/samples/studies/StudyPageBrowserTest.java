package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.report.StudyCharts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StudyPageBrowser} on a page built in code (no training): it passes on a sound page and fails on one whose
 * claims table is missing or whose script writes to the console. The studies' own tests call it on their quick runs.
 */
class StudyPageBrowserTest {
    @TempDir
    Path dir;

    private static StudyPage page() {
        return StudyPage.create("A page", "nothing")
                .parameter("seed", 1)
                .claim(new Claim("a claim", "0.5", Verdict.SUPPORTED, "always"))
                .claim(new Claim("another <claim>", "n/a", Verdict.INCONCLUSIVE, "never"))
                .section("Figures")
                .figures(
                        List.of("lines"),
                        List.of(StudyCharts.lines(
                                "l",
                                "two lines",
                                "layer",
                                "value",
                                List.of("a", "b"),
                                List.of(
                                        new StudyCharts.Line("x", new double[] {0, 1}, new double[] {1, 2}),
                                        new StudyCharts.Line("y", new double[] {0, 1}, new double[] {2, 0.5})))));
    }

    @Test
    void aSoundPagePasses() throws Exception {
        page().write(dir);
        StudyPageBrowser.assertRenders(dir.resolve(StudyPage.HTML), "browser-test", 2, 1);
    }

    @Test
    void aWrongClaimCountOrAConsoleErrorFails() throws Exception {
        page().write(dir);
        Path html = dir.resolve(StudyPage.HTML);
        assertThatThrownBy(() -> StudyPageBrowser.assertRenders(html, "browser-test-count", 3, 1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("claim rows");
        // a page whose own code logs an error (scripts are allowed here, the CSP of StudyPage is not used)
        String broken = Files.readString(html)
                .replace(
                        "default-src 'none'; style-src 'unsafe-inline'",
                        "default-src 'none'; style-src" + " 'unsafe-inline'; script-src 'unsafe-inline'")
                .replace("</body>", "<script>console.error('broken')</script></body>");
        Path bad = dir.resolve("broken.html");
        Files.writeString(bad, broken);
        assertThat(broken).contains("console.error");
        assertThatThrownBy(() -> StudyPageBrowser.assertRenders(bad, "browser-test-broken", 2, 1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("console");
    }
}
