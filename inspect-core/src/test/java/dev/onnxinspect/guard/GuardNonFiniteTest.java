package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.audit.NonFiniteModels;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.NonFinitePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a guard fitted and calibrated with {@link NonFinitePolicy#SKIP} on sets with NaN/infinite samples equals
 * the guard fitted on the sets without them (batch size 1, so that every fit sum is grouped alike; see
 * {@code NonFiniteSkipTest}), and scoring with SKIP gives no verdict to such samples and the clean verdicts to the
 * others.
 */
class GuardNonFiniteTest {
    private static final int FIT = 64;
    private static final int CALIBRATION = 24;
    private static final int EVERY = 4;

    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void model() throws IOException {
        model = NonFiniteModels.model(dir.resolve("non-finite.onnx"));
    }

    private OodGuard fit(boolean poisoned, NonFinitePolicy policy) throws IOException {
        return OodGuard.fit(
                model,
                NonFiniteModels.set("fit", FIT, 0, EVERY, poisoned, true),
                GuardOptions.builder()
                        .calibration(NonFiniteModels.set("calibration", CALIBRATION, 7, EVERY, poisoned, false))
                        .patternLayers(List.of("h", "side"))
                        .batchSize(1)
                        .nonFinite(policy)
                        .build());
    }

    @Test
    void fittingWithSkipEqualsFittingOnTheCleanSets() throws IOException {
        try (OodGuard clean = fit(false, NonFinitePolicy.FAIL);
                OodGuard skipping = fit(true, NonFinitePolicy.SKIP)) {
            assertThat(skipping.skippedNonFinite())
                    .containsExactly(
                            Map.entry("fit", (long) NonFiniteModels.poisons(FIT, EVERY)),
                            Map.entry("calibration", (long) NonFiniteModels.poisons(CALIBRATION, EVERY)));
            assertThat(clean.skippedNonFinite()).isEmpty();
            assertThat(skipping.detectorNames())
                    .isEqualTo(clean.detectorNames())
                    .contains("knn", "mahalanobis");
            assertThat(skipping.thresholds().values())
                    .isEqualTo(clean.thresholds().values());
            assertThat(skipping.thresholds().calibrationSamples()).isEqualTo(CALIBRATION);

            // scoring: the poisoned batch with SKIP gives the clean batch's verdicts, and says which samples it scored
            InMemoryDataset poisoned = NonFiniteModels.set("probe", 12, 3, EVERY, true, false);
            InMemoryDataset cleanProbe = NonFiniteModels.set("probe", 12, 3, EVERY, false, false);
            ScoredBatch scored = skipping.scoreBatch(only(poisoned), NonFinitePolicy.SKIP);
            // 12 clean samples with a poisoned one before positions 4, 8, 12 (1-based): at indices 3, 8, 13
            assertThat(scored.skippedNonFinite()).isEqualTo(3);
            assertThat(scored.scored()).containsExactly(0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14);
            assertThat(scored.verdicts()).isEqualTo(clean.scoreBatch(only(cleanProbe)));
            assertThatThrownBy(() -> skipping.scoreBatch(only(poisoned))).isInstanceOf(GuardException.class);
        }
    }

    @Test
    void byDefaultFittingOnNonFiniteLogitsFails() {
        assertThatThrownBy(() -> fit(true, NonFinitePolicy.FAIL).close())
                .isInstanceOf(dev.onnxinspect.OnnxInspectException.class)
                .hasMessageContaining("NaN");
    }

    private static Batch only(InMemoryDataset data) {
        Iterator<Batch> it = data.batches((int) data.size());
        return it.next();
    }
}
