package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.dynamics.StepRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The population is resumable: finished models are read back, missing ones trained (in worker processes), foreign
 * results refused.
 */
class PathPopulationTest {
    private static final List<PathModelSpec> SPECS = List.of(
            new PathModelSpec("a-w8-q0", new int[] {8}, 0, 0, 0, 11),
            new PathModelSpec("b-w8x8-q0.5", new int[] {8, 8}, 0.5, 5e-4, 0, 12));

    @TempDir
    Path temp;

    /** 120 training and 60 test images, 12 probe images, ranges [1, 1] and [2, 2]. */
    private static PathPopulation population(int epochs) {
        return new PathPopulation(
                new PathsStudy.Settings(120, 60, 12, epochs, new StepRange(1, 1), new StepRange(2, 2), new int[] {8}),
                1);
    }

    @Test
    void finishedModelsAreReadBackAndOnlyMissingOnesAreTrained() throws Exception {
        PathPopulation population = population(2);
        Path models = temp.resolve("models");

        PathPopulation.Outcome first = population.run(SPECS, models, 2);
        assertThat(first.trained()).isEqualTo(2);
        assertThat(first.results()).extracting(PathModelResult::id).containsExactly("a-w8-q0", "b-w8x8-q0.5");
        assertThat(first.results()).allSatisfy(r -> {
            assertThat(r.epochs()).isEqualTo(2);
            assertThat(r.patternRatio()).isPositive().isFinite();
            assertThat(r.testAccuracy()).isBetween(0.0, 1.0);
        });
        // q = 0 changes no label; q = 0.5 changes about 0.5 * 9/10 of them
        assertThat(first.results().get(0).realisedNoise()).isZero();
        assertThat(first.results().get(1).realisedNoise()).isBetween(0.3, 0.6);
        try (var files = Files.list(models)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".result")))
                    .containsExactlyInAnyOrder("a-w8-q0.result", "b-w8x8-q0.5.result");
        }

        // a second run trains nothing and gives the same figures, bit for bit
        Path kept = PathModelResult.file(models, "a-w8-q0");
        FileTime written = Files.getLastModifiedTime(kept);
        PathPopulation.Outcome again = population.run(SPECS, models, 2);
        assertThat(again.trained()).isZero();
        assertThat(again.results()).isEqualTo(first.results());

        // an interrupted run leaves no result for the model it was training: only that one is trained again
        Files.delete(PathModelResult.file(models, "b-w8x8-q0.5"));
        PathPopulation.Outcome resumed = population.run(SPECS, models, 2);
        assertThat(resumed.trained()).isEqualTo(1);
        assertThat(resumed.results().get(0)).isEqualTo(first.results().get(0));
        assertThat(resumed.results().get(1).testAccuracy())
                .isEqualTo(first.results().get(1).testAccuracy());
        assertThat(Files.getLastModifiedTime(kept)).isEqualTo(written);
    }

    @Test
    void resultsOfOtherSettingsOrDamagedFilesAreRefusedWithTheFix() throws Exception {
        Path models = temp.resolve("models");
        population(2).run(SPECS.subList(0, 1), models, 2);

        assertThatThrownBy(() -> population(3).run(SPECS.subList(0, 1), models, 2))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("was measured with other settings")
                .hasMessageContaining("epochs=2")
                .hasMessageContaining("choose another output directory");

        Files.writeString(PathModelResult.file(models, "a-w8-q0"), "format=something else\n");
        assertThatThrownBy(() -> population(2).run(SPECS.subList(0, 1), models, 2))
                .hasMessageContaining("is not a result of model a-w8-q0")
                .hasMessageContaining("delete it to retrain");
    }
}
