package dev.onnxinspect.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.onnx.graph.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's derived values, each checked against a hand derivation. */
class AuditSectionsTest {
    /**
     * A LeNet-like graph: x [N, 1, 28, 28] -> Conv 6 x 5 x 5 (pad 2) -> Relu -> MaxPool 2 stride 2 -> Conv 16 x 5 x 5
     * (no pad, stride 1) -> GlobalAveragePool -> Flatten -> Gemm (W 10 x 16, transB) -> Softmax; and a MatMul branch
     * from the flattened features with W [16, 4], plus an Add broadcasting a [4] bias.
     */
    @Test
    void outputShapesFollowTheOperatorsFormulas() {
        GraphBuilder g = GraphBuilder.create("lenet");
        String x = g.input("x", TensorShape.of(Dim.symbolic("N"), Dim.of(1), Dim.of(28), Dim.of(28)));
        String c1 = g.conv(
                "conv1",
                x,
                g.addInitializer("w1", new float[6 * 25], 6, 1, 5, 5),
                new ConvOptions(List.of(5L, 5L), List.of(1L, 1L), List.of(2L, 2L, 2L, 2L), List.of(1L, 1L), 1));
        String r1 = g.relu("relu1", c1);
        String p1 = g.maxPool(
                "pool1", r1, new PoolOptions(List.of(2L, 2L), List.of(2L, 2L), List.of(0L, 0L, 0L, 0L), false, false));
        String c2 = g.conv(
                "conv2",
                p1,
                g.addInitializer("w2", new float[16 * 6 * 25], 16, 6, 5, 5),
                new ConvOptions(List.of(5L, 5L), List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), 1));
        String gap = g.globalAveragePool("gap", c2);
        String flat = g.flatten("flat", gap, 1);
        String logits = g.gemm("logits", flat, g.addInitializer("w3", new float[160], 10, 16), true);
        g.softmax("probs", logits, 1);
        String mm = g.matMul("mm", flat, g.addInitializer("w4", new float[64], 16, 4));
        g.add("biased", mm, g.addInitializer("b4", new float[4], 4));
        g.output("probs");
        Map<String, List<String>> shapes = OutputShapes.infer(g.build().describe());
        // 28 + 2 + 2 - 5 + 1 = 28; pooled floor((28 - 2) / 2) + 1 = 14; 14 - 5 + 1 = 10
        assertThat(shapes.get("conv1")).containsExactly("N", "6", "28", "28");
        assertThat(shapes.get("relu1")).containsExactly("N", "6", "28", "28");
        assertThat(shapes.get("pool1")).containsExactly("N", "6", "14", "14");
        assertThat(shapes.get("conv2")).containsExactly("N", "16", "10", "10");
        assertThat(shapes.get("gap")).containsExactly("N", "16", "1", "1");
        // Flatten at axis 1: [N] and 16 x 1 x 1 = 16
        assertThat(shapes.get("flat")).containsExactly("N", "16");
        // Gemm with transB: [N, 16] x [10, 16]^T = [N, 10]
        assertThat(shapes.get("logits")).containsExactly("N", "10");
        assertThat(shapes.get("probs")).containsExactly("N", "10");
        assertThat(shapes.get("mm")).containsExactly("N", "4");
        assertThat(shapes.get("biased")).containsExactly("N", "4");
    }

    /**
     * 20 ID scores 1..20: ceil(0.95 x 20) = 19, so the threshold is the 19th smallest, 19 (0.95 x 20 in floating
     * point is 18.999999999999996 or 19.000000000000004 depending on the rounding: the integer rule decides). The
     * bins span the 0.5th to 99.5th percentile of all 25 scores: positions floor(0.005 x 24) = 0 and
     * ceil(0.995 x 24) = 24 of the sorted scores, i.e. 1 to 1000.
     */
    @Test
    void scoreDistributionBinsBothSetsAndPlacesTheFpr95Threshold() {
        double[] id = new double[20];
        for (int i = 0; i < 20; i++) {
            id[i] = 20 - i;
        }
        double[] ood = {50, 60, 70, 100, 1000};
        ScoreDistribution d = ScoreDistribution.of("energy", "a", "b", id, ood, 3, 0.9, 0.0);
        assertThat(d.threshold()).isEqualTo(19.0);
        assertThat(d.lower()).isEqualTo(1.0);
        assertThat(d.upper()).isEqualTo(1000.0);
        // 3 bins of width 333: [1, 334), [334, 667), [667, 1000]
        assertThat(d.idCounts()).containsExactly(20, 0, 0);
        assertThat(d.oodCounts()).containsExactly(4, 0, 1);
    }

    @Test
    void bestNodesAndTheirHistogramCountEveryNode() {
        NodeClassifierSummary s =
                new NodeClassifierSummary("l", "fit", "eval", 10, 0.8, new double[] {0.1, 0.5, 0.5, 1.0, 0.3});
        // ties (0.5 at nodes 1 and 2) go to the lower index
        assertThat(s.bestNodes(3)).containsExactly(3, 1, 2);
        // 4 bins of 0.25: 0.1 -> 0, 0.3 -> 1, 0.5 -> 2 (twice), 1.0 -> the last bin
        assertThat(s.histogram(4)).containsExactly(1, 1, 2, 1);
    }

    @Test
    void parametersSortNumbersInNamesAsNumbers() {
        List<String> names = new ArrayList<>(List.of("layer10", "Layer2", "layer1", "alpha", "layer2b"));
        names.sort(AuditSections::naturalCompare);
        assertThat(names).containsExactly("alpha", "layer1", "Layer2", "layer2b", "layer10");
        assertThat(RunParameter.groupOf("neuron_view.dense1/relu")).isEqualTo("neuron_view");
        assertThat(RunParameter.groupOf("tau")).isEqualTo("run");
    }

    @Test
    void imageInputsAreRecognisedByTheirShape() {
        assertThat(SampleGalleries.imageShape(new int[] {784})).containsExactly(1, 28, 28);
        assertThat(SampleGalleries.imageShape(new int[] {3, 32, 32})).containsExactly(3, 32, 32);
        assertThat(SampleGalleries.imageShape(new int[] {28, 28})).containsExactly(1, 28, 28);
        // 48 values are no square, 4 x 4 is too small to show, 5 channels are no image
        assertThat(SampleGalleries.imageShape(new int[] {48})).isNull();
        assertThat(SampleGalleries.imageShape(new int[] {16})).isNull();
        assertThat(SampleGalleries.imageShape(new int[] {5, 32, 32})).isNull();
    }

    /** A confusion table's colour is the share of its row: row 0 = (3, 1) gives 0.75 and 0.25; an empty row 0. */
    @Test
    void confusionCellsAreSharesOfTheirRow() {
        ConfusionTable t = new ConfusionTable("d", List.of("a", "b"), new long[][] {{3, 1}, {0, 0}});
        assertThat(t.rowShare(0, 0)).isCloseTo(0.75, within(1e-15));
        assertThat(t.rowShare(0, 1)).isCloseTo(0.25, within(1e-15));
        assertThat(t.rowShare(1, 1)).isZero();
    }
}
