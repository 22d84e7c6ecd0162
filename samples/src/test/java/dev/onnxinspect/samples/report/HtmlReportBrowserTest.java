package dev.onnxinspect.samples.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in real headless Chromium (driven over the DevTools protocol) and checks that every chart
 * rendered with a non-zero size and that the page requested nothing but its own file. Fails with the fix when
 * Chromium is missing (scripts/install-browser.sh); CI installs it. Leaves a screenshot in
 * {@code samples/target/report-screenshot.png}.
 */
class HtmlReportBrowserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int WIDTH = 1280;

    /** Per chart: kind, id, rendered width and height, and the count of drawn shapes; plus page-level facts. */
    private static final String PROBE = """
            JSON.stringify({
              charts: Array.from(document.querySelectorAll('[data-chart]')).map(e => {
                const box = e.getBoundingClientRect();
                return {id: e.id, kind: e.dataset.chart, width: box.width, height: box.height,
                        shapes: e.querySelectorAll('rect, polyline, circle').length,
                        cells: e.querySelectorAll('g.cells > rect').length};
              }),
              scripts: document.querySelectorAll('script').length,
              images: document.querySelectorAll('img').length,
              resources: performance.getEntriesByType('resource').length,
              layerTable: document.querySelector('table.layers').textContent
            })""";

    private static final int NARROW = 420;
    private static final String NARROW_PROBE = """
            JSON.stringify({
              pageWidth: document.documentElement.scrollWidth,
              widestChartRight: Math.max(...Array.from(document.querySelectorAll('[data-chart]'))
                  .map(e => e.getBoundingClientRect().right)),
              smallestChartHeight: Math.min(...Array.from(document.querySelectorAll('[data-chart]'))
                  .map(e => e.getBoundingClientRect().height))
            })""";

    @Test
    void everyChartRendersWithoutAnyRequestLeavingTheMachine(@TempDir Path directory) throws Exception {
        ReportData data = SampleReports.full();
        Path file = directory.resolve("report.html");
        HtmlReport.write(data, file);

        try (CdpBrowser browser = CdpBrowser.launch(TIMEOUT)) {
            browser.open(file.toUri(), WIDTH, 900);
            @SuppressWarnings("unchecked")
            Map<String, Object> page = (Map<String, Object>) MiniJson.parse((String) browser.evaluate(PROBE));
            Path screenshot = Path.of("target", "report-screenshot.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, browser.screenshot(WIDTH, 30_000));

            assertThat(browser.requestedUrls())
                    .as("requests of the page")
                    .isNotEmpty()
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
            assertThat(page.get("resources")).as("resource timing entries").isEqualTo(0.0);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> charts = (List<Map<String, Object>>) page.get("charts");
            assertThat(charts).hasSize(SampleReports.FULL_CHARTS);
            assertThat(charts).extracting(c -> c.get("id")).doesNotHaveDuplicates();
            assertThat(charts).allSatisfy(chart -> {
                assertThat((Double) chart.get("width"))
                        .as("width of %s", chart.get("id"))
                        .isGreaterThan(100);
                assertThat((Double) chart.get("height"))
                        .as("height of %s", chart.get("id"))
                        .isGreaterThan(100);
                assertThat((Double) chart.get("shapes"))
                        .as("shapes in %s", chart.get("id"))
                        .isPositive();
            });
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("histogram"))
                    .hasSize(6);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("kl-heatmap"))
                    .hasSize(4);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("layer-summary"))
                    .hasSize(6);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("roc")).hasSize(1);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("training")).hasSize(1);
            // 10 classes x 512 neurons (anti-aliased cells) and 10 classes x 32 neurons (pixel-snapped cells).
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("frequency-heatmap"))
                    .extracting(c -> c.get("cells"))
                    .containsExactly(5120.0, 320.0);
            // 10 x 10 classes per KL matrix.
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("kl-heatmap"))
                    .extracting(c -> c.get("cells"))
                    .containsOnly(100.0);

            // The hostile layer name is shown as text, not parsed as markup.
            assertThat(page.get("scripts")).isEqualTo(0.0);
            assertThat(page.get("images")).isEqualTo(0.0);
            assertThat((String) page.get("layerTable")).contains(SampleReports.HOSTILE_LAYER);

            // Responsive: on a phone-sized viewport every chart shrinks to fit and the page does not scroll sideways.
            browser.resize(NARROW, 800);
            @SuppressWarnings("unchecked")
            Map<String, Object> narrow = (Map<String, Object>) MiniJson.parse((String) browser.evaluate(NARROW_PROBE));
            assertThat((Double) narrow.get("pageWidth")).isLessThanOrEqualTo(NARROW);
            assertThat((Double) narrow.get("widestChartRight")).isLessThanOrEqualTo(NARROW);
            assertThat((Double) narrow.get("smallestChartHeight")).isPositive();
            Files.write(Path.of("target", "report-screenshot-narrow.png"), browser.screenshot(NARROW, 30_000));
        }
    }

    /** The request check can fail: a page with a remote image is caught. */
    @Test
    void harnessRecordsANonFileRequest(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("remote.html");
        // Port 1 on the loopback interface: the request fails at once and never leaves the machine.
        Files.writeString(file, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:1/pixel.png\"></body></html>");
        try (CdpBrowser browser = CdpBrowser.launch(TIMEOUT)) {
            browser.open(file.toUri(), 400, 300);
            assertThat(browser.requestedUrls()).contains("http://127.0.0.1:1/pixel.png");
        }
    }
}
