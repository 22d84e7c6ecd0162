package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.report.CdpBrowser;
import dev.onnxinspect.report.MiniJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The browser check of a study's results page, for every study's test to call on the {@code index.html} of its quick
 * run: opens the page offline in headless Chromium ({@link CdpBrowser}) and asserts that it loaded without console
 * errors, requested nothing but its own file, has the claims table with one row per claim (each with a verdict), and
 * that every figure on it rendered with a non-zero size. Leaves a screenshot in
 * {@code samples/target/study-pages/<name>.png}.
 */
public final class StudyPageBrowser {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int WIDTH = 1280;

    private static final String PROBE = """
            JSON.stringify({
              title: document.title,
              claimRows: Array.from(document.querySelectorAll('table.claims tr')).slice(1).map(r =>
                  ({cells: r.querySelectorAll('td').length, verdict: r.querySelectorAll('td')[2].textContent})),
              claimsVisible: (() => { const t = document.querySelector('table.claims');
                  return t !== null && t.getBoundingClientRect().height > 0; })(),
              svgs: Array.from(document.querySelectorAll('figure svg')).filter(s => !s.closest('ul'))
                  .map(s => { const b = s.getBoundingClientRect();
                      return {width: b.width, height: b.height,
                              shapes: s.querySelectorAll('rect, polyline, circle, path, image, line').length}; }),
              scripts: document.querySelectorAll('script').length,
              resources: performance.getEntriesByType('resource').length
            })""";

    private StudyPageBrowser() {}

    /**
     * Opens {@code html} and checks it as the class Javadoc says; {@code claims} is the number of claims the page
     * must list and {@code minFigures} the fewest figures it must draw.
     */
    @SuppressWarnings("unchecked")
    public static void assertRenders(Path html, String name, int claims, int minFigures) throws Exception {
        try (CdpBrowser browser = CdpBrowser.launch(TIMEOUT)) {
            browser.open(html.toUri(), WIDTH, 900);
            Map<String, Object> page = (Map<String, Object>) MiniJson.parse((String) browser.evaluate(PROBE));
            Path screenshot = Path.of("target", "study-pages", name + ".png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, browser.screenshot(WIDTH, 30_000));

            assertThat(browser.consoleErrors())
                    .as("errors in the console of %s", html)
                    .isEmpty();
            assertThat(browser.requestedUrls())
                    .as("requests of %s", html)
                    .isNotEmpty()
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
            assertThat(page.get("resources")).as("resource timing entries").isEqualTo(0.0);
            assertThat(page.get("scripts")).as("scripts").isEqualTo(0.0);
            assertThat(page.get("claimsVisible"))
                    .as("the claims table is laid out")
                    .isEqualTo(true);
            List<Map<String, Object>> rows = (List<Map<String, Object>>) page.get("claimRows");
            assertThat(rows).as("claim rows").hasSize(claims);
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.get("cells")).isEqualTo(4.0);
                assertThat((String) r.get("verdict")).isIn("supported", "not supported", "inconclusive");
            });
            List<Map<String, Object>> svgs = (List<Map<String, Object>>) page.get("svgs");
            assertThat(svgs).as("figures").hasSizeGreaterThanOrEqualTo(minFigures);
            assertThat(svgs).allSatisfy(s -> {
                assertThat((Double) s.get("width")).isGreaterThan(100);
                assertThat((Double) s.get("height")).isGreaterThan(100);
                assertThat((Double) s.get("shapes")).isPositive();
            });
        }
    }
}
