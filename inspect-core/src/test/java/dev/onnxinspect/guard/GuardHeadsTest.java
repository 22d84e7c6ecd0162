package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.HeadModels;
import dev.onnxinspect.data.InMemoryDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on models beyond a final Gemm with hidden features: a binary classifier with one logit (K = 2 with logits
 * (0, z), SPEC §5), a model without hidden features (only the detectors that need neither W, b nor h), and tensors
 * named in the options.
 */
class GuardHeadsTest {
    @TempDir
    Path dir;

    /** Labels of {@link HeadModels#binary}: z = x0 - x1 > 0 is class 1. */
    private static int binaryClass(float[] x) {
        return x[0] - x[1] > 0 ? 1 : 0;
    }

    @Test
    void binaryGuardPredictsBySignAndScoresTheTwoClassLogits() throws IOException {
        Path model = HeadModels.binary(dir.resolve("binary.onnx"));
        InMemoryDataset fit = HeadModels.grid2("fit", 60, 0, 8, GuardHeadsTest::binaryClass);
        try (OodGuard guard = OodGuard.fit(
                model,
                fit,
                GuardOptions.builder()
                        .calibration(HeadModels.grid2("calibration", 20, 0.0625f, 8, null))
                        .build())) {
            assertThat(guard.classes()).isEqualTo(2);
            assertThat(guard.outputs()).containsExactly("z", "h");
            assertThat(guard.detectorNames()).contains("vim", "react_energy", "ash_b", "mahalanobis", "energy");
            // z = 2: class 1, confidence sigmoid(2) = e^2 / (1 + e^2), energy -ln(1 + e^2)
            Verdict two = guard.score(new float[] {2, 0});
            assertThat(two.predictedClass()).isEqualTo(1);
            assertThat(two.confidence()).isCloseTo(Math.exp(2) / (1 + Math.exp(2)), within(1e-12));
            assertThat(two.score("energy")).isCloseTo(-Math.log1p(Math.exp(2)), within(1e-12));
            // z = 0: a tie, class 0, confidence 1/2, energy -ln 2
            Verdict tie = guard.score(new float[] {1, 1});
            assertThat(tie.predictedClass()).isZero();
            assertThat(tie.confidence()).isEqualTo(0.5);
            assertThat(tie.score("energy")).isCloseTo(-Math.log(2), within(1e-12));
            Path saved = dir.resolve("guard");
            guard.save(saved);
            try (OodGuard loaded = OodGuard.load(model, saved)) {
                assertThat(loaded.classes()).isEqualTo(2);
                assertThat(loaded.score(new float[] {2, 0})).isEqualTo(two);
            }
        }
    }

    @Test
    void withoutHiddenFeaturesTheGuardRunsTheLogitDetectors() throws IOException {
        Path model = GuardModels.noHiddenLayer(dir);
        try (OodGuard guard = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .calibration(GuardModels.rampCalibration())
                        .build())) {
            assertThat(guard.detectorNames())
                    .containsExactly(
                            "msp",
                            "max_logit",
                            "energy",
                            "odin",
                            "kl_matching",
                            "gen",
                            "msp_temperature",
                            "entropy",
                            "entropy_temperature");
            assertThat(guard.outputs()).containsExactly("logits");
            // the identity layer: z = x; energy of (2, 0) = -(2 + ln(1 + e^-2))
            assertThat(guard.score(new float[] {2, 0}).score())
                    .isCloseTo(-(2 + Math.log1p(Math.exp(-2))), within(1e-12));
            Path saved = dir.resolve("guard");
            guard.save(saved);
            assertThat(Files.readString(saved.resolve(GuardFiles.PROPERTIES))).doesNotContain("feature_layer");
            try (OodGuard loaded = OodGuard.load(model, saved)) {
                assertThat(loaded.outputs()).containsExactly("logits");
                assertThat(loaded.score(new float[] {1, 3})).isEqualTo(guard.score(new float[] {1, 3}));
            }
        }
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        GuardModels.fitSet(),
                        GuardOptions.builder()
                                .detectors(List.of("energy", "knn"))
                                .build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("detector 'knn' cannot run on this model: need features h");
    }

    @Test
    void namedTensorsInTheOptions() throws IOException {
        Path model = HeadModels.matMulAdd(dir.resolve("mm.onnx"));
        InMemoryDataset fit = HeadModels.grid2("fit", 64, -1, 8, x -> x[1] - 0.25 > x[0] + 0.25 ? 1 : 0);
        GuardOptions named = GuardOptions.builder()
                .logitsOutput("logits")
                .featureLayer("h")
                .head("logits")
                .detectors(List.of("energy", "vim"))
                .build();
        assertThat(List.of(named.logitsOutput(), named.featureLayer(), named.head()))
                .containsExactly("logits", "h", "logits");
        try (OodGuard guard = OodGuard.fit(model, fit, named)) {
            assertThat(guard.outputs()).containsExactly("logits", "h");
            assertThat(guard.detectorNames()).containsExactly("energy", "vim");
            // z = (x0 + 0.25, x1 - 0.25) = (1.25, -0.25) for x = (1, 0)
            assertThat(guard.score(new float[] {1, 0}).score())
                    .isCloseTo(-(1.25 + Math.log1p(Math.exp(-1.5))), within(1e-12));
        }
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        fit,
                        GuardOptions.builder()
                                .featureLayer("fc1")
                                .head("logits")
                                .build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("cannot choose the tensors")
                .hasMessageContaining("does not read the features 'fc1'");
    }
}
