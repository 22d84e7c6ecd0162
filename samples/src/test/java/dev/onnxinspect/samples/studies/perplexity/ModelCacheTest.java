package dev.onnxinspect.samples.studies.perplexity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming: a finished model is loaded, not retrained; an unfinished or differently configured one is retrained. */
class ModelCacheTest {
    @TempDir
    Path temp;

    @Test
    void aFinishedModelIsLoadedAndAnUnfinishedOneTrainedAgain() throws Exception {
        TrainingData data = randomData(64, 1);
        TrainingConfig config =
                TrainingConfig.builder(1).optimizer(OptimizerKind.ADAM).seed(3).build();
        GridModel model = new GridModel(1, 4);
        ModelCache cache = new ModelCache(temp, data, data, config);

        ModelCache.Pair first = cache.obtain(model);
        assertThat(first.cached()).isFalse();
        Path dir = temp.resolve("d1-w4");
        assertThat(dir.resolve(ModelCache.DONE)).isRegularFile();

        ModelCache.Pair again = cache.obtain(model);
        assertThat(again.cached()).isTrue();
        assertThat(again.trained()).isEqualTo(first.trained());
        assertThat(again.untrained()).isEqualTo(first.untrained());
        assertThat(again.testAccuracy()).isEqualTo(first.testAccuracy());

        // an interruption before the outcome was written: trained again
        Files.delete(dir.resolve(ModelCache.DONE));
        assertThat(cache.obtain(model).cached()).isFalse();

        // another configuration (2 epochs): trained again, and the directory now records it
        ModelCache other = new ModelCache(
                temp,
                data,
                data,
                TrainingConfig.builder(2).optimizer(OptimizerKind.ADAM).seed(3).build());
        assertThat(other.obtain(model).cached()).isFalse();
        assertThat(other.obtain(model).cached()).isTrue();
        assertThat(Files.readString(dir.resolve(ModelCache.DONE))).contains("training.epochs=2");
    }

    private static TrainingData randomData(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(10);
            for (int j = 0; j < 784; j++) {
                x[i * 784 + j] = (float) random.nextDouble();
            }
        }
        return new TrainingData(x, y, new int[] {784}, 10);
    }
}
