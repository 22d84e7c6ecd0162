package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Audits of models whose dense head is not a plain final Gemm ({@link HeadModels}): which logits, features and head the
 * detectors read, and scores against hand-computed values. Two-class closed forms, with d = z0 - z1:
 * p = (1 / (1 + e^-d), 1 / (1 + e^d)); MSP = -max p = -1 / (1 + e^-|d|); Energy = -logsumexp(z)
 * = -(max z + ln(1 + e^-|d|)); GradNorm = -(sum_c |p_c - 1/2|) * sum_j |h_j| = -|tanh(d / 2)| * sum_j |h_j|
 * (since p0 - p1 = tanh(d / 2)).
 */
class AuditHeadsTest {
    private static final double EPS = 1e-12;

    @TempDir
    Path dir;

    private static double msp(double z0, double z1) {
        return -1 / (1 + Math.exp(-Math.abs(z0 - z1)));
    }

    private static double energy(double z0, double z1) {
        return -(Math.max(z0, z1) + Math.log1p(Math.exp(-Math.abs(z0 - z1))));
    }

    private static double gradNorm(double z0, double z1, double sumAbsH) {
        return -Math.abs(Math.tanh((z0 - z1) / 2)) * sumAbsH;
    }

    /** Labels of the {@link HeadModels#matMulAdd} classifier: argmax of (x0 + 0.25, x1 - 0.25), ties to class 0. */
    private static int matMulAddClass(float[] x) {
        return x[1] - 0.25 > x[0] + 0.25 ? 1 : 0;
    }

    private static final float[][] ID = {{1, 0}, {0, 1}, {-0.5f, 0.25f}, {0.125f, 0.625f}};
    private static final float[][] OOD = {{3, -2}, {-2.5f, 3.5f}};

    private AuditResult matMulAddAudit(Path model, String features) throws IOException {
        int[] labels = new int[ID.length];
        for (int i = 0; i < ID.length; i++) {
            labels[i] = matMulAddClass(ID[i]);
        }
        return Audit.builder(model)
                .fit(HeadModels.grid2("fit", 64, -1, 8, AuditHeadsTest::matMulAddClass))
                .id(HeadModels.samples2("id", ID, labels))
                .ood(HeadModels.samples2("ood", OOD, null))
                .featureLayer(features)
                .nodeClassifiers(0, 0)
                .run();
    }

    @Test
    void matMulPlusAddHeadFeedsEveryDetectorFromTheReluFeatures() throws IOException {
        AuditResult r = matMulAddAudit(HeadModels.matMulAdd(dir.resolve("mm.onnx")), null);
        // the only output is the Softmax: the logits are the dense head's output before it
        assertThat(r.parameters())
                .containsEntry("logits_output", "logits")
                .containsEntry("dense_head", "logits")
                .containsEntry("feature_layer", "h")
                .doesNotContainKey("detectors_skipped");
        assertThat(r.featureLayer()).isEqualTo("h");
        assertThat(r.layers()).containsExactly("h");
        assertThat(r.numClasses()).isEqualTo(2);
        assertThat(r.skippedDetectors()).isEmpty();
        assertThat(r.scoreColumns())
                .extracting(ScoreColumn::name)
                .containsExactly(
                        "msp",
                        "max_logit",
                        "energy",
                        "odin",
                        "gradnorm",
                        "kl_matching",
                        "mahalanobis",
                        "knn",
                        "react_energy",
                        "ash_b",
                        "ash_s",
                        "ash_p",
                        "dice",
                        "vim",
                        "she",
                        "fdbd",
                        "rmds",
                        "gen",
                        "scale",
                        "msp_temperature",
                        "entropy",
                        "entropy_temperature",
                        "nnguide",
                        "relation",
                        "nac_ue",
                        "nap_hamming[h]",
                        "profile_kl[h]",
                        "pattern_distance[h]");
        // SPEC §5b: 64 fit samples of 8 features and K = 2: NNGuide's bank 64 x 8 doubles (k = min(100, 64)),
        // Relation's 64 x (8 + 2); NAC-UE on h with O = ceil(0.05 x 64) = 4
        assertThat(r.parameters())
                .containsEntry("memory_estimate.nnguide_bank", Long.toString(64 * 8 * 8))
                .containsEntry("memory_estimate.relation_bank", Long.toString(64 * 10 * 8))
                .containsEntry("nnguide.bank_size", "64 of 64 fit samples (alpha 1.0), k = 64")
                .containsEntry("relation.bank_size", "64 fit samples, q = 1.0")
                .containsEntry("nac_ue", "layers [h], M = 50, alpha_nac = 100.0, O = 4 of 64 fit samples")
                .doesNotContainKey("bank_skipped.nnguide");
        DatasetScores id = r.id().scores();
        for (int i = 0; i < ID.length; i++) {
            double[] z = HeadModels.matMulAddLogits(ID[i][0], ID[i][1]);
            assertThat(id.score("msp", i)).isCloseTo(msp(z[0], z[1]), within(EPS));
            assertThat(id.score("energy", i)).isCloseTo(energy(z[0], z[1]), within(EPS));
            // sum |h| = |x0| + |x1| (the pre-activation "fc1" would add 16): the detectors read h
            double sumAbsH = Math.abs(ID[i][0]) + Math.abs(ID[i][1]);
            assertThat(id.score("gradnorm", i)).isCloseTo(gradNorm(z[0], z[1], sumAbsH), within(EPS));
            assertThat(id.prediction(i)).isEqualTo(matMulAddClass(ID[i]));
        }
        assertThat(r.id().summary().classCounts()).containsExactly(2, 2);
        assertThat(id.accuracy()).isEqualTo(1.0);
    }

