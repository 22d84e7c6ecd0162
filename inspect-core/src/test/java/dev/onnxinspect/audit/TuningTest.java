package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.DetectorGrids;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorInputKind;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.GenDetector;
import dev.onnxinspect.ood.HyperparameterGrid;
import dev.onnxinspect.ood.HyperparameterGrid.Axis;
import dev.onnxinspect.ood.KnnDetector;
import dev.onnxinspect.ood.MaxSoftmaxDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.RelationDetector;
import dev.onnxinspect.ood.ScaleDetector;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §6b hyperparameter selection: the choice, the tie rule, candidates left out, and the overlap refusal. */
class TuningTest {
    @TempDir
    Path dir;

    private static final DataSource ID_VAL = InMemoryDataset.of("id-val", new float[] {0, 0}, null, 2);
    private static final DataSource OOD_VAL = InMemoryDataset.of("ood-val", new float[] {1, 1}, null, 2);

    /** Scores a candidate suite on fixed detector inputs, one per validation set (by name). */
    private static BiFunction<DataSource, DetectorSuite, Map<String, double[]>> scorer(
            DetectorInput id, DetectorInput ood) {
        return (source, suite) -> {
            Map<String, double[]> out = new LinkedHashMap<>();
            DetectorInput in = source.name().equals("id-val") ? id : ood;
            suite.detectors().forEach(d -> out.put(d.name(), d.score(in)));
            return out;
        };
    }

