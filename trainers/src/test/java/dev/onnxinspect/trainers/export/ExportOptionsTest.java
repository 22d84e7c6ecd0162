package dev.onnxinspect.trainers.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportOptionsTest {
    @Test
    void metadataKeepsTheOrderItWasGivenIn() {
        // the exported model's metadata (and every table that records a run's configuration) lists the keys in the
        // order given, in every JVM: an immutable Map.copyOf would iterate in a per-JVM randomised order
        ExportOptions.Builder b = ExportOptions.builder();
        List<String> keys = new ArrayList<>();
        for (int i = 12; i > 0; i--) {
            keys.add("key" + i);
            b.metadata("key" + i, Integer.toString(i));
        }
        assertThat(b.build().metadata().keySet()).containsExactlyElementsOf(keys);
    }
}
