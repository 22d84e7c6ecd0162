package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.audit.HeadModels;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAC-UE (SPEC §5b) with states whose intervals are known on paper. Edges (M = 50): e_0 = 0, e_1 = 0.119...,
 * e_24 = 0.5 exactly, e_47 = 0.881..., e_48 = 1.01, e_49 = 1.2. The head is W = I (K = 2, d = 2, b = 0), so
 * g = (p_0 - 1/2, p_1 - 1/2) = (delta, -delta). With z = (2, 0), delta = e^2 / (1 + e^2) - 1/2 = 0.3808, and
 * alpha_nac a g = +-38.08 a: sigmoid(38.08) rounds to 1.0 (interval 47, [0.881, 1.01)), sigmoid(-38.08) = 3e-17
 * (interval 0); a unit with a = 0 or g = 0 has state exactly 1/2, which is the edge e_24: interval 24, not 23.
 */
class NacUeDetectorTest {
    private static final DenseLayer IDENTITY =
            new DenseLayer("logits", "h", 2, 2, new float[] {1, 0, 0, 1}, new float[2]);

    private static DetectorInput batch(float[][] logits, float[][] features) {
        return Inputs.logitsAndFeatures(logits, features);
    }

    private static NacUeDetector fit(NacUeDetector.Accumulator a, DetectorInput... batches) {
        for (DetectorInput b : batches) {
            a.accept(b);
        }
        return a.result();
    }

