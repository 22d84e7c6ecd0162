package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.export.OrtTextRunner;
import dev.onnxinspect.trainers.train.TokenData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextClassifierSampleTest {

    @Test
    void trainsExportsAndClassifiesTheKeywordTask(@TempDir Path dir) throws Exception {
        TextClassifierSample.Result result = TextClassifierSample.trainAndExport(dir.resolve("out"), 1);

        assertThat(result.model()).isEqualTo(dir.resolve("out").resolve(TextClassifierSample.MODEL_FILE));
        assertThat(result.train().size()).isEqualTo(2000);
        assertThat(result.test().size()).isEqualTo(500);
        assertThat(result.ood().size()).isEqualTo(500);
        assertThat(result.ood().labelled()).isFalse();
        assertThat(result.trainAccuracy()).isGreaterThan(0.9);
        assertThat(result.testAccuracy()).isGreaterThan(0.9);
        assertThat(result.run().history()).hasSize(TextClassifierSample.EPOCHS + 1);

        // the exported file, run in ONNX Runtime, classifies the test data as DJL measured (SPEC: +-1 on counts
        // across runtimes)
        TokenData test = result.test();
        float[] logits = OrtTextRunner.runAll(
                        Files.readAllBytes(result.model()),
                        flatten(test.paddedIds()),
                        flatten(test.paddedMask()),
                        test.size())
                .get(Architecture.LOGITS);
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] row = Arrays.copyOfRange(logits, i * 3, i * 3 + 3);
            int best = row[1] > row[0] ? 1 : 0;
            best = row[2] > row[best] ? 2 : best;
            if (best == test.label(i)) {
                correct++;
            }
        }
        assertThat((double) correct / test.size()).isCloseTo(result.testAccuracy(), within(1.0 / test.size()));
    }

    private static long[] flatten(long[][] rows) {
        return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
    }
}
