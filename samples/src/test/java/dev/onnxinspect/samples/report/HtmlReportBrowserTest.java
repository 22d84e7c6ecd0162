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

            assertThat(browser.requestedUrls()).as("requests of the page").isNotEmpty()
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
            assertThat(page.get("resources")).as("resource timing entries").isEqualTo(0.0);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> charts = (List<Map<String, Object>>) page.get("charts");
            assertThat(charts).hasSize(SampleReports.FULL_CHARTS);
            assertThat(charts).allSatisfy(chart -> {
                assertThat((Double) chart.get("width")).as("width of %s", chart.get("id")).isGreaterThan(100);
                assertThat((Double) chart.get("height")).as("height of %s", chart.get("id")).isGreaterThan(100);
                assertThat((Double) chart.get("shapes")).as("shapes in %s", chart.get("id")).isPositive();
            });
            assertThat(charts).filteredOn(c -> c.get("kind").equals("histogram")).hasSize(6);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("kl-heatmap")).hasSize(4);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("layer-summary")).hasSize(6);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("roc")).hasSize(1);
            assertThat(charts).filteredOn(c -> c.get("kind").equals("training")).hasSize(1);
            // 10 classes x 128 neurons and 10 classes x 32 neurons.
            assertThat(charts).filteredOn(c -> c.get("kind").equals("frequency-heatmap"))
                    .extracting(c -> c.get("cells")).containsExactly(1280.0, 320.0);
            // 10 x 10 classes per KL matrix.
            assertThat(charts).filteredOn(c -> c.get("kind").equals("kl-heatmap"))
                    .extracting(c -> c.get("cells")).containsOnly(100.0);

            // The hostile layer name is shown as text, not parsed as markup.
            assertThat(page.get("scripts")).isEqualTo(0.0);
            assertThat(page.get("images")).isEqualTo(0.0);
            assertThat((String) page.get("layerTable")).contains(SampleReports.HOSTILE_LAYER);
        }
    }

    /** The request check can fail: a page with a remote image is caught. */
    @Test
    void harnessRecordsARequestToAnotherHost(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("remote.html");
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so nothing leaves the machine even here.
        Files.writeString(file, "<!DOCTYPE html><html><body><img src=\"http://192.0.2.1/pixel.png\"></body></html>");
        try (CdpBrowser browser = CdpBrowser.launch(TIMEOUT)) {
            browser.open(file.toUri(), 400, 300);
            assertThat(browser.requestedUrls()).contains("http://192.0.2.1/pixel.png");
        }
    }
}
