package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionException;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.runtime.InferenceSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Inspection.Builder#part}: one part of a larger dataset (a Spark partition) whose samples are all skipped as
 * non-finite is a partial of 0 samples, not a refusal; a whole dataset is still refused.
 */
class InspectionPartTest {
    @TempDir
    Path dir;

    @Test
    void aPartWithoutAFiniteSampleCountsItsSkipsWhereAWholeDatasetIsRefused() throws IOException {
        Path model = NonFiniteModels.model(dir.resolve("non-finite.onnx"));
        // x2 = 0: g = x / 0 is non-finite, so are h and the logits (NonFiniteModels)
        InMemoryDataset poisoned =
                InMemoryDataset.of("part", new float[] {1, 1, 0, -1, 2, 0, 0.5f, -1, 0}, new int[] {0, 1, 0}, 3);
        try (InferenceSession session = InferenceSession.open(model)) {
            AtomicInteger batches = new AtomicInteger();
            InspectionSummary summary = Inspection.builder(session, poisoned)
                    .logitsOutput("logits")
                    .layers(List.of("h"))
                    .batchSize(2)
                    .nonFinite(NonFinitePolicy.SKIP)
                    .part(true)
                    .build()
                    .run(view -> batches.incrementAndGet());
            assertThat(batches).hasValue(0);
            assertThat(summary.samples()).isZero();
            assertThat(summary.skippedNonFinite()).isEqualTo(3);
            assertThat(Arrays.stream(summary.classCounts()).sum()).isZero();

            assertThatThrownBy(() -> Inspection.builder(session, poisoned)
                            .logitsOutput("logits")
                            .layers(List.of("h"))
                            .nonFinite(NonFinitePolicy.SKIP)
                            .build()
                            .run(view -> batches.incrementAndGet()))
                    .isInstanceOf(InspectionException.class)
                    .hasMessageContaining("all 3 samples of part have NaN or infinite activations");
        }
    }
}
