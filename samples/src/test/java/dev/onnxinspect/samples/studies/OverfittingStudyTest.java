package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick run of {@code overfitting} (500 training and 100 test images, 8 epochs, 2 seeds): the page's shape, the
 * distance table (epoch 0 at distance 0, every later distance positive) and the page in Chromium.
 */
class OverfittingStudyTest {
    @TempDir
    Path dir;

    @Test
    void quickRunWritesTheFullPage() throws Exception {
        StudyPage page = new OverfittingStudy().run(dir, true, 5);
        assertThat(page.claims()).hasSize(3);
        assertThat(page.claims()).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
        List<String> lines = Files.readAllLines(dir.resolve("distances.csv"));
        // 4 runs x 9 checkpoints (epochs 0..8) x (total + 3 layers)
        assertThat(lines).hasSize(1 + 4 * 9 * 4);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double distance = Double.parseDouble(f[6]);
            if (f[3].equals("0")) {
                assertThat(distance).as(line).isZero();
            } else {
                assertThat(distance).as(line).isPositive();
            }
            assertThat(Double.parseDouble(f[5])).as(line).isPositive();
        }
        assertThat(lines.stream().map(l -> l.split(",")[0]).distinct())
                .containsExactly("run", "normal-seed5", "overfit-seed5", "normal-seed6", "overfit-seed6");
        String md = Files.readString(dir.resolve(StudyPage.MARKDOWN));
        assertThat(md).contains("farther from the initialisation", "dense1/linear", "logits");
        assertThat(Files.readString(dir.resolve(Study.README_FRAGMENT)))
                .startsWith("0 of 3 claims supported: ")
                .endsWith(" s\n");
        StudyPageBrowser.assertRenders(dir.resolve(StudyPage.HTML), "overfitting", 3, 3);
    }
}
