package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ActivationFrequencyAccumulator;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.SequenceMask;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's neuron views: a conv layer whose flattened counters exceed the budget is audited through its channel
 * means (statistics and per-layer detectors alike), and the hooks hand MASKED_MEAN layers the batch's mask.
 */
class AuditViewsTest {
    private static final int K = 3;
    private static final String CONV = "conv/relu";
    private static final int CHANNELS = 8;

    @TempDir
    Path dir;

    /** input [N, 1, 4, 4] -> 3x3 conv (8 channels, padding 1) -> Relu "conv/relu" [8, 4, 4] -> pool -> Gemm (K = 3). */
    private static OnnxModel convModel() {
        GraphBuilder g = GraphBuilder.create("conv");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(1), Dim.of(4), Dim.of(4)));
        float[] w = new float[CHANNELS * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.9 + 0.4);
        }
        float[] b = new float[CHANNELS];
        float[] w2 = new float[K * CHANNELS];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) Math.cos(i * 1.7);
        }
        String c = g.conv(
                "conv",
                x,
                g.addInitializer("w", w, CHANNELS, 1, 3, 3),
                g.addInitializer("b", b, CHANNELS),
                ConvOptions.builder(3, 3).padding(1).build());
        String r = g.relu(CONV, c);
        String f = g.flatten("features", g.globalAveragePool("pool", r), 1);
        g.gemm("logits", f, g.addInitializer("w2", w2, K, CHANNELS), g.addInitializer("b2", new float[K], K), true);
        g.output("logits");
        return g.build();
    }

    private static InMemoryDataset data(String name, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % K;
        }
        return InMemoryDataset.of(name, values, labels, 1, 4, 4);
    }

    @Test
    void aConvLayerAboveItsShareIsAuditedThroughItsChannelMeans() throws IOException {
        Path model = dir.resolve("conv.onnx");
        convModel().save(model);
        // L = 2 layers (the Relu and the features [8]); flattened statistics of [8, 4, 4] at K = 3 take
        // 2 x 3 x 128 x 4 = 3,072 bytes of counters plus scratch (LayerStatisticsAccumulator.estimate below), more than
        // half of a budget one byte smaller: CHANNEL_MEAN
        long flat = LayerStatisticsAccumulator.estimate(
                        StatsOptions.builder(K, ClassBasis.LABEL).build(), CONV, new int[] {CHANNELS, 4, 4})
                .bytes();
        InMemoryDataset fit = data("fit", 60, 1);
        InMemoryDataset id = data("id", 30, 2);
        AuditResult result = Audit.builder(model)
                .fit(fit)
                .id(id)
                .ood(data("ood", 30, 3))
                .memoryBudgetBytes(flat - 1)
                .patterns(true)
                .run();
        assertThat(result.layers()).containsExactly(CONV, "features");
        assertThat(result.id().layers().get("features").frequencies().view()).isEqualTo(NeuronView.FLATTENED);
        assertThat(result.parameters().get("neuron_view." + CONV)).startsWith("CHANNEL_MEAN");
        ActivationFrequencies f = result.id().layers().get(CONV).frequencies();
        assertThat(f.view()).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(f.neurons()).isEqualTo(CHANNELS);

        // the same counts directly: the instrumented model's conv/relu, channel means, S1/S2 per label
        ActivationFrequencyAccumulator direct = new ActivationFrequencyAccumulator(
                StatsOptions.builder(K, ClassBasis.LABEL)
                        .view(NeuronView.CHANNEL_MEAN)
                        .build(),
                CONV,
                new int[] {CHANNELS, 4, 4});
        try (InferenceSession session = InferenceSession.open(
                OnnxModel.load(model)
                        .instrument(TensorSelector.name(CONV))
                        .model()
                        .toBytes(),
                SessionConfig.defaults())) {
            for (var it = id.batches(7); it.hasNext(); ) {
                Batch b = it.next();
                direct.accept(b.labels(), session.run(b, List.of(CONV)).get(CONV));
            }
        }
        assertThat(f).usingRecursiveComparison().isEqualTo(direct.result());

        // the per-layer detectors (2 x 3 x 8 x 8 + 2 x 3 x 8 x 8 + 60 x (8 + 16) = 2,208 bytes) read the same 8
        // neurons: a Hamming distance between 8-neuron patterns is an integer in [0, 8]
        double[] nap = result.id().scores().column("nap_hamming[" + CONV + "]");
        assertThat(nap).hasSize(30);
        assertThat(Arrays.stream(nap).boxed().toList())
                .allMatch(s -> (s == Math.rint(s) && s >= 0 && s <= CHANNELS) || s == Double.POSITIVE_INFINITY);
        // node classifiers (8 x (3 x 40 + 60 x 24 + 3 x 96) = 14,784 bytes) do not fit: skipped and recorded
        assertThat(result.nodeClassifiers()).isEmpty();
        assertThat(result.parameters()).containsKey("node_classifiers_skipped." + CONV);
    }

    @Test
    void theMaskInputMustBeAModelInput() throws IOException {
        Path model = dir.resolve("conv.onnx");
        convModel().save(model);
        assertThatThrownBy(() -> Audit.builder(model)
                        .id(data("id", 3, 1))
                        .mask("attention_mask")
                        .run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("the attention mask input attention_mask is not an input of the model; its"
                        + " inputs are [input]");
    }

    /**
     * A batch of two sequences (T = 3, d = 2) fed by inputs "ids" and "mask", layer "seq" (the class comment of
     * MaskedMeanTest): sample 0 has mask [1, 1, 0] and view (2, 1), sample 1 mask [0, 0, 0] (left out).
     */
    private static BatchView sequenceBatch(boolean withMask) {
        List<InputTensor> inputs = new ArrayList<>(List.of(InputTensor.longs("ids", new long[6], 2, 3)));
        if (withMask) {
            inputs.add(InputTensor.longs("mask", new long[] {1, 1, 0, 0, 0, 0}, 2, 3));
        }
        Batch batch = new Batch(2, inputs, new int[] {0, 1});
        Map<String, LayerActivations> layers = new LinkedHashMap<>();
        layers.put(
                "seq",
                new LayerActivations(
                        "seq", new float[] {1f, -2f, 3f, 4f, 100f, 100f, 7f, 7f, 7f, 7f, 7f, 7f}, 2, new int[] {3, 2}));
        LayerActivations logits = new LayerActivations("logits", new float[4], 2, new int[] {2});
        return new BatchView(batch, 0, new int[] {0, 1}, ClassSource.LABEL, layers, logits, 2);
    }

    @Test
    void hooksHandMaskedLayersTheBatchMask() {
        StatsOptions masked = StatsOptions.builder(2, ClassBasis.LABEL)
                .view(NeuronView.MASKED_MEAN)
                .build();
        StatsHook hook = new StatsHook(Map.of("seq", masked), "mask", null);
        hook.onBatch(sequenceBatch(true));
        ActivationFrequencies f = hook.results().get("seq").frequencies();
        assertThat(f.samples()).isEqualTo(1);
        assertThat(f.emptyMaskSamples()).isEqualTo(1);
        assertThat(f.s1Table().forClass(0).counts()).containsExactly(1, 1);
        assertThatThrownBy(() -> hook.onBatch(sequenceBatch(false)))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("the batch has no input mask");

        // the per-layer detectors' view of the batch: (2, 1) and zeros for the empty mask
        List<LayerActivations> seen = new ArrayList<>();
        new ViewedLayersHook(v -> seen.add(v.layer("seq").copy()), Map.of("seq", NeuronView.MASKED_MEAN), "mask")
                .onBatch(sequenceBatch(true));
        assertThat(seen.get(0).values()).containsExactly(2f, 1f, 0f, 0f);

        // node classifiers: the first sample only (limit 1), whose mask [1, 1, 0] is not empty
        NodeClassifierHooks.Fit nodes = new NodeClassifierHooks.Fit(Map.of("seq", masked), "mask", 1);
        nodes.onBatch(sequenceBatch(true));
        assertThat(nodes.seen()).isEqualTo(1);
        assertThat(nodes.classifiers().get("seq").fitSamples()).isEqualTo(1);
        assertThat(SequenceMask.of(sequenceBatch(true).batch().input("mask")).positions(0))
                .isEqualTo(2);
    }
}