    private double[] edgesFrom(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines()
                    .mapToDouble(Double::parseDouble)
                    .toArray();
        }
    }

    @Test
    void edgesAreTheAuthorsExpressionWithTheCorrectlyRoundedLogarithm() throws IOException {
        // nac_edges.py (next to the fixtures) writes the authors' expression with numpy: once with np.log, once with
        // the correctly rounded math.log. Java's edges equal the latter bit for bit, and are within 2 ulps of numpy's
        // (its SIMD log is 1 ulp off at 9 of the 25 points on this machine's CPU); the edges where states tie in
        // practice (0, 1/2 of a unit that is off or has g = 0, 1.01, 1.2) are identical in all three.
        double[] rounded = edgesFrom("nac_edges_M50.txt");
        double[] numpy = edgesFrom("nac_edges_M50_numpy.txt");
        double[] edges = new NacHistogram(50).edges();
        assertThat(edges).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(Double.doubleToLongBits(edges[i]))
                    .as("edge " + i)
                    .isEqualTo(Double.doubleToLongBits(rounded[i]));
            assertThat(edges[i]).as("edge " + i).isCloseTo(numpy[i], within(2 * Math.ulp(numpy[i])));
        }
        for (int i : new int[] {0, 24, 48, 49}) {
            assertThat(edges[i]).isEqualTo(numpy[i]);
        }
        assertThat(edges[24]).isEqualTo(0.5);
        NacHistogram h = new NacHistogram(50);
        assertThat(h.intervals()).isEqualTo(49);
        assertThat(h.interval(0)).isZero();
        assertThat(h.interval(0.5)).isEqualTo(24); // on the edge: [e_24, e_25)
        assertThat(h.interval(Math.nextDown(0.5))).isEqualTo(23);
        assertThat(h.interval(1.0)).isEqualTo(47);
        assertThatThrownBy(() -> new NacHistogram(7)).hasMessageContaining("even M >= 4");
    }

    @Test
    void statesFallInTheIntervalsDerivedOnPaper() {
        NacUeDetector d =
                fit(NacUeDetector.accumulator(IDENTITY), batch(new float[][] {row(0, 0)}, new float[][] {row(1, 1)}));
        DetectorInput q = batch(
                new float[][] {row(0, 0), row(2, 0), row(0, 2), row(2, 0)},
                new float[][] {row(1, 1), row(1, 1), row(1, 1), row(0, 1)});
        assertThat(d.intervals(q, 0)[0]).containsExactly(24, 24); // g = 0: states 1/2 on the edge e_24
        assertThat(d.intervals(q, 1)[0]).containsExactly(47, 0); // g = (delta, -delta), a = (1, 1)
        assertThat(d.intervals(q, 2)[0]).containsExactly(0, 47); // z = (0, 2): g = (-delta, delta)
        assertThat(d.intervals(q, 3)[0]).containsExactly(24, 0); // a_0 = 0: state 1/2
    }

    @Test
    void scoreIsTheCappedCoverageSumDividedOnce() {
        // fit F1 (z = 0, a = (1, 1)) -> (24, 24); F2 (z = (2, 0), a = (1, 1)) -> (47, 0); F3 (z = (2, 0),
        // a = (0, 1)) -> (24, 0). Counts: unit 0 {24: 2, 47: 1}, unit 1 {24: 1, 0: 2}. N = 3, O = ceil(0.15) = 1.
        NacUeDetector d = fit(
                NacUeDetector.accumulator(IDENTITY),
                batch(new float[][] {row(0, 0), row(2, 0)}, new float[][] {row(1, 1), row(1, 1)}),
                batch(new float[][] {row(2, 0)}, new float[][] {row(0, 1)}));
        assertThat(d.fitSamples()).isEqualTo(3);
        assertThat(d.coverageCap()).isEqualTo(1);
        long[] c = d.counts(0);
        assertThat(c[24]).isEqualTo(2);
        assertThat(c[47]).isEqualTo(1);
        assertThat(c[49 + 24]).isEqualTo(1);
        assertThat(c[49]).isEqualTo(2);
        DetectorInput q =
                batch(new float[][] {row(0, 0), row(0, 2), row(4, 0)}, new float[][] {row(1, 1), row(1, 1), row(1, 0)});
        double[] s = d.score(q);
        // (24, 24): min(2, 1) + min(1, 1) = 2 -> -2 / (1 x 2)
        assertThat(s[0]).isEqualTo(-1.0);
        // (0, 47): neither interval seen -> +0.0, not -0.0
        assertThat(Double.doubleToRawLongBits(s[1])).isZero();
        // z = (4, 0), a = (1, 0): (47, 24): min(1, 1) + min(1, 1) = 2 -> -1
        assertThat(s[2]).isEqualTo(-1.0);
    }

    @Test
    void theCapIsCeilOfFivePercentOfTheFitSamples() {
        // 20 x F1 and 1 x F2: N = 21, O = ceil(1.05) = 2; unit 0 {24: 20, 47: 1}, unit 1 {24: 20, 0: 1}
        float[][] z = new float[21][];
        float[][] h = new float[21][];
        for (int i = 0; i < 21; i++) {
            z[i] = i < 20 ? row(0, 0) : row(2, 0);
            h[i] = row(1, 1);
        }
        NacUeDetector d = fit(NacUeDetector.accumulator(IDENTITY), batch(z, h));
        assertThat(d.coverageCap()).isEqualTo(2);
        DetectorInput q = batch(new float[][] {row(0, 0), row(4, 0)}, new float[][] {row(1, 1), row(1, 0)});
        // (24, 24): min(20, 2) + min(20, 2) = 4 -> -4 / 4; (47, 24): min(1, 2) + min(20, 2) = 3 -> -3 / 4
        assertThat(d.score(q)).containsExactly(-1.0, -0.75);
        NacUeDetector twenty =
                fit(NacUeDetector.accumulator(IDENTITY), batch(Arrays.copyOf(z, 20), Arrays.copyOf(h, 20)));
        assertThat(twenty.coverageCap()).isEqualTo(1); // ceil(20 x 0.05) = 1 exactly
    }

    @Test
    void aOneLogitModelIsKEqualsTwoWithTheRowsZeroAndW() {
        // one logit z, head w = (1, -1): two-class head rows (0, 0) and (1, -1), logits (0, z);
        // g = (1, -1) (sigmoid(z) - 1/2). z = 2: g = (0.38, -0.38), a = (1, 1) -> (47, 0); z = 0: (24, 24)
        DenseLayer one = new DenseLayer("z", "h", 1, 2, new float[] {1, -1}, new float[] {0});
        DetectorLayout layout = new DetectorLayout("z", "h", List.of(), 2);
        DetectorInput fitBatch = layout.input(
                Map.of("z", Inputs.layer("z", row(2)), "h", Inputs.layer("h", row(1, 1))), 1, new int[] {1});
        NacUeDetector d = fit(NacUeDetector.accumulator(DetectorLayout.twoClassHead(one)), fitBatch);
        DetectorInput q = layout.input(
                Map.of("z", Inputs.layer("z", row(2), row(0)), "h", Inputs.layer("h", row(1, 1), row(1, 1))), 2, null);
        assertThat(d.intervals(q, 0)[0]).containsExactly(47, 0);
        assertThat(d.intervals(q, 1)[0]).containsExactly(24, 24);
        // N = 1, O = 1: the first query covers both units (-1), the second neither (+0.0)
        assertThat(d.score(q)).containsExactly(-1.0, 0.0);
    }

    @Test
    void theGradientGoesBackThroughDenseReluLayersAndLayerScoresAreAveraged() {
        // h = relu(D a), D = [[1, 0, 2], [0, 1, 0]] (2 x 3). For z = (2, 0), h = (1, 0): g_h = (delta, -delta),
        // masked by h > 0: (delta, 0); g_a = D^T (delta, 0) = (delta, 0, 2 delta). With a = (1, 1, 0.5):
        // alpha a g = (38.08, 0, 38.08) -> (47, 24, 47). Layer h: a = (1, 0) -> (47, 24).
        DenseLayer d1 = new DenseLayer("pre", "a", 2, 3, new float[] {1, 0, 2, 0, 1, 0}, new float[2]);
        DetectorInput x = DetectorInput.builder(1)
                .logits(new float[][] {row(2, 0)})
                .features(new float[][] {row(1, 0)})
                .layer(Inputs.layer("a", row(1, 1, 0.5)))
                .build();
        NacUeDetector d = fit(NacUeDetector.accumulator(IDENTITY, List.of(d1), 50, 100), x);
        assertThat(d.layers()).containsExactly("h", "a");
        assertThat(d.requiredInputs()).contains(DetectorInputKind.LAYER_ACTIVATIONS);
        int[][] bins = d.intervals(x, 0);
        assertThat(bins[0]).containsExactly(47, 24);
        assertThat(bins[1]).containsExactly(47, 24, 47);
        // the fit sample itself: both layers fully covered, -1 each, mean -1. A query with z = (0, 0): every state
        // 1/2 -> h (24, 24): covered 1 of 2 -> -1/2; a (24, 24, 24): covered 1 of 3 -> -1/3; mean -(1/2 + 1/3) / 2
        DetectorInput y = DetectorInput.builder(1)
                .logits(new float[][] {row(0, 0)})
                .features(new float[][] {row(1, 0)})
                .layer(Inputs.layer("a", row(1, 1, 0.5)))
                .build();
        assertThat(d.score(x)).containsExactly(-1.0);
        assertThat(d.score(y)[0]).isEqualTo((-0.5 + -1.0 / 3) / 2);
        assertThatThrownBy(() -> d.score(batch(new float[][] {row(0, 0)}, new float[][] {row(1, 0)})))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no activations of layer 'a'");
        assertThatThrownBy(() -> NacUeDetector.accumulator(
                        IDENTITY, List.of(new DenseLayer("pre", "a", 3, 3, new float[9], new float[3])), 50, 100))
                .hasMessageContaining("has 3 outputs but the layer after it (h) has 2 units");
    }

    @Test
    void savedAndLoadedScoresBitForBit(@TempDir Path dir) throws IOException {
        DenseLayer d1 = new DenseLayer("pre", "a", 2, 3, new float[] {1, 0, 2, 0, 1, 0}, new float[2]);
        DetectorInput x = DetectorInput.builder(3)
                .logits(new float[][] {row(2, 0), row(0, 0), row(-1, 3)})
                .features(new float[][] {row(1, 0), row(0.5, 0.25), row(0, 2)})
                .layer(Inputs.layer("a", row(1, 1, 0.5), row(0, 2, 1), row(3, 0, 0)))
                .build();
        NacUeDetector d = fit(NacUeDetector.accumulator(IDENTITY, List.of(d1), 10, 3), x);
        Path file = dir.resolve("nac.bin");
        DetectorFiles.save(file, "ab", d);
        NacUeDetector loaded = (NacUeDetector) DetectorFiles.load(file, "ab").get(0);
        assertThat(loaded.layers()).containsExactly("h", "a");
        assertThat(loaded.intervalsM()).isEqualTo(10);
        assertThat(loaded.alpha()).isEqualTo(3);
        assertThat(loaded.counts(1)).containsExactly(d.counts(1));
        assertThat(loaded.score(x)).containsExactly(d.score(x));
        assertThat(loaded.usesDenseWeights()).isTrue();
    }

    @Test
    void everyLayerOfTheChainMustBeADenseReluLayer(@TempDir Path dir) throws IOException {
        // x -> fc1 (MatMul + Add) -> Relu "h" -> logits: h is a dense ReLU layer, but the layer behind it is the graph
        // input x, so depth 1 is refused (AuditNacTest finds a chain of depth 1 in a two-hidden-layer model)
        OnnxModel model = OnnxModel.load(HeadModels.matMulAdd(dir.resolve("m.onnx")));
        DenseLayer head = model.denseLayer("logits");
        assertThat(NacUeDetector.denseReluChain(model, head, 0)).isEmpty();
        assertThatThrownBy(() -> NacUeDetector.denseReluChain(model, head, 1))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("x is computed by no node (a graph input), not by a Relu")
                .hasMessageContaining("choose a NAC-UE depth below 1");
        assertThatThrownBy(() -> NacUeDetector.denseReluChain(model, head, -1)).hasMessageContaining(">= 0");
    }

    @Test
    void aConvolutionLayerIsRefusedInOneLine(@TempDir Path dir) throws IOException {
        // x [N, 1, 2, 2] -> Conv 1x1 (2 channels) "c" -> Relu "r" -> Flatten "f" [N, 8] -> Gemm head "logits"
        GraphBuilder g = GraphBuilder.create("conv-head");
        String x = g.input("x", TensorShape.batched("N", 1, 2, 2));
        g.addInitializer("Wc", new float[] {1, -1}, 2, 1, 1, 1);
        g.addInitializer("bc", new float[] {0, 0}, 2);
        g.addInitializer("Wh", new float[16], 2, 8);
        g.addInitializer("bh", new float[2], 2);
        String r =
                g.relu("r", g.conv("c", x, "Wc", "bc", ConvOptions.builder(1, 1).build()));
        g.output(g.gemm("logits", g.flatten("f", r, 1), "Wh", "bh", true));
        Path file = dir.resolve("conv.onnx");
        g.build().save(file);
        OnnxModel model = OnnxModel.load(file);
        DenseLayer head = model.denseLayer("logits", "r");
        assertThatThrownBy(() -> NacUeDetector.denseReluChain(model, head, 1))
                .isInstanceOf(OodException.class)
                .satisfies(e -> assertThat(((OnnxInspectException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("nac_ue supports dense ReLU layers only: r is the ReLU of the Conv output c")
                .hasMessageNotContaining("\n");
    }
}