    private static HyperparameterGrid grid(String detector, List<HyperparameterGrid> grids) {
        return grids.stream()
                .filter(g -> g.detector().equals(detector))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void odinTemperatureChosenByHand() {
        // ID (1, 0, 0), (1.5, 0, 0); OOD (1, 0.9, -100), (1.5, 1.4, -100). At T = 1 the ID samples are the more
        // confident: 1 / (1 + 2 e^-1) = 0.576 and 1 / (1 + 2 e^-1.5) = 0.691 against 1 / (1 + e^-0.1) = 0.525 for
        // both OOD samples (e^-101 vanishes): AUROC 1. At T >= 10 the two equal logits of the ID samples split the
        // mass (1 / (1 + 2 e^-0.1) = 0.356, 0.367) while the OOD samples keep 1 / (1 + e^-0.01) = 0.502: AUROC 0.
        // So T = 1 wins, against the default 1000.
        HyperparameterGrid odin = grid("odin", DetectorGrids.standard(null, false));
        assertThat(odin.points()).hasSize(4);
        Tuning tuning = new Tuning(List.of(odin));
        DetectorInput id = DetectorInput.builder(2)
                .logits(new float[][] {{1, 0, 0}, {1.5f, 0, 0}})
                .build();
        DetectorInput ood = DetectorInput.builder(2)
                .logits(new float[][] {{1, 0.9f, -100}, {1.5f, 1.4f, -100}})
                .build();
        MaxSoftmaxDetector msp = MaxSoftmaxDetector.msp();
        Tuning.Selected s = tuning.select(
                DetectorSuite.of(List.of(msp, MaxSoftmaxDetector.odin())), ID_VAL, OOD_VAL, scorer(id, ood));
        assertThat(s.suite().names()).containsExactly("msp", "odin");
        assertThat(((MaxSoftmaxDetector) s.suite().detectors().get(1)).temperature())
                .isEqualTo(1.0);
        assertThat(s.suite().detectors().get(0)).isSameAs(msp);
        assertThat(s.parameters())
                .containsEntry("tuning.odin", "temperature=1 (AUROC 1.0; default temperature=1000: 0.0)")
                .containsEntry(
                        "tuning.odin.grid",
                        "temperature=1: 1.0 | temperature=10: 0.0 | temperature=100: 0.0 | temperature=1000: 0.0")
                .containsKey("tuning_sets");
    }

    /**
     * The SPEC §5b grids are OpenOOD v1.5's sweeps (configs/postprocessors/{gen,relation,scale}.yml: gamma_list
     * [0.01, 0.1, 0.5, 1, 2, 5, 10] x M_list [10, 50, 100, 200, 500, 1000]; pow_list [1, 2, 4, 6, 8]; percentile_list
     * [65 .. 95]) with the SPEC defaults, and each candidate is the detector of its own grid point.
     */
    @Test
    void theSpec5bGridsAreOpenOodsSweepsAndBuildTheirPoints() {
        DenseLayer head = new DenseLayer("logits", "h", 2, 3, new float[] {1, 0, 0, 0, 1, 0}, new float[2]);
        List<HyperparameterGrid> grids = DetectorGrids.standard(head, true);
        DetectorInput fit = DetectorInput.builder(3)
                .logits(new float[][] {{2, 0}, {0, 2}, {1, 0.5f}})
                .features(new float[][] {{2, 0, 1}, {0, 2, 1}, {1, 0.5f, 0}})
                .labels(new int[] {0, 1, 0})
                .build();

        HyperparameterGrid gen = grid("gen", grids);
        assertThat(gen.points()).hasSize(7 * 6);
        assertThat(gen.defaults()).containsEntry("gamma", 0.1).containsEntry("M", 100.0);
        HyperparameterGrid.Candidates genCandidates = gen.candidates();
        for (int i = 0; i < gen.points().size(); i++) {
            GenDetector d = (GenDetector) genCandidates.result(i);
            assertThat(d.gamma()).isEqualTo(gen.points().get(i).get("gamma"));
            assertThat((double) d.m()).isEqualTo(gen.points().get(i).get("M"));
        }

        HyperparameterGrid relation = grid("relation", grids);
        assertThat(relation.points()).extracting(p -> p.get("q")).containsExactly(1.0, 2.0, 4.0, 6.0, 8.0);
        assertThat(relation.defaults()).containsEntry("q", 1.0);
        HyperparameterGrid.Candidates relationCandidates = relation.candidates();
        relationCandidates.accept(fit);
        for (int i = 0; i < 5; i++) {
            assertThat(((RelationDetector) relationCandidates.result(i)).q())
                    .isEqualTo(relation.points().get(i).get("q"));
        }

        HyperparameterGrid scale = grid("scale", grids);
        assertThat(scale.points())
                .extracting(p -> p.get("percentile"))
                .containsExactly(65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0);
        assertThat(scale.defaults()).containsEntry("percentile", 85.0);
        HyperparameterGrid.Candidates scaleCandidates = scale.candidates();
        scaleCandidates.accept(fit);
        for (int i = 0; i < 7; i++) {
            assertThat(((ScaleDetector) scaleCandidates.result(i)).percentile())
                    .isEqualTo(scale.points().get(i).get("percentile"));
        }
        // no head: SCALE has no grid; no features: Relation has none
        assertThat(DetectorGrids.standard(null, false))
                .extracting(HyperparameterGrid::detector)
                .containsExactly("odin", "gen");
    }

    /** A toy detector: z_0 times a factor per grid value (0 gives a constant score, AUROC 1/2). */
    private record Toy(String name, double factor) implements OodDetector {
        @Override
        public Set<DetectorInputKind> requiredInputs() {
            return Set.of(DetectorInputKind.LOGITS);
        }

        @Override
        public double[] score(DetectorInput input) {
            double[] s = new double[input.samples()];
            for (int i = 0; i < s.length; i++) {
                s[i] = factor * input.logit(i, 0);
            }
            return s;
        }
    }

    @Test
    void tiesGoToTheDefaultThenToTheFirstInGridOrder() {
        // ID z_0 = 0, 1; OOD z_0 = 2, 3: factor 0 gives AUROC 1/2, any positive factor 1
        Map<Double, Double> factor = Map.of(1.0, 0.0, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0);
        HyperparameterGrid defaultAmongTies = HyperparameterGrid.ready(
                "toy_a", List.of(Axis.of("v", 3, 1, 2, 3, 4)), p -> new Toy("toy_a", factor.get(p.get("v"))));
        HyperparameterGrid defaultLoses = HyperparameterGrid.ready(
                "toy_b", List.of(Axis.of("v", 1, 1, 2, 3, 4)), p -> new Toy("toy_b", factor.get(p.get("v"))));
        DetectorInput id =
                DetectorInput.builder(2).logits(new float[][] {{0, 0}, {1, 0}}).build();
        DetectorInput ood =
                DetectorInput.builder(2).logits(new float[][] {{2, 0}, {3, 0}}).build();
        Tuning.Selected s = new Tuning(List.of(defaultAmongTies, defaultLoses))
                .select(
                        DetectorSuite.of(List.of(new Toy("toy_a", 2), new Toy("toy_b", 0))),
                        ID_VAL,
                        OOD_VAL,
                        scorer(id, ood));
        // toy_a: v = 2, 3, 4 tie at 1.0; the default 3 wins over the earlier 2
        assertThat(((Toy) s.suite().detectors().get(0)).factor()).isEqualTo(2.0);
        assertThat(s.parameters().get("tuning.toy_a")).startsWith("v=3 (AUROC 1.0;");
        // toy_b: the default v = 1 has 0.5; v = 2, 3, 4 tie at 1.0: the first in grid order, v = 2
        assertThat(((Toy) s.suite().detectors().get(1)).factor()).isEqualTo(1.0);
        assertThat(s.parameters().get("tuning.toy_b")).isEqualTo("v=2 (AUROC 1.0; default v=1: 0.5)");
    }

    @Test
    void knnGridSkipsKAboveTheFitSetAndReplacesTheDetector() {
        // 30 fit features on the unit circle at angles 0, 12, ..., 348 degrees: k >= 50 cannot be fitted
        float[][] fit = new float[30][];
        for (int i = 0; i < 30; i++) {
            double a = Math.toRadians(12 * i);
            fit[i] = new float[] {(float) Math.cos(a), (float) Math.sin(a)};
        }
        HyperparameterGrid knn = grid("knn", DetectorGrids.standard(null, true));
        Tuning tuning = new Tuning(List.of(knn));
        DetectorInput fitBatch = DetectorInput.builder(30)
                .logits(new float[30][2])
                .features(fit)
                .labels(new int[30])
                .build();
        tuning.accept(fitBatch);
        // ID at fit angles (distance 0 to the nearest), OOD half-way between (6 degrees off): k = 1 separates
        // perfectly (0 < 2 sin 3deg); with k = 10, 20 the k-th neighbour is far for both: ID at 5 * 12 = 60 degrees
        // (2 sin 30deg = 1), OOD at 54 degrees (2 sin 27deg = 0.908): AUROC 0
        float[][] idFeatures = {{1, 0}, {(float) Math.cos(Math.toRadians(120)), (float) Math.sin(Math.toRadians(120))}};
        float[][] oodFeatures = {
            {(float) Math.cos(Math.toRadians(6)), (float) Math.sin(Math.toRadians(6))},
            {(float) Math.cos(Math.toRadians(126)), (float) Math.sin(Math.toRadians(126))}
        };
        DetectorInput id = DetectorInput.builder(2)
                .logits(new float[2][2])
                .features(idFeatures)
                .build();
        DetectorInput ood = DetectorInput.builder(2)
                .logits(new float[2][2])
                .features(oodFeatures)
                .build();
        OodDetector fittedDefault = KnnDetector.accumulator(20).fit(List.of(fitBatch));
        Tuning.Selected s = tuning.select(DetectorSuite.of(List.of(fittedDefault)), ID_VAL, OOD_VAL, scorer(id, ood));
        assertThat(((KnnDetector) s.suite().detectors().get(0)).k()).isEqualTo(1);
        String table = s.parameters().get("tuning.knn.grid");
        assertThat(table)
                .startsWith("k=1: 1.0 | k=10: 0.0 | k=20: 0.0 | k=50: not fitted (")
                .contains("the fit set's size, 30")
                .endsWith("k=1000: not fitted (KNN with k = 1000 needs 1 <= k <= the fit set's size, 30; lower k or"
                        + " fit on more data)");
        assertThat(s.parameters().get("tuning.knn")).isEqualTo("k=1 (AUROC 1.0; default k=50: not fitted)");
    }

    @Test
    void gridsRefuseAMissingDefaultAndDuplicates() {
        assertThatThrownBy(() -> Axis.of("k", 50, 1, 10))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("lacks its default 50.0");
        assertThatThrownBy(() -> Axis.of("k", 1, 1, 1)).hasMessageContaining("distinct");
        // the cartesian product, last axis fastest
        HyperparameterGrid two = HyperparameterGrid.ready(
                "gen",
                List.of(Axis.of("gamma", 0.1, 0.1, 1), Axis.of("M", 100, 10, 100)),
                p -> MaxSoftmaxDetector.msp());
        assertThat(two.points().stream().map(HyperparameterGrid::describe))
                .containsExactly("gamma=0.1,M=10", "gamma=0.1,M=100", "gamma=1,M=10", "gamma=1,M=100");
        assertThat(HyperparameterGrid.describe(two.defaults())).isEqualTo("gamma=0.1,M=100");
    }

    /** A model path that does not exist: an audit that passes the overlap check fails when it opens the model. */
    private Audit.Builder audit(DataSource id, DataSource ood, DataSource tuneId, DataSource tuneOod) {
        return Audit.builder(dir.resolve("missing.onnx")).id(id).ood(ood).tuneOn(tuneId, tuneOod);
    }

    private static InMemoryDataset ramp(String name, int n, float from) {
        float[] x = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            x[i] = from + i;
        }
        return InMemoryDataset.of(name, x, null, 2);
    }

