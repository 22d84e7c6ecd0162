package dev.onnxinspect.samples.studies.perplexity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.report.CdpBrowser;
import dev.onnxinspect.report.MiniJson;
import dev.onnxinspect.samples.studies.Claim;
import dev.onnxinspect.samples.studies.Studies;
import dev.onnxinspect.samples.studies.StudyPage;
import dev.onnxinspect.samples.studies.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The perplexity-nodes study end to end in its {@code --quick} form (3 MLPs of 1-3 layers x 20 units, 3,000
 * Fashion-MNIST images, 3 epochs): the shape and sanity of what it writes, never exact figures; a rerun into the same
 * directory trains nothing; the page opens offline in headless Chromium ({@link CdpBrowser}).
 */
class PerplexityNodesStudyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path out;

    private static StudyPage page;

    @BeforeAll
    static void runQuick() throws Exception {
        page = Studies.named("perplexity-nodes").orElseThrow().run(out, true, 1);
    }

    @Test
    void writesThePageTheDataAndEveryModelInBothStates() throws Exception {
        assertThat(out.resolve(StudyPage.HTML)).isRegularFile();
        assertThat(out.resolve(StudyPage.MARKDOWN)).isRegularFile();
        for (String id : List.of("d1-w20", "d2-w20", "d3-w20")) {
            assertThat(out.resolve("models/" + id + "/untrained.onnx")).isRegularFile();
            assertThat(out.resolve("models/" + id + "/trained.onnx")).isRegularFile();
        }
        // five claims, measured but not judged in a quick run
        assertThat(page.claims()).hasSize(5);
        assertThat(page.claims()).extracting(Claim::verdict).containsOnly(Verdict.INCONCLUSIVE);
        assertThat(page.claims())
                .allSatisfy(c -> assertThat(c.measured()).contains("untrained").doesNotContain("NaN"));
        // the trends are rank correlations; the histogram claim counts layers
        assertThat(page.claims())
                .filteredOn(c -> !c.statement().startsWith("Training changes"))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.measured()).contains("rho"));

        // header + (1 + 2 + 3) layers x 2 states
        List<String> lines = Files.readAllLines(out.resolve(PerplexityNodesStudy.LAYERS_CSV));
        assertThat(lines).hasSize(1 + 6 * 2);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            for (String column : List.of(
                    "active_fraction_s1",
                    "active_fraction_s2",
                    "class_specific_fraction",
                    "mean_perplexity_over_class_size",
                    "layer_accuracy")) {
                double v = Double.parseDouble(cells[header.indexOf(column)]);
                assertThat(v).as(column + " in " + line).isBetween(0.0, 1.0);
            }
            double s1 = Double.parseDouble(cells[header.indexOf("active_fraction_s1")]);
            double s2 = Double.parseDouble(cells[header.indexOf("active_fraction_s2")]);
            assertThat(s2).as("S2 is a subset of S1 with tau = 0: " + line).isLessThanOrEqualTo(s1);
            // 500 statistics images: perplexity at least 1 per class, at most N_c
            assertThat(Double.parseDouble(cells[header.indexOf("mean_perplexity")]))
                    .isGreaterThanOrEqualTo(1.0);
        }
        // sanity: the trained layers classify far above chance (0.1), and better than at initialisation on average
        double trained = meanOf(lines, header, "trained", "layer_accuracy");
        double untrained = meanOf(lines, header, "untrained", "layer_accuracy");
        assertThat(trained).isGreaterThan(0.5).isGreaterThan(untrained);

        // the README's generated line: the models, the wall time and each claim's headline
        assertThat(Files.readString(out.resolve(PerplexityNodesStudy.README_FRAGMENT)))
                .startsWith("3 MLPs, ")
                .contains("sparsity grows over the layers: inconclusive (trained rho ")
                .contains("more class-specific neurons after training: inconclusive (");

        String md = Files.readString(out.resolve(StudyPage.MARKDOWN));
        assertThat(md).contains("## Claims", "Sparsity grows with depth", "Layer perplexity", "Nodes as classifiers");
    }

    @Test
    void aRerunIntoTheSameDirectoryTrainsNothing() throws Exception {
        String before = Files.readString(out.resolve(PerplexityNodesStudy.LAYERS_CSV));
        StudyPage again = new PerplexityNodesStudy().run(out, true, 1);
        assertThat(again.renderMarkdown())
                .contains("| models trained by this run | 0 (the others loaded from models/) |");
        // the same models measured on the same data: the same figures
        assertThat(Files.readString(out.resolve(PerplexityNodesStudy.LAYERS_CSV)))
                .isEqualTo(before);
    }

    @Test
    void thePageOpensOfflineInHeadlessChromium() throws Exception {
        try (CdpBrowser browser = CdpBrowser.launch(TIMEOUT)) {
            browser.open(out.resolve(StudyPage.HTML).toUri(), 1280, 900);
            @SuppressWarnings("unchecked")
            Map<String, Object> probe = (Map<String, Object>) MiniJson.parse((String) browser.evaluate("""
                    JSON.stringify({
                      svgs: Array.from(document.querySelectorAll('figure svg')).map(e => {
                        const b = e.getBoundingClientRect();
                        return {width: b.width, height: b.height, lines: e.querySelectorAll('polyline').length};
                      }),
                      claims: document.querySelectorAll('table.claims tr').length,
                      resources: performance.getEntriesByType('resource').length
                    })"""));
            assertThat(browser.requestedUrls())
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
            assertThat(browser.consoleErrors()).isEmpty();
            assertThat(probe.get("resources")).isEqualTo(0.0);
            // header + 5 claims
            assertThat(probe.get("claims")).isEqualTo(6.0);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> svgs = (List<Map<String, Object>>) probe.get("svgs");
            // 4 sparsity, 3 S1 histograms (layers 1, 2, 3) + 1 S2 + class-specific, 2 perplexity, 2 accuracy
            assertThat(svgs).hasSize(13);
            assertThat(svgs).allSatisfy(s -> {
                assertThat((Double) s.get("width")).isGreaterThan(100);
                assertThat((Double) s.get("height")).isGreaterThan(100);
                assertThat((Double) s.get("lines")).isPositive();
            });
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "perplexity-nodes-study.png"), browser.screenshot(1280, 20_000));
        }
    }

    private static double meanOf(List<String> lines, List<String> header, String state, String column) {
        return lines.subList(1, lines.size()).stream()
                .map(l -> l.split(","))
                .filter(c -> c[header.indexOf("state")].equals(state))
                .mapToDouble(c -> Double.parseDouble(c[header.indexOf(column)]))
                .average()
                .orElseThrow();
    }
}
