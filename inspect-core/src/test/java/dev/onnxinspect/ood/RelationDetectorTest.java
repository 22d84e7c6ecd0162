package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relation (SPEC §5b) on fit sets whose relations are known on paper. Fit: A h = (1, 0), B h = (0, 1), C h = (-1, 0),
 * all with z = (0, 0), so p_i = (1/2, 1/2) and <p, p_i> = 1/2 for a query with z = (0, 0).
 */
class RelationDetectorTest {
    private final DetectorInput fit = Inputs.logitsAndFeatures(
            new float[][] {row(0, 0), row(0, 0), row(0, 0)}, new float[][] {row(1, 0), row(0, 1), row(-1, 0)});

    private static RelationDetector fitted(RelationDetector.Accumulator a, DetectorInput batch) {
        a.accept(batch);
        return a.result();
    }

    @Test
    void sumsThePositiveRelationsAboveTheThreshold() {
        // query h = (1, 1): cosines (1/sqrt 2, 1/sqrt 2, -1/sqrt 2) -> clamped (., ., 0); r = (1/(2 sqrt 2), same, 0)
        // q = 1: -(2 / (2 sqrt 2)) = -1/sqrt 2; q = 2: -(2 x 1/8) = -1/4. Query h = 0 relates to nothing: +0.0
        DetectorInput q =
                Inputs.logitsAndFeatures(new float[][] {row(0, 0), row(0, 0)}, new float[][] {row(1, 1), row(0, 0)});
        double[] one = fitted(RelationDetector.accumulator(), fit).score(q);
        assertThat(one[0]).isCloseTo(-1 / Math.sqrt(2), within(1e-15));
        assertThat(Double.doubleToRawLongBits(one[1])).isZero();
        assertThat(fitted(RelationDetector.accumulator(2), fit).score(q)[0]).isCloseTo(-0.25, within(1e-15));
    }

    @Test
    void aRelationOfExactlyThreeHundredthsIsDropped() {
        // bank rows (ĥ_i, p_i) set exactly: ĥ_1 = (0.03, .), ĥ_2 = (nextUp(0.03), .), p_i = (1, 0). The query
        // h = (1, 0) with z = (0, -1000) has ĥ = (1, 0) and p = (1, 0) exactly (exp(-1000) underflows to 0), so
        // r_1 = 0.03 (dropped: the test is strict) and r_2 = nextUp(0.03) (kept).
        double above = Math.nextUp(0.03);
        RelationDetector d = RelationDetector.of(
                1,
                2,
                2,
                new double[] {0.03, Math.sqrt(1 - 0.03 * 0.03), above, Math.sqrt(1 - above * above)},
                new double[] {1, 0, 1, 0});
        DetectorInput q = Inputs.logitsAndFeatures(new float[][] {row(0, -1000)}, new float[][] {row(1, 0)});
        assertThat(d.score(q)[0]).isEqualTo(-above);
        RelationDetector exactOnly =
                RelationDetector.of(1, 2, 2, new double[] {0.03, Math.sqrt(1 - 0.03 * 0.03)}, new double[] {1, 0});
        assertThat(Double.doubleToRawLongBits(exactOnly.score(q)[0])).isZero();
    }

    @Test
    void aOneClassFitSetAndATwoClassOneLogitModel() {
        // one class, one logit z per sample (K = 2 with logits (0, z), SPEC §5): fit z = 0 -> p_i = (1/2, 1/2).
        // Query z = ln 3 would give p = (1/4, 3/4); <p, p_i> = 1/2 whatever p is, as p sums to 1.
        DetectorLayout layout = new DetectorLayout("z", "h", List.of(), 2);
        DetectorInput fitOneLogit = layout.input(
                Map.of(
                        "z", Inputs.layer("z", row(0), row(0)),
                        "h", Inputs.layer("h", row(2, 0), row(3, 0))),
                2,
                new int[] {1, 1});
        RelationDetector d = fitted(RelationDetector.accumulator(), fitOneLogit);
        DetectorInput q =
                layout.input(Map.of("z", Inputs.layer("z", row(1.5)), "h", Inputs.layer("h", row(1, 1))), 1, null);
        // cos = 1/sqrt 2 with both fit rows, r = 1/(2 sqrt 2) each: score -1/sqrt 2
        assertThat(d.score(q)[0]).isCloseTo(-1 / Math.sqrt(2), within(1e-15));
    }

    @Test
    void savedAndLoadedScoresBitForBit(@TempDir Path dir) throws IOException {
        RelationDetector d = fitted(RelationDetector.accumulator(2), fit);
        Path file = dir.resolve("relation.bin");
        DetectorFiles.save(file, "ab", d);
        RelationDetector loaded =
                (RelationDetector) DetectorFiles.load(file, "ab").get(0);
        assertThat(loaded.q()).isEqualTo(2);
        assertThat(loaded.fitSize()).isEqualTo(3);
        DetectorInput q = Inputs.logitsAndFeatures(
                new float[][] {row(0.5, -1), row(0, 3)}, new float[][] {row(1, 2), row(-1, 0.5)});
        assertThat(loaded.score(q)).containsExactly(d.score(q));
    }

    @Test
    void badParametersAndInputsAreRefused() {
        assertThatThrownBy(() -> RelationDetector.accumulator(0)).hasMessageContaining("q > 0");
        assertThatThrownBy(() -> RelationDetector.accumulator(Double.NaN)).hasMessageContaining("q > 0");
        assertThatThrownBy(() -> RelationDetector.accumulator().result()).hasMessageContaining("at least one fit");
        RelationDetector d = fitted(RelationDetector.accumulator(), fit);
        DetectorInput threeClasses = Inputs.logitsAndFeatures(new float[][] {row(0, 0, 0)}, new float[][] {row(1, 0)});
        assertThatThrownBy(() -> d.score(threeClasses)).hasMessageContaining("K = 2");
        assertThat(RelationDetector.estimate(1000, 8, 2).bytes()).isEqualTo(1000L * 10 * 8);
    }
}
