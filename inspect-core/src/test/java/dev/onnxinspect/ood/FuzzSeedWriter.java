package dev.onnxinspect.ood;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the seeds of the guard fuzz target {@code dev.onnxinspect.guard.GuardFilesFuzzTest#detectorFile}: the
 * standard suite of every detector fitted on the synthetic model, and single detectors, saved for the hash the
 * target loads them with. Run once with {@code mvn test -pl inspect-core -Dtest=FuzzSeedWriter
 * -Dfuzz.writeSeeds=true} (from the repository root, with -am) and commit the files.
 */
class FuzzSeedWriter {
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/onnxinspect/guard/GuardFilesFuzzTestInputs/detectorFile");
    /** {@code GuardFilesFuzzTest.SHA}. */
    private static final String SHA = "ab12cd34";

    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() throws IOException {
        Files.createDirectories(SEEDS);
        SyntheticModel model = new SyntheticModel(11);
        DetectorSuite suite = model.fitStandardSuite(model.batches(1, 4, 50, 0));
        suite.save(SEEDS.resolve("seed-standard-suite.bin"), SHA);
        DetectorFiles.save(SEEDS.resolve("seed-energy.bin"), SHA, EnergyDetector.withTemperature(2));
        for (OodDetector d : suite.detectors()) {
            if (List.of("knn", "mahalanobis", "vim", "pattern_distance[relu]").contains(d.name())) {
                DetectorFiles.save(SEEDS.resolve("seed-" + d.name().replaceAll("[^a-z_]", "") + ".bin"), SHA, d);
            }
        }
    }
}
