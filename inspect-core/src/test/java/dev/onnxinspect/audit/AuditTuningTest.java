package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit with SPEC §6b hyperparameter selection on the {@link HeadModels#matMulAdd} classifier: every standard grid
 * the model can feed is recorded, the chosen point has the largest AUROC of its grid, and a k above the 64 fit samples
 * is left out.
 */
class AuditTuningTest {
    @TempDir
    Path dir;

    private static int label(float[] x) {
        return x[1] - 0.25 > x[0] + 0.25 ? 1 : 0;
    }

    @Test
    void auditRecordsEveryGridAndItsChoice() throws IOException {
        Path model = HeadModels.matMulAdd(dir.resolve("m.onnx"));
        float[][] id = {{1, 0}, {0, 1}, {-0.5f, 0.25f}, {0.125f, 0.625f}};
        int[] labels = new int[id.length];
        for (int i = 0; i < id.length; i++) {
            labels[i] = label(id[i]);
        }
        AuditResult r = Audit.builder(model)
                .fit(HeadModels.grid2("fit", 64, -1, 8, AuditTuningTest::label))
                .id(HeadModels.samples2("id", id, labels))
                .ood(HeadModels.samples2("ood", new float[][] {{3, -2}, {-2.5f, 3.5f}}, null))
                .tuneOn(
                        HeadModels.grid2("id-val", 12, 0.5f, 4, null),
                        HeadModels.samples2("ood-val", new float[][] {{3.5f, -2.5f}, {-3, 3}, {2.75f, 2.75f}}, null))
                .nodeClassifiers(0, 0)
                .run();
        Map<String, String> p = r.parameters();
        assertThat(p.get("tuning_sets")).startsWith("id-val vs ood-val");
        for (String detector : List.of("odin", "knn", "react_energy", "ash_b", "ash_s", "ash_p", "dice", "vim")) {
            assertThat(p).containsKey("tuning." + detector).containsKey("tuning." + detector + ".grid");
            String grid = p.get("tuning." + detector + ".grid");
            String chosen = p.get("tuning." + detector);
            // "value (AUROC a; default ...)": a is the largest AUROC of the grid
            String point = chosen.substring(0, chosen.indexOf(" (AUROC "));
            double auroc = Double.parseDouble(
                    chosen.substring(chosen.indexOf(" (AUROC ") + 8, chosen.indexOf(';', chosen.indexOf(" (AUROC "))));
            assertThat(grid).contains(point + ": " + auroc);
            for (String entry : grid.split(" \\| ")) {
                String value = entry.substring(entry.indexOf(": ") + 2);
                if (!value.startsWith("not fitted")) {
                    assertThat(Double.parseDouble(value))
                            .as(detector + " " + entry)
                            .isLessThanOrEqualTo(auroc);
                }
            }
        }
        // 64 fit samples: k = 100 and above cannot be fitted; ViM on d = 8 features: D in 1, 2, 4 (default), 6
        assertThat(p.get("tuning.knn.grid")).contains("k=50: ", "k=100: not fitted");
        assertThat(p.get("tuning.vim.grid")).startsWith("D=1: ").contains("D=2: ", "D=4: ", "D=6: ");
        // the tuned detectors still score every evaluated sample
        assertThat(r.metrics().stream().filter(m -> m.detector().equals("knn"))).hasSize(1);
    }
}
