package dev.onnxinspect.report;

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
 * rendered with a non-zero size, that every section (those of issue 15 included: confusion matrix, interactions,
 * nodes as classifiers, score distributions, flagged samples) shows visible elements, that the console got no error
 * and that the page requested nothing but its own file. Fails with the fix when Chromium is missing
 * (scripts/install-browser.sh); CI installs it. Leaves a screenshot in {@code inspect-report/target/report-screenshot.png}
 * and one per section in {@code inspect-report/target/report-sections/}.
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
                        shapes: e.querySelectorAll('rect, polyline, circle, path, image').length,
                        cells: e.querySelectorAll('g.cells > rect').length,
                        cellImages: e.querySelectorAll('image.cells-image').length};
              }),
              sections: Array.from(document.querySelectorAll('section')).map(s => {
                const box = s.getBoundingClientRect();
                return {id: s.id, x: box.left + window.scrollX, y: box.top + window.scrollY, width: box.width,
                        height: box.height, empty: s.querySelector('p.empty') !== null,
                        visible: Array.from(s.querySelectorAll('svg, img, table')).filter(e => {
                          const b = e.getBoundingClientRect();
                          return b.width > 0 && b.height > 0 && getComputedStyle(e).visibility !== 'hidden';
                        }).length};
              }),
              scripts: document.querySelectorAll('script').length,
              images: document.querySelectorAll('img').length,
              decodedImages: Array.from(document.querySelectorAll('img'))
                  .filter(i => i.complete && i.naturalWidth === 28 && i.getBoundingClientRect().width > 40).length,
              parameterGroups: Array.from(document.querySelectorAll('details.parameters summary'))
                  .map(s => s.textContent),
              openParameterTables: Array.from(document.querySelectorAll('details.parameters table'))
                  .filter(t => t.getBoundingClientRect().height > 0).length,
              resources: performance.getEntriesByType('resource').length,
              layerTable: document.querySelector('table.layers').textContent
            })""";

    /** The sections issue 15 added, each checked for visible content and captured as target/report-sections/ID.png. */
    private static final List<String> NEW_SECTIONS =
            List.of("confusion", "interactions", "node-classifiers", "score-distributions", "samples");

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
            assertThat(browser.consoleErrors())
                    .as("errors in the page's console")
                    .isEmpty();

            // every section, the new ones included, renders visible elements; a screenshot of each under target/
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sections = (List<Map<String, Object>>) page.get("sections");
            assertThat(sections).extracting(c -> c.get("id")).contains(NEW_SECTIONS.toArray());
            Path shots = Path.of("target", "report-sections");
            Files.createDirectories(shots);
            for (Map<String, Object> section : sections) {
                String id = (String) section.get("id");
                assertThat(section.get("empty")).as("section %s has data", id).isEqualTo(false);
                assertThat((Double) section.get("visible"))
                        .as("visible charts, images or tables in section %s", id)
                        .isPositive();
                assertThat((Double) section.get("height"))
                        .as("height of section %s", id)
                        .isGreaterThan(80);
                Files.write(
                        shots.resolve(id + ".png"),
                        browser.screenshot(
                                (Double) section.get("x"),
                                (Double) section.get("y"),
                                (Double) section.get("width"),
                                Math.min(4000, (Double) section.get("height"))));
            }
            assertThat(page.get("parameterGroups"))
                    .isEqualTo(List.of("run (8)", "neuron_view (2)", "memory_estimate (1)"));
            // groups of up to AuditSections.OPEN_GROUP parameters are open: their tables are laid out
            assertThat(page.get("openParameterTables")).isEqualTo(3.0);

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
            // 4 of S1 profiles and 1 of the interaction profiles
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("kl-heatmap"))
                    .hasSize(5);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("layer-summary"))
                    .hasSize(6);
            // small multiples: one ROC chart per detector
            assertThat(charts).filteredOn(c -> c.get("kind").equals("roc")).hasSize(SampleReports.DETECTORS.size());
            assertThat(charts).filteredOn(c -> c.get("kind").equals("training")).hasSize(1);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("score-distribution"))
                    .hasSize(SampleReports.DETECTORS.size());
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("node-accuracy"))
                    .hasSize(2);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("confusion"))
                    .hasSize(1);
            // 10 x 10 classes of the confusion matrix and 10 classes x 64 interactions: cells as SVG elements
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("confusion"))
                    .extracting(c -> c.get("cells"))
                    .containsExactly(100.0);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("interaction-heatmap"))
                    .extracting(c -> c.get("cells"))
                    .containsExactly(10.0 * SampleReports.TOP_INTERACTIONS);
            // 10 classes x 512 neurons: more than HeatmapChart.MAX_SVG_CELLS, one image; 10 x 32 stay SVG cells.
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("frequency-heatmap"))
                    .extracting(c -> c.get("cells"))
                    .containsExactly(0.0, 320.0);
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("frequency-heatmap"))
                    .extracting(c -> c.get("cellImages"))
                    .containsExactly(1.0, 0.0);
            // 10 x 10 classes per KL matrix.
            assertThat(charts)
                    .filteredOn(c -> c.get("kind").equals("kl-heatmap"))
                    .extracting(c -> c.get("cells"))
                    .containsOnly(100.0);

            // The hostile layer name is shown as text, not parsed as markup.
            assertThat(page.get("scripts")).isEqualTo(0.0);
            // the thumbnails of the two image galleries, decoded (28 x 28 pixels) and drawn larger
            assertThat(page.get("images")).isEqualTo(2.0 * SampleReports.GALLERY_SAMPLES);
            assertThat(page.get("decodedImages")).isEqualTo(2.0 * SampleReports.GALLERY_SAMPLES);
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