    @Test
    void overlappingTuningSetsAreRefusedBeforeAnyModelRun() {
        InMemoryDataset test = ramp("test", 100, 0);
        InMemoryDataset digits = ramp("digits", 50, 1000);
        InMemoryDataset val = ramp("val", 40, 5000);
        InMemoryDataset oodVal = ramp("ood-val", 40, 9000);
        // the same set (object) or the same name
        assertThatThrownBy(() -> audit(test, digits, test, oodVal).run())
                .isInstanceOf(OnnxInspectException.class)
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT)
                .hasMessageContaining("the tuning set test is the evaluation set test")
                .hasMessageContaining("never on evaluation data");
        assertThatThrownBy(
                        () -> audit(test, digits, val, ramp("digits", 3, -50)).run())
                .hasMessageContaining("the tuning set digits is the evaluation set digits");
        // identical samples under another name: samples 10..19 of the test set, and sample 49 of the digits
        assertThatThrownBy(() -> audit(test, digits, test.subset(10, 20).named("test-part"), oodVal)
                        .run())
                .hasMessageContaining("sample 10 of the evaluation set test is identical to test-part sample 0");
        assertThatThrownBy(() -> audit(test, digits, val, digits.subset(49, 50).named("last-digit"))
                        .run())
                .hasMessageContaining("sample 49 of the evaluation set digits is identical to last-digit sample 0");
        // disjoint sets pass the check and the audit goes on to open the (missing) model
        assertThatThrownBy(() -> audit(test, digits, val, oodVal).run()).isInstanceOf(NoSuchFileException.class);
        // both validation sets or neither
        assertThatThrownBy(() -> new AuditOptions(
                        dir,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        test,
                        List.of(),
                        0,
                        dev.onnxinspect.runtime.SessionConfig.defaults(),
                        0,
                        1000,
                        100,
                        1e-6,
                        Map.of(),
                        true,
                        true,
                        0,
                        0,
                        null,
                        Map.of(),
                        1 << 20,
                        null,
                        dev.onnxinspect.inspect.NonFinitePolicy.FAIL,
                        val,
                        null,
                        0))
                .hasMessageContaining("both an ID and an OOD validation set");
    }

    @Test
    void sampleHashesIgnoreTheBatchPositionAndSeeEveryValue() {
        float[] a = {1, 2, 3, 4, 5, 6};
        Batch three = new Batch(a, 3, new int[] {2}, null);
        Batch one = new Batch(new float[] {3, 4}, 1, new int[] {2}, null);
        assertThat(Tuning.hash(three, 1)).isEqualTo(Tuning.hash(one, 0));
        assertThat(Tuning.hash(three, 0)).isNotEqualTo(Tuning.hash(three, 1));
        Batch changed = new Batch(new float[] {3, Math.nextUp(4f)}, 1, new int[] {2}, null);
        assertThat(Tuning.hash(changed, 0)).isNotEqualTo(Tuning.hash(one, 0));
        // another shape with the same values is another sample
        Batch flat = new Batch(new float[] {3, 4}, 1, new int[] {2, 1}, null);
        assertThat(Tuning.hash(flat, 0)).isNotEqualTo(Tuning.hash(one, 0));
    }

    @Test
    void noValidationSetLeavesTheAuditUntuned() throws IOException {
        assertThat(Audit.builder(dir.resolve("m.onnx"))
                        .id(ramp("t", 1, 0))
                        .options()
                        .tuneId())
                .isNull();
    }
}
