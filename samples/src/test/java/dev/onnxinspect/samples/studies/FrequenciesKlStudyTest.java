package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.KlMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick run of {@code frequencies-kl} (real Fashion-MNIST and MNIST digits from the cache): the page's shape, the
 * sanity of its measures (fractions in [0, 1], KL >= 0, the trained network above chance), and the page in Chromium;
 * plus the study's helpers on tables small enough to check by hand.
 */
class FrequenciesKlStudyTest {
    @TempDir
    Path dir;

    @Test
    void quickRunWritesTheFullPage() throws Exception {
        StudyPage page = new FrequenciesKlStudy().run(dir, true, 7);
        assertThat(page.claims()).hasSize(9);
        assertThat(page.claims()).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.INCONCLUSIVE));
        assertThat(dir.resolve(StudyPage.HTML)).exists();
        assertThat(dir.resolve("model.onnx")).exists();
        assertThat(dir.resolve("model-untrained.onnx")).exists();
        String md = Files.readString(dir.resolve(StudyPage.MARKDOWN));
        assertThat(md).contains("## Claims", "Covariate shift", "mnist-digits", "rotated30", "blurred1.5");
        List<String> csv = Files.readAllLines(dir.resolve("measures.csv"));
        // 2 networks x 2 layers x (4 measures + 4 sets x 2 directions)
        assertThat(csv).hasSize(1 + 2 * 2 * 12);
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            double v = Double.parseDouble(f[3]);
            assertThat(v).as(line).isFinite().isGreaterThanOrEqualTo(0);
            if (f[2].contains("fraction") || f[2].contains("share")) {
                assertThat(v).as(line).isLessThanOrEqualTo(1);
            }
        }
        // the trained network beats chance on its ID set even after 2 epochs on 2,000 images
        assertThat(md).containsPattern("\\| fashion-test-a \\| 0\\.\\d+ \\| 0\\.[5-9]\\d* \\|");
        assertThat(Files.readString(dir.resolve(Study.README_FRAGMENT)))
                .startsWith("0 of 9 claims supported: ")
                .endsWith(" s\n");
        StudyPageBrowser.assertRenders(dir.resolve(StudyPage.HTML), "frequencies-kl", 9, 10);
    }

    /** Two classes over 3 neurons: class 0 (2 samples) counts [2, 1, 0], class 1 (4 samples) counts [0, 4, 4]. */
    private static FrequencyTable table() {
        return new FrequencyTable(
                "S1", 3, 100, List.of(new ClassCounts(0, 2, new int[] {2, 1, 0}), new ClassCounts(1, 4, new int[] {
                    0, 4, 4
                })));
    }

    @Test
    void activeFractionAndPolarisedShareFromCounts() {
        // (2 + 1 + 0 + 0 + 4 + 4) significant pairs of (2 + 4) * 3 = 18
        assertThat(FrequenciesKlStudy.activeFraction(table())).isCloseTo(11.0 / 18, within(1e-15));
        // frequencies 1, 0.5, 0 and 0, 1, 1: five of six below 0.05 or at least 0.95
        assertThat(FrequenciesKlStudy.polarised(table())).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void meansOfTheDiagonalAndOffDiagonal() {
        KlMatrix m =
                new KlMatrix("p", "q", new int[] {0, 1, 2}, new int[] {1, 2}, new double[][] {{1, 2}, {3, 4}, {5, 6}});
        // same classes 1 and 2: entries (1, 1) = 3 and (2, 2) = 6
        assertThat(FrequenciesKlStudy.meanDiagonal(m)).isCloseTo(4.5, within(1e-15));
        // pairs of different classes: (0,1)=1, (0,2)=2, (1,2)=4, (2,1)=5
        assertThat(FrequenciesKlStudy.meanOffDiagonal(m)).isCloseTo(3.0, within(1e-15));
    }
}
