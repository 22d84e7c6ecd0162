package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.GenDetector;
import dev.onnxinspect.ood.ScaleDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detector the fit data cannot define is left out under its own name, so a guard naming it says why. */
class GuardFitFailuresTest {
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
