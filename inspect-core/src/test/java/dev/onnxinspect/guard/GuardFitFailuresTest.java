package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.audit.HeadModels;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.GenDetector;
import dev.onnxinspect.ood.ScaleDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detector the fit data cannot define is left out under its own name, so a guard naming it says why. */
class GuardFitFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aFitSetTooSmallForKnnLeavesKnnOutInsteadOfFailingTheGuard() throws IOException {
        // 30 fit samples: KNN (k = 50) cannot be fitted; before, the whole guard fit failed on it.
        Path model = HeadModels.binary(dir.resolve("binary.onnx"));
        InMemoryDataset fit = HeadModels.grid2("fit", 30, 0, 8, x -> x[0] - x[1] > 0 ? 1 : 0);
        try (OodGuard guard = OodGuard.fit(model, fit, GuardOptions.builder().build())) {
            assertThat(guard.detectorNames())
                    .contains("energy", "mahalanobis", "gen")
                    .doesNotContain("knn");
            // z = 2 for x = (2, 0): energy of the logits (0, 2) = -ln(1 + e^2)
            assertThat(guard.score(new float[] {2, 0}).score("energy"))
                    .isCloseTo(-Math.log1p(Math.exp(2)), within(1e-12));
        }
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        fit,
                        GuardOptions.builder().primaryDetector("knn").build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("'knn'");
    }

    @Test
    void aDetectorRefusedAtFitTimeIsNamedWithItsReason() {
        DenseLayer head = new DenseLayer("z", "h", 2, 2, new float[] {1, 0, 0, 1}, new float[2]);
        ScaleDetector.Accumulator scale = ScaleDetector.accumulator(head);
        scale.accept(DetectorInput.builder(1)
                .features(new float[] {1, -2}, 2)
                .logits(new float[] {1, -2}, 2)
                .build());
        List<String> skipped = new ArrayList<>();
        DetectorSuite suite =
                DetectorSuite.builder().add(GenDetector.create()).fit(scale).buildSkippingFailures(skipped);
        assertThat(suite.names()).containsExactly("gen");
        assertThatThrownBy(() -> GuardFitting.knownName("scale", suite, skipped))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("detector 'scale' cannot run on this model: SCALE needs non-negative features")
                .hasMessageContaining("choose among [gen]");
        assertThat(GuardFitting.keep(suite, List.of("gen"), skipped).names()).containsExactly("gen");
    }
}
