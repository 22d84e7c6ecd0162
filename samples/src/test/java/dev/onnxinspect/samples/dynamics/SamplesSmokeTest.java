package dev.onnxinspect.samples.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.dynamics.DynamicsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both samples end to end on a few Fashion-MNIST samples (from the dataset cache) and two epochs. */
class SamplesSmokeTest {
    @TempDir
    Path temp;

    @Test
    void dynamicsSampleWritesTablesCheckpointsReportAndSummary() throws Exception {
        Path out = temp.resolve("s1");
        DynamicsSample.main(new String[] {
            "--out",
            out.toString(),
            "--train",
            "200",
            "--test",
            "50",
            "--probe",
            "20",
            "--epochs",
            "2",
            "--early",
            "1-1",
            "--middle",
            "2-2",
            "--architectures",
            "mlp"
        });

        for (String file : List.of(
                "mlp/path_similarity.arrow",
                "mlp/training_history.arrow",
                "mlp/manifest.json",
                "mlp/weight_norms.csv",
                "mlp/checkpoints/checkpoint-000.onnx",
                "mlp/checkpoints/checkpoint-002.onnx",
                "dynamics-report.html",
                "summary.md")) {
            assertThat(out.resolve(file)).as(file).isRegularFile();
        }
        // 20 probe samples: all 190 pairs; per layer and step 20 self + 2 * 190 cross rows; 2 layers, 2 steps
        assertThat(Files.readString(out.resolve("mlp/manifest.json"))).contains("\"rows\": " + 2 * 2 * (20 + 380));
        // weight_norms.csv: header + 3 checkpoints x (3 layers + total)
        assertThat(Files.readAllLines(out.resolve("mlp/weight_norms.csv"))).hasSize(1 + 3 * 4);
        assertThat(Files.readString(out.resolve("summary.md")))
                .contains("mlp: median (mean) self similarity per step")
                .contains("early-to-mid ratio");
    }

    @Test
    void overfittingSampleWritesOneHistoryRowPerRunAndEpoch() throws Exception {
        Path out = temp.resolve("s2");
        OverfittingDistanceSample.main(
                new String[] {"--out", out.toString(), "--train", "100", "--test", "50", "--epochs", "2", "--seeds", "5"
                });

        // 2 runs (normal, overfit) x epochs 0..2
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("\"rows\": 6");
        assertThat(Files.readAllLines(out.resolve(WeightNormsCsv.FILE)))
                .hasSize(1 + 2 * 3 * 4)
                .anyMatch(l -> l.startsWith("overfit-seed5,2,total,"));
        assertThat(out.resolve("overfitting-report.html")).isRegularFile();
    }

    @Test
    void argumentsRejectUnknownNamesAndMissingValues() {
        Map<String, String> defaults = Map.of("out", "x", "epochs", "3");
        assertThat(SampleData.arguments(new String[] {"--epochs", "5"}, defaults))
                .containsEntry("epochs", "5")
                .containsEntry("out", "x");
        assertThatThrownBy(() -> SampleData.arguments(new String[] {"--epoch", "5"}, defaults))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("--epoch")
                .hasMessageContaining("epochs");
        assertThatThrownBy(() -> SampleData.arguments(new String[] {"--epochs"}, defaults))
                .isInstanceOf(DynamicsException.class);
    }

    @Test
    void weightNormsCsvRejectsNamesItCannotWrite() {
        var trajectory = DynamicsAnalysis.weights(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()));
        assertThatThrownBy(() -> WeightNormsCsv.write(temp, Map.of("a,b", trajectory)))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("comma");
    }

    @Test
    void weightNormsCsvIsReadableByOthersLikeAPlainFile() throws Exception {
        var trajectory = DynamicsAnalysis.weights(
                CheckpointSeries.fromParameters(TinyCheckpoints.MLP, TinyCheckpoints.parameters()));
        Path csv = WeightNormsCsv.write(temp.resolve("new-dir"), Map.of("mlp", trajectory));
        // a file created the ordinary way gets 0666 & ~umask; Files.createTempFile would give 0600
        assumeTrue(Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX");
        Path plain = Files.write(temp.resolve("plain"), new byte[] {1});
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ), "umask 0x7");
        assertThat(Files.getPosixFilePermissions(csv))
                .isEqualTo(Files.getPosixFilePermissions(plain))
                .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }
}
