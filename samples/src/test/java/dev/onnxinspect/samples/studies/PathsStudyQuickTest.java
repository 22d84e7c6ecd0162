package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.report.CdpBrowser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code paths} study's {@code --quick} run end to end: its output has the full shape (claims, figures, tables,
 * per-model results, the reference models' Arrow tables), its figures are sane, and the page opens offline in
 * headless Chromium. Never checks exact figures. (Resuming is tested on {@link PathPopulation} itself.)
 */
class PathsStudyQuickTest {
    @TempDir
    Path temp;

    @Test
    void quickRunWritesTheWholePageThatOpensOffline() throws Exception {
        Study study = Studies.named("paths").orElseThrow();
        Path out = temp.resolve("paths");

        StudyPage page = study.run(out, true, 7);

        // claims: self similarity, early-to-mid, and the two correlations
        assertThat(page.claims()).hasSize(4);
        assertThat(page.claims().get(2).statement()).contains("cross-pattern").contains("generalisation error");
        // 4 models cannot give a 95% interval that excludes 0 unless the ranks agree perfectly
        assertThat(page.claims().subList(2, 4))
                .allSatisfy(c -> assertThat(c.verdict()).isIn(Verdict.SUPPORTED, Verdict.INCONCLUSIVE));
        for (String file : List.of(
                "index.html",
                "summary.md",
                "population.csv",
                "reference/reference-clean/path_similarity.arrow",
                "reference/reference-noisy/training_history.arrow",
                "reference/reference-noisy/weight_norms.csv")) {
            assertThat(out.resolve(file)).as(file).isRegularFile();
        }
        List<String> csv = Files.readAllLines(out.resolve("population.csv"));
        assertThat(csv).hasSize(1 + 4);
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            double q = Double.parseDouble(f[2]);
            double realised = Double.parseDouble(f[3]);
            double train = Double.parseDouble(f[7]);
            double test = Double.parseDouble(f[8]);
            double ratio = Double.parseDouble(f[13]);
            // q = 0 changes no label; q = 0.6 changes about 0.6 * 9/10 of 600
            assertThat(realised).as(line).isBetween(q == 0 ? 0.0 : 0.4, q == 0 ? 0.0 : 0.7);
            // clean-label models learn well above chance (0.1) in 5 epochs on 600 images
            if (q == 0) {
                assertThat(test).as(line).isGreaterThan(0.3);
                assertThat(train).as(line).isGreaterThan(0.3);
            }
            assertThat(ratio).as(line).isPositive().isLessThan(5);
        }
        String html = Files.readString(out.resolve("index.html"));
        // 3 scatter plots of 4 models each
        assertThat(html.split("<circle class=\"point\"", -1)).hasSize(1 + 3 * 4);
        // box plots: 2 reference models x 2 hidden layers x 3 kinds, plus the accuracy chart and 3 scatter plots
        assertThat(html.split("<svg ", -1)).hasSize(1 + 2 * 2 * 3 + 1 + 3);
        assertThat(html).doesNotContain("<script").doesNotContain("NaN").doesNotContain("Infinity");
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary)
                .contains("## Claims")
                .contains("### Per model")
                .contains("spearman")
                .contains("| models trained by this run | 4 ");

        assertThat(Files.readString(out.resolve("readme-line.md")))
                .startsWith("4 MLPs: early-to-mid cross-pattern ratio vs test error spearman rho = ")
                .contains("reference MLPs' ratios");

        try (CdpBrowser browser = CdpBrowser.launch(Duration.ofSeconds(30))) {
            browser.open(out.resolve("index.html").toUri(), 1280, 900);
            assertThat(browser.evaluate("document.querySelectorAll('table.claims tr').length"))
                    .isEqualTo(5.0);
            assertThat(browser.evaluate("Array.from(document.querySelectorAll('svg')).filter(s =>"
                            + " s.getBoundingClientRect().width > 100 && s.getBoundingClientRect().height > 100)"
                            + ".length"))
                    .isEqualTo(16.0);
            assertThat(browser.consoleErrors()).isEmpty();
            assertThat(browser.requestedUrls())
                    .allSatisfy(url -> assertThat(url).matches("^(file|data):.*"));
        }
    }
}