    @Test
    void gemmWithoutTransposeAndWithAlphaBetaGivesTheScoresOfTheSameLayerAsMatMulAdd() throws IOException {
        AuditResult matMul = matMulAddAudit(HeadModels.matMulAdd(dir.resolve("mm.onnx")), null);
        AuditResult gemm = matMulAddAudit(HeadModels.gemmAlphaBeta(dir.resolve("gemm.onnx")), null);
        assertThat(gemm.parameters()).containsEntry("dense_head", "logits").containsEntry("feature_layer", "h");
        assertThat(gemm.skippedDetectors()).isEmpty();
        // alpha B = W2 and beta C = b2 exactly: ReAct, ASH, DICE and ViM, which recompute W h + b, agree bit for bit
        for (int d = 0; d < 2; d++) {
            DatasetScores a = matMul.datasets().get(d).scores();
            DatasetScores b = gemm.datasets().get(d).scores();
            assertThat(b.detectors()).isEqualTo(a.detectors());
            for (String column : a.detectors()) {
                assertThat(b.column(column)).as(column).containsExactly(a.column(column));
            }
        }
    }

    @Test
    void namedFeaturesTheHeadDoesNotReadLeaveTheHeadDetectorsOutWithTheReason() throws IOException {
        AuditResult r = matMulAddAudit(HeadModels.matMulAdd(dir.resolve("mm.onnx")), "fc1");
        assertThat(r.featureLayer()).isEqualTo("fc1");
        assertThat(r.parameters()).containsEntry("dense_head", "none").containsEntry("logits_output", "logits");
        assertThat(r.skippedDetectors()).hasSize(2);
        assertThat(r.skippedDetectors().get(0))
                .startsWith(
                        "gradnorm, react_energy, ash_b, ash_s, ash_p, dice, vim, fdbd, scale: need the dense head W, b")
                .contains("does not read the features 'fc1'");
        assertThat(r.skippedDetectors().get(1))
                .startsWith("nac_ue: needs the dense head W, b")
                .contains("does not read the features 'fc1'");
        assertThat(r.parameters().get("detectors_skipped")).contains("does not read the features 'fc1'");
        assertThat(r.scoreColumns())
                .extracting(ScoreColumn::name)
                .contains("mahalanobis", "knn", "she", "nnguide", "relation")
                .doesNotContain("gradnorm", "vim", "react_energy", "nac_ue");
    }

    /** Classes of the conv head: z = (p0 - p1 + 0.25, 0.5 p0 + p1 - 0.25), ties to class 0. */
    private static int convClass(float[] p) {
        return 0.5 * p[0] + p[1] - 0.25 > p[0] - p[1] + 0.25 ? 1 : 0;
    }

