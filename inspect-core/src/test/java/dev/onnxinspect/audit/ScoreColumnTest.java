package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorInputKind;
import dev.onnxinspect.ood.OodDetector;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScoreColumnTest {
    @Test
    void perLayerDetectorLosesItsLayerSuffix() {
        ScoreColumn c = ScoreColumn.of(detector("nap_hamming[dense1/relu]", "dense1/relu"));
        assertThat(c).isEqualTo(new ScoreColumn("nap_hamming[dense1/relu]", "nap_hamming", "dense1/relu"));
        assertThat(c.tableColumn()).isEqualTo("nap_hamming@dense1/relu");
    }

    @Test
    void detectorWithoutLayerOrSuffixKeepsItsName() {
        assertThat(ScoreColumn.of(detector("energy", null))).isEqualTo(new ScoreColumn("energy", "energy", null));
        // a layer the name does not end with: the name stays whole
        assertThat(ScoreColumn.of(detector("pattern", "h"))).isEqualTo(new ScoreColumn("pattern", "pattern", "h"));
    }

    private static OodDetector detector(String name, String layer) {
        return new OodDetector() {
            private static final long serialVersionUID = 1L;

            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<DetectorInputKind> requiredInputs() {
                return Set.of();
            }

            @Override
            public Optional<String> layer() {
                return Optional.ofNullable(layer);
            }

            @Override
            public double[] score(DetectorInput input) {
                return new double[0];
            }
        };
    }
}
