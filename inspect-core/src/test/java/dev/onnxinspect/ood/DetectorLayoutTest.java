package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detector wiring's own rules: K from the logits' shape, the binary classifier of SPEC §5 (one logit z is K = 2
 * with logits (0, z), its one-row head the two rows (0, 0) and (W, b)), and the standard suite restricted to what a
 * model can feed.
 */
class DetectorLayoutTest {
    @Test
    void classesFromTheLogitsShape() {
        assertThat(DetectorLayout.classes("z", new long[] {-1, 10})).isEqualTo(10);
        assertThat(DetectorLayout.classes("z", new long[] {-1, 1})).isEqualTo(2);
        assertThat(DetectorLayout.classes("z", new long[] {-1})).isEqualTo(2);
        for (long[] bad : List.of(new long[] {-1, -1}, new long[] {-1, 0}, new long[] {-1, 3, 4}, new long[0])) {
            assertThatThrownBy(() -> DetectorLayout.classes("z", bad))
                    .isInstanceOf(OodException.class)
                    .hasMessageContaining("output z has shape")
                    .hasMessageContaining("--logits (CLI)");
        }
    }

    @Test
    void twoClassHeadPrependsAZeroRow() {
        DenseLayer one = new DenseLayer("z", "h", 1, 3, new float[] {1, 2, 3}, new float[] {0.25f});
        assertThat(DetectorLayout.twoClassHead(one))
                .isEqualTo(new DenseLayer("z", "h", 2, 3, new float[] {0, 0, 0, 1, 2, 3}, new float[] {0, 0.25f}));
        DenseLayer two = new DenseLayer("z", "h", 2, 1, new float[] {1, 2}, new float[2]);
        assertThat(DetectorLayout.twoClassHead(two)).isSameAs(two);
    }

    /** One logit per sample: z = (2, 0, -1); features h of 10 units: (1, 0, ..., 0), (0, ..., 0), (0, ..., 3). */
    private static Map<String, LayerActivations> binaryOutputs() {
        float[] h = new float[30];
        h[0] = 1;
        h[29] = 3;
        return Map.of(
                "z",
                new LayerActivations("z", new float[] {2, 0, -1}, 3, new int[] {1}),
                "h",
                new LayerActivations("h", h, 3, new int[] {10}));
    }

    @Test
    void oneLogitIsExpandedToZeroAndZ() {
        DetectorLayout layout = new DetectorLayout("z", "h", List.of(), 2);
        DetectorInput input = layout.input(binaryOutputs(), 3, new int[] {1, 0, 1});
        assertThat(input.classes()).isEqualTo(2);
        assertThat(input.logit(0, 0)).isZero();
        assertThat(input.logit(0, 1)).isEqualTo(2f);
        assertThat(input.logit(2, 1)).isEqualTo(-1f);
        // argmax of (0, z): z > 0 -> 1; z = 0 is a tie -> the lowest index
        assertThat(input.predictedClasses()).containsExactly(1, 0, 0);
        // softmax(0, z) = (1 - sigmoid(z), sigmoid(z)): MSP = -sigmoid(2) for z = 2
        double[] msp = MaxSoftmaxDetector.msp().score(input);
        assertThat(msp[0]).isCloseTo(-1 / (1 + Math.exp(-2)), within(1e-15));
        assertThat(msp[1]).isEqualTo(-0.5);
        assertThatThrownBy(() -> new DetectorLayout("z", "h", List.of(), 3).input(binaryOutputs(), 3, null))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("has 1 values per sample")
                .hasMessageContaining("K = 3");
    }

    @Test
    void standardSuiteWithAOneRowHeadReadsTheTwoRows() {
        DetectorLayout layout = new DetectorLayout("z", "h", List.of("h"), 2);
        float[] w = new float[10];
        w[0] = 2;
        w[9] = -1;
        DenseLayer head = new DenseLayer("z", "h", 1, 10, w, new float[] {0.5f});
        List<String> skipped = new ArrayList<>();
        DetectorSuite.Builder builder = layout.standardSuite(head, null, 0, 1e-6, skipped);
        assertThat(skipped).isEmpty();
        DetectorSuite ready = builder.buildUnfitted();
        assertThat(ready.names())
                .containsExactly(
                        "msp", "max_logit", "energy", "odin", "gradnorm", "ash_b", "ash_s", "ash_p", "gen", "entropy");
        // ASH-P keeps k = 10 - round(9) = 1 entry, the largest: sample 0 keeps h0 = 1, so W h' + b = (0, 2 + 0.5);
        // sample 2 keeps h9 = 3: (0, -3 + 0.5). Energy of (0, u) = -ln(1 + e^u)
        double[] ashP = ready.score(layout.input(binaryOutputs(), 3, null)).column("ash_p");
        assertThat(ashP[0]).isCloseTo(-Math.log1p(Math.exp(2.5)), within(1e-12));
        assertThat(ashP[2]).isCloseTo(-Math.log1p(Math.exp(-2.5)), within(1e-12));
    }

    @Test
    void standardSuiteWithoutAHeadOrFeaturesLeavesTheirDetectorsOutWithTheReason() {
        // two rows over 10 features (ASH needs at least 6 to keep an entry at p = 0.9)
        DenseLayer head = new DenseLayer("z", "h", 2, 10, new float[20], new float[2]);
        List<String> skipped = new ArrayList<>();
        DetectorSuite.Builder withHead =
                new DetectorLayout("z", "h", List.of("h"), 2).standardSuite(head, null, 0, 1e-6, skipped);
        assertThat(skipped).isEmpty();
        assertThat(withHead.buildUnfitted().names())
                .containsExactly(
                        "msp", "max_logit", "energy", "odin", "gradnorm", "ash_b", "ash_s", "ash_p", "gen", "entropy");

        // features but no head
        new DetectorLayout("z", "h", List.of("h"), 2).standardSuite(null, "no Gemm", 0, 1e-6, skipped);
        assertThat(skipped)
                .containsExactly(
                        "gradnorm, react_energy, ash_b, ash_s, ash_p, dice, vim, fdbd, scale: need the dense"
                                + " head W, b reading the features: no Gemm",
                        "nac_ue: needs the dense head W, b reading the features: no Gemm");
        // neither
        skipped.clear();
        DetectorSuite.Builder bare =
                new DetectorLayout("z", null, List.of("a"), 2).standardSuite(null, null, 0, 1e-6, skipped);
        assertThat(skipped)
                .containsExactly(
                        "gradnorm, react_energy, ash_b, ash_s, ash_p, dice, vim, fdbd, scale: need the dense head W, b"
                                + " reading the features: the model has no dense head",
                        "mahalanobis, knn, she, rmds: need features h: the model has no dense head",
                        "nac_ue: needs the dense head W, b reading the features: the model has no dense head",
                        "nnguide, relation: need features h: the model has no dense head");
        assertThat(bare.buildUnfitted().names())
                .containsExactly("msp", "max_logit", "energy", "odin", "gen", "entropy");

        // a head that reads other features, or has rows for other classes
        skipped.clear();
        new DetectorLayout("z", "g", List.of(), 2).standardSuite(head, null, 0, 1e-6, skipped);
        assertThat(skipped.get(0)).endsWith("the dense head 'z' reads 'h', not the features 'g'");
        skipped.clear();
        new DetectorLayout("z", "h", List.of(), 3).standardSuite(head, null, 0, 1e-6, skipped);
        assertThat(skipped.get(0)).endsWith("the dense head 'z' has 2 outputs but the logits z have K = 3 classes");
    }
}