    /**
     * n samples of 8 uniform channels (2 x 2 each): channel c of sample i holds ((5 i + 3 c) mod 11 - 4) / 4, so the
     * channel means of relu(x) are p_c = max(0, that value), exact.
     */
    private static InMemoryDataset channels(String name, int n, int from, boolean labelled) {
        float[] data = new float[n * 32];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] p = new float[8];
            for (int c = 0; c < 8; c++) {
                float v = (((5 * (i + from) + 3 * c) % 11) - 4) / 4f;
                p[c] = Math.max(0, v);
                for (int k = 0; k < 4; k++) {
                    data[i * 32 + c * 4 + k] = v;
                }
            }
            labels[i] = convClass(p);
        }
        return InMemoryDataset.of(name, data, labelled ? labels : null, 8, 2, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatten", "reshape", "squeeze"})
    void globalPoolingAndOneByOneConvHead(String reshape) throws IOException {
        Path model = HeadModels.convHead(dir.resolve("conv.onnx"), reshape);
        InMemoryDataset id = channels("id", 6, 1000, true);
        AuditResult r = Audit.builder(model)
                .fit(channels("fit", 66, 0, true))
                .id(id)
                .ood(channels("ood", 4, 2000, false))
                .nodeClassifiers(0, 0)
                .run();
        assertThat(r.parameters())
                .containsEntry("logits_output", "logits")
                .containsEntry("dense_head", "logits")
                .containsEntry("feature_layer", "pooled");
        assertThat(r.skippedDetectors()).isEmpty();
        assertThat(r.scoreColumns())
                .extracting(ScoreColumn::name)
                .contains("mahalanobis", "vim", "react_energy", "ash_p", "dice");
        for (int i = 0; i < id.size(); i++) {
            float[] x = id.sample(i);
            double p0 = Math.max(0, x[0]);
            double p1 = Math.max(0, x[4]);
            double sumP = 0;
            for (int c = 0; c < 8; c++) {
                sumP += Math.max(0, x[c * 4]);
            }
            double z0 = p0 - p1 + 0.25;
            double z1 = 0.5 * p0 + p1 - 0.25;
            assertThat(r.id().scores().score("energy", i)).isCloseTo(energy(z0, z1), within(EPS));
            // h = the pooled features, 8 values per sample
            assertThat(r.id().scores().score("gradnorm", i)).isCloseTo(gradNorm(z0, z1, sumP), within(EPS));
        }
    }

    @Test
    void flattenBetweenFeaturesAndHeadReadsTheFlattenedTensorOrTheNamedOneWithTheSameScores() throws IOException {
        Path model = HeadModels.flattenHead(dir.resolve("flat.onnx"));
        InMemoryDataset fit = wide("fit", 60, 0);
        InMemoryDataset id = wide("id", 5, 500);
        AuditResult flat = Audit.builder(model)
                .fit(fit)
                .id(id)
                .layers(List.of("r"))
                .nodeClassifiers(0, 0)
                .run();
        assertThat(flat.featureLayer()).isEqualTo("flat");
        AuditResult named = Audit.builder(model)
                .fit(fit)
                .id(id)
                .layers(List.of("r"))
                .featureLayer("r")
                .head("logits")
                .nodeClassifiers(0, 0)
                .run();
        assertThat(named.featureLayer()).isEqualTo("r");
        assertThat(named.skippedDetectors()).isEmpty();
        // the named [N, 2, 4] tensor read flattened is the flattened tensor: every score is the same
        DatasetScores a = flat.id().scores();
        DatasetScores b = named.id().scores();
        assertThat(b.detectors()).isEqualTo(a.detectors()).contains("mahalanobis", "vim", "ash_b");
        for (String column : a.detectors()) {
            assertThat(b.column(column)).as(column).containsExactly(a.column(column));
        }
    }

    @Test
    void wrongNamesAreRefusedInOneLine() throws IOException {
        Path model = HeadModels.flattenHead(dir.resolve("flat.onnx"));
        InMemoryDataset id = wide("id", 5, 500);
        assertThatThrownBy(() -> Audit.builder(model).id(id).head("r").run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("tensor 'r'")
                .hasMessageContaining("produced by Relu 'r'");
        assertThatThrownBy(() -> Audit.builder(model).id(id).featureLayer("x").run())
                .hasMessageContaining("the features 'x' are a graph input");
        assertThatThrownBy(
                        () -> Audit.builder(model).id(id).featureLayer("flatt").run())
                .hasMessageContaining("no tensor called 'flatt'")
                .hasMessageContaining("flat");
        assertThatThrownBy(() -> Audit.builder(model)
                        .id(id)
                        .head("logits")
                        .featureLayer("x")
                        .run())
                .hasMessageContaining("graph input");
    }

    /** n samples of shape [2, 4], value k of sample i = ((7 (i + from) + 3 k) mod 9 - 3) / 4; labels by the model. */
    private static InMemoryDataset wide(String name, int n, int from) {
        float[] data = new float[n * 8];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] h = new float[8];
            for (int k = 0; k < 8; k++) {
                data[i * 8 + k] = (((7 * (i + from) + 3 * k) % 9) - 3) / 4f;
                h[k] = Math.max(0, data[i * 8 + k]);
            }
            labels[i] = h[4] + 0.5 * h[7] > h[0] - h[1] + 0.5 ? 1 : 0;
        }
        return InMemoryDataset.of(name, data, labels, 2, 4);
    }

    /** Binary labels of {@link HeadModels#binary}: z = x0 - x1 > 0 is class 1; z = 0 is a tie, class 0. */
    private static int binaryClass(float[] x) {
        return x[0] - x[1] > 0 ? 1 : 0;
    }

    private static final float[][] BINARY_ID = {{2, 0}, {0, 1}, {1, 1}, {0.5f, 0}};

    @Test
    void oneLogitBinaryClassifierIsTwoClassesWithLogitsZeroAndZ() throws IOException {
        Path model = HeadModels.binary(dir.resolve("binary.onnx"));
        InMemoryDataset fit = HeadModels.grid2("fit", 60, 0, 8, AuditHeadsTest::binaryClass);
        InMemoryDataset id = HeadModels.samples2("id", BINARY_ID, new int[] {1, 0, 0, 1});
        AuditResult r = Audit.builder(model)
                .fit(fit)
                .id(id)
                .ood(HeadModels.samples2("ood", new float[][] {{5, 0}}, null))
                .nodeClassifiers(0, 0)
                .run();
        // the head [N, 1] before Squeeze and Sigmoid: K = 2 with logits (0, z)
        assertThat(r.numClasses()).isEqualTo(2);
        assertThat(r.parameters())
                .containsEntry("logits_output", "z")
                .containsEntry("dense_head", "z")
                .containsEntry("feature_layer", "h");
        assertThat(r.skippedDetectors()).isEmpty();
        assertThat(r.scoreColumns())
                .extracting(ScoreColumn::name)
                .contains("vim", "react_energy", "ash_b", "dice", "mahalanobis");
        DatasetScores scores = r.id().scores();
        // z = 2, -1, 0, 0.5: class 1 when z > 0; z = 0 is a tie, the lowest index
        assertThat(scores.predicted()).containsExactly(1, 0, 0, 1);
        assertThat(scores.accuracy()).isEqualTo(1.0);
        assertThat(r.id().summary().classCounts()).containsExactly(2, 2);
        double[] zs = {2, -1, 0, 0.5};
        for (int i = 0; i < zs.length; i++) {
            double z = zs[i];
            // p = (1 / (1 + e^z), e^z / (1 + e^z)); MSP = -max p; energy = -ln(1 + e^z); MaxLogit = -max(0, z)
            double p1 = Math.exp(z) / (1 + Math.exp(z));
            assertThat(scores.score("msp", i)).isCloseTo(-Math.max(1 - p1, p1), within(EPS));
            assertThat(scores.score("energy", i)).isCloseTo(-Math.log1p(Math.exp(z)), within(EPS));
            assertThat(scores.score("max_logit", i)).isEqualTo(-Math.max(0, z));
            // h = (x0, x1, x0, x1, ...): sum |h| = 4 (x0 + x1)
            double sumAbsH = 4 * (BINARY_ID[i][0] + BINARY_ID[i][1]);
            assertThat(scores.score("gradnorm", i)).isCloseTo(gradNorm(0, z, sumAbsH), within(EPS));
        }
        // z = 2 by hand: p = (1 / (1 + e^2), e^2 / (1 + e^2)) = (0.119203, 0.880797)
        assertThat(scores.score("msp", 0)).isCloseTo(-0.8807970779778823, within(1e-15));
        assertThat(scores.score("energy", 2)).isCloseTo(-Math.log(2), within(EPS));

        // the rank-1 logits [N] after the Squeeze, named: the same K, predictions and logit scores
        AuditResult rank1 = Audit.builder(model)
                .fit(fit)
                .id(id)
                .logitsOutput("z1")
                .nodeClassifiers(0, 0)
                .run();
        assertThat(rank1.numClasses()).isEqualTo(2);
        assertThat(rank1.id().scores().predicted()).containsExactly(1, 0, 0, 1);
        for (String column : List.of("msp", "energy", "max_logit", "odin", "gradnorm", "vim")) {
            assertThat(rank1.id().scores().column(column)).as(column).containsExactly(scores.column(column));
        }
    }

    /** Classes of {@link HeadModels#noHead}: argmax of 2 relu(x), ties to the lowest index. */
    private static InMemoryDataset three(String name, int n, int from) {
        float[] data = new float[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 0; c < 3; c++) {
                data[i * 3 + c] = (((5 * (i + from) + 4 * c) % 13) - 3) / 4f;
                if (Math.max(0, data[i * 3 + c]) > Math.max(0, data[i * 3 + best])) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        return InMemoryDataset.of(name, data, labels, 3);
    }

    @Test
    void withoutADenseHeadTheDetectorsThatNeedOneAreSkippedWithTheReasonAndTheOthersRun() throws IOException {
        Path model = HeadModels.noHead(dir.resolve("nohead.onnx"), false);
        InMemoryDataset id = three("id", 5, 100);
        AuditResult r = Audit.builder(model)
                .fit(three("fit", 60, 0))
                .id(id)
                .nodeClassifiers(0, 0)
                .run();
        assertThat(r.featureLayer()).isNull();
        assertThat(r.layers()).containsExactly("r");
        assertThat(r.parameters())
                .containsEntry("logits_output", "logits")
                .containsEntry("dense_head", "none")
                .containsEntry("feature_layer", "none");
        assertThat(r.skippedDetectors()).hasSize(4);
        assertThat(r.skippedDetectors().get(2)).startsWith("nac_ue: needs the dense head W, b");
        assertThat(r.skippedDetectors().get(3)).startsWith("nnguide, relation: need features h:");
        assertThat(r.skippedDetectors().get(0))
                .startsWith("gradnorm, react_energy, ash_b, ash_s, ash_p, dice, vim, fdbd, scale:")
                .contains("no dense layer feeds output 'logits'")
                .contains("reached Mul 'logits'");
        assertThat(r.skippedDetectors().get(1)).startsWith("mahalanobis, knn, she, rmds: need features h:");
        assertThat(r.parameters().get("detectors_skipped")).contains("gradnorm").contains("mahalanobis, knn, she");
        // the logit detectors, KL-Matching and the per-layer detectors still run
        assertThat(r.scoreColumns())
                .extracting(ScoreColumn::name)
                .containsExactly(
                        "msp",
                        "max_logit",
                        "energy",
                        "odin",
                        "kl_matching",
                        "gen",
                        "msp_temperature",
                        "entropy",
                        "entropy_temperature",
                        "nap_hamming[r]",
                        "profile_kl[r]",
                        "pattern_distance[r]");
        for (int i = 0; i < id.size(); i++) {
            float[] x = id.sample(i);
            double max = 0;
            double sum = 0;
            for (float v : x) {
                max = Math.max(max, 2 * Math.max(0, v));
            }
            for (float v : x) {
                sum += Math.exp(2 * Math.max(0, v) - max);
            }
            // MSP = -1 / sum_c e^(z_c - max z)
            assertThat(r.id().scores().score("msp", i)).isCloseTo(-1 / sum, within(EPS));
        }

        // named features serve Mahalanobis, KNN and SHE without a head
        AuditResult features = Audit.builder(model)
                .fit(three("fit", 60, 0))
                .id(id)
                .featureLayer("r")
                .nodeClassifiers(0, 0)
                .run();
        assertThat(features.skippedDetectors()).hasSize(2);
        assertThat(features.skippedDetectors().get(0)).startsWith("gradnorm,");
        assertThat(features.skippedDetectors().get(1)).startsWith("nac_ue:");
        assertThat(features.scoreColumns())
                .extracting(ScoreColumn::name)
                .contains("mahalanobis", "knn", "she", "rmds", "nnguide", "relation")
                .doesNotContain("fdbd", "scale");

        // without a fit set: the logit detectors, and the reason is still recorded
        AuditResult unfitted = Audit.builder(model).id(id).nodeClassifiers(0, 0).run();
        assertThat(unfitted.scoreColumns())
                .extracting(ScoreColumn::name)
                .containsExactly("msp", "max_logit", "energy", "odin", "gen", "entropy");
        assertThat(unfitted.skippedDetectors()).hasSize(4);
    }

    @Test
    void logitsThatCannotBeChosenAreRefusedNamingTheOption() throws IOException {
        Path model = HeadModels.noHead(dir.resolve("two-outputs.onnx"), true);
        InMemoryDataset id = three("id", 5, 100);
        assertThatThrownBy(() -> Audit.builder(model).id(id).run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("cannot tell which output")
                .hasMessageContaining("2 outputs could: [logits: FLOAT [N, 3], r: FLOAT [N, 3]]")
                .hasMessageContaining("--logits (CLI) or logitsOutput(...) (API)");
        AuditResult named = Audit.builder(model)
                .id(id)
                .logitsOutput("logits")
                .nodeClassifiers(0, 0)
                .run();
        assertThat(named.parameters()).containsEntry("logits_output", "logits");
        assertThat(named.layers()).containsExactly("r");
    }
}
