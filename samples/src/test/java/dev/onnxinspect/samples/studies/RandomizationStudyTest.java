package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.trainers.experiments.Experiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick run of {@code randomization} (300 Fashion-MNIST images, 25 epochs per run): the page's shape, one row per
 * run in runs.csv, and the sanity of the figures (random labels are fitted far above their test accuracy; the clean
 * run generalises better than the random-label run); the page in Chromium.
 */
class RandomizationStudyTest {
    @TempDir
    Path dir;

    @Test
    void quickRunWritesTheFullPage() throws Exception {
        StudyPage page = new RandomizationStudy().run(dir, true, 1);
        assertThat(page.claims()).hasSize(6);
        assertThat(page.claims()).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
        List<String> lines = Files.readAllLines(dir.resolve("runs.csv"));
        List<Experiment> grid = RandomizationStudy.experiments(25, 1);
        assertThat(lines).hasSize(1 + grid.size());
        Map<String, double[]> runs = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            double train = Double.parseDouble(f[4]);
            double test = Double.parseDouble(f[5]);
            assertThat(train).as(line).isBetween(0.0, 1.0);
            assertThat(test).as(line).isBetween(0.0, 1.0);
            assertThat(f[3]).as(line).isEqualTo("25");
            runs.put(f[0], new double[] {train, test});
        }
        assertThat(runs.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        grid.stream().map(Experiment::name).toList());
        // random labels: fitted far above the test accuracy, which is near chance
        assertThat(runs.get("mlp-labels-q1.0")[0]).isGreaterThan(runs.get("mlp-labels-q1.0")[1] + 0.3);
        assertThat(runs.get("mlp-labels-q1.0")[1]).isLessThan(0.25);
        assertThat(runs.get("mlp-clean")[1]).isGreaterThan(runs.get("mlp-labels-q1.0")[1] + 0.3);
        // image corruptions report a corrupted-test accuracy, label corruptions do not
        assertThat(lines).filteredOn(l -> l.startsWith("mlp-random-pixels,")).allMatch(l -> !l.contains(",,"));
        assertThat(lines).filteredOn(l -> l.startsWith("mlp-clean,")).allMatch(l -> l.contains(",,"));
        assertThat(Files.readString(dir.resolve(Study.README_FRAGMENT)))
                .startsWith("0 of 6 claims supported: ")
                .endsWith(" s\n");
        StudyPageBrowser.assertRenders(dir.resolve(StudyPage.HTML), "randomization", 6, 5);
    }
}
