package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.NonFinitePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: with {@link NonFinitePolicy#SKIP} an audit leaves out every sample whose inspected layers, logits or
 * features hold NaN or an infinity, and gives bit for bit the result of the same audit on the data with those samples
 * removed ({@link NonFiniteModels}: the poisoned sets are the clean ones with samples inserted).
 */
class NonFiniteSkipTest {
    private static final int FIT = 64;
    private static final int ID = 24;
    private static final int OOD = 20;
    private static final int EVERY = 4;

    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void model() throws IOException {
        model = NonFiniteModels.model(dir.resolve("non-finite.onnx"));
    }

    private Audit.Builder audit(boolean poisoned, int batchSize) {
        return Audit.builder(model)
                .fit(NonFiniteModels.set("fit", FIT, 0, EVERY, poisoned, true))
                .id(NonFiniteModels.set("id", ID, 5, EVERY, poisoned, true))
                // unlabelled: the classes are predicted, which a NaN logit would make undefined
                .ood(NonFiniteModels.set("ood", OOD, 11, EVERY, poisoned, false))
                .batchSize(batchSize);
    }

    /**
     * Batch size 1: every hook sees the kept samples in the same batches as on the clean data, so everything must be
     * equal bit for bit (a batch of 4 with a sample left out holds 3 samples, and the Mahalanobis fit sums per batch:
     * see the next test).
     */
    @Test
    void skippingGivesExactlyTheResultOfTheDataWithoutTheSkippedSamples() throws IOException {
        AuditResult clean = audit(false, 1).run();
        AuditResult skipped = audit(true, 1).nonFinite(NonFinitePolicy.SKIP).run();

        assertThat(skipped.fitSet().skippedNonFinite()).isEqualTo(NonFiniteModels.poisons(FIT, EVERY));
        assertThat(skipped.id().skippedNonFinite()).isEqualTo(NonFiniteModels.poisons(ID, EVERY));
        assertThat(skipped.ood().get(0).skippedNonFinite()).isEqualTo(NonFiniteModels.poisons(OOD, EVERY));
        assertThat(clean.id().skippedNonFinite()).isZero();
        assertThat(skipped.parameters())
                .containsEntry("non_finite", "skip")
                .containsEntry("skipped_non_finite.fit", "16")
                .containsEntry("skipped_non_finite.id", "6")
                .containsEntry("skipped_non_finite.ood", "5");
        assertThat(clean.parameters()).doesNotContainKey("non_finite");
        assertThat(skipped.id().summary().samples()).isEqualTo(ID);
        assertThat(skipped.layers()).containsExactlyInAnyOrder("h", "side");
        // the detectors ran (a fit set with features): the comparison below covers their scores and metrics
        assertThat(skipped.scoreColumns())
                .extracting(ScoreColumn::name)
                .contains("knn", "mahalanobis", "vim", "energy");
        assertThat(skipped.metrics()).isNotEmpty();

        assertThat(skipped)
                .usingRecursiveComparison()
                .ignoringFields("options", "parameters")
                .ignoringFieldsMatchingRegexes(".*elapsed", ".*skippedNonFinite")
                .isEqualTo(clean);
        assertThat(skipped.parameters())
                .containsAllEntriesOf(clean.parameters().entrySet().stream()
                        // the memory plan is made before the passes, from the sets' sizes (an upper bound)
                        .filter(e ->
                                !e.getKey().equals("fit_set") && !e.getKey().startsWith("memory_estimate."))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /**
     * Batches of 4: the skipped samples make some batches smaller than on the clean data. Every statistic and score is
     * still equal bit for bit, but for the Mahalanobis detector, whose fit sums the features batch by batch in
     * float64 (another grouping of the same sums: equal to 1e-12 relative), and RMDS, built from two such fits (its
     * score crosses 0: compared to 1e-9 absolute on these scores of order 1, SPEC §5b's comparison rule).
     */
    @Test
    void skippingInLargerBatchesChangesOnlyTheGroupingOfTheMahalanobisSums() throws IOException {
        AuditResult clean = audit(false, 4).run();
        AuditResult skipped = audit(true, 4).nonFinite(NonFinitePolicy.SKIP).run();
        assertThat(skipped)
                .usingRecursiveComparison()
                .ignoringFields(
                        "options",
                        "parameters",
                        "metrics",
                        "datasets.scores.scores.mahalanobis",
                        "datasets.scores.scores.rmds")
                .ignoringFieldsMatchingRegexes(".*elapsed", ".*skippedNonFinite", ".*batches")
                .isEqualTo(clean);
        assertThat(skipped.metrics().stream().filter(m -> !GROUPED.contains(m.detector())))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(clean.metrics().stream()
                        .filter(m -> !GROUPED.contains(m.detector()))
                        .toList());
        for (int d = 0; d < clean.datasets().size(); d++) {
            double[] want = clean.datasets().get(d).scores().column("mahalanobis");
            double[] got = skipped.datasets().get(d).scores().column("mahalanobis");
            assertThat(got).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).isCloseTo(want[i], within(1e-12 * Math.abs(want[i])));
            }
            double[] wantRmds = clean.datasets().get(d).scores().column("rmds");
            double[] gotRmds = skipped.datasets().get(d).scores().column("rmds");
            for (int i = 0; i < wantRmds.length; i++) {
                assertThat(gotRmds[i]).isCloseTo(wantRmds[i], within(1e-9));
            }
        }
    }

    /** The detectors whose fit sums features batch by batch (another grouping of the same float64 sums). */
    private static final Set<String> GROUPED = Set.of("mahalanobis", "rmds");

    @Test
    void byDefaultNonFiniteLogitsStillStopTheAudit() {
        // today's behaviour (FAIL): a detector refuses NaN logits and the run stops naming the sample
        assertThatThrownBy(() -> audit(true, 4).run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void aSetWhoseSamplesAreAllSkippedIsRefused() {
        InMemoryDataset allBad = InMemoryDataset.of("all-bad", new float[] {1, 1, 0, -1, 0.5f, 0}, new int[] {0, 1}, 3);
        assertThatThrownBy(() -> Audit.builder(model)
                        .id(allBad)
                        .nonFinite(NonFinitePolicy.SKIP)
                        .run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("all 2 samples of all-bad have NaN or infinite activations");
    }
}
