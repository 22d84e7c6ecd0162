package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.MemoryLimitExceededException;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.StatsOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** The audit's memory rule ({@link MemoryPlan}), on layer shapes alone (no model is run). */
class MemoryPlanTest {
    private static final InMemoryDataset ID = InMemoryDataset.of("id", new float[4], new int[] {0, 1, 0, 1}, 1);

    private static Audit.Builder audit() {
        return Audit.builder(Path.of("unused.onnx")).id(ID);
    }

    private static MemoryPlan plan(AuditOptions o, Map<String, int[]> shapes, int k, long samples) {
        return MemoryPlan.of(
                o,
                new MemoryPlan.Run(List.copyOf(shapes.keySet()), shapes, k, samples, samples, true, samples, samples));
    }

    /** Shapes of ResNet-50 at 224 x 224: the stem, a stage-1 block output, the last block output, a dense layer. */
    private static Map<String, int[]> resnetShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("stem/relu", new int[] {64, 112, 112});
        shapes.put("stage1/block1/relu", new int[] {256, 56, 56});
        shapes.put("stage4/block3/relu", new int[] {2048, 7, 7});
        shapes.put("head/flatten", new int[] {2048});
        return shapes;
    }

    private static long statisticsBytes(NeuronView view, int k, int[] shape) {
        return LayerStatisticsAccumulator.estimate(
                        StatsOptions.builder(k, ClassBasis.LABEL).view(view).build(), "l", shape)
                .bytes();
    }

    @Test
    void convLayersAboveTheirShareOfTheBudgetAreViewedAsChannelMeans() {
        // K = 1000, B = 512 MiB, L = 4: the share is 128 MiB. The smallest map, [2048, 7, 7], has 100,352 units: its
        // flattened S1/S2 counters alone are 2 x 1000 x 100,352 x 4 bytes = 766 MiB > 128 MiB, so every map is
        // viewed CHANNEL_MEAN; the dense layer [2048] (2 x 1000 x 2048 x 4 = 15.6 MiB) stays FLATTENED.
        MemoryPlan plan = plan(audit().options(), resnetShapes(), 1000, 256);
        assertThat(plan.view("stem/relu")).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(plan.view("stage1/block1/relu")).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(plan.view("stage4/block3/relu")).isEqualTo(NeuronView.CHANNEL_MEAN);
        assertThat(plan.view("head/flatten")).isEqualTo(NeuronView.FLATTENED);
        assertThat(plan.parameters().get("neuron_view.stem/relu")).startsWith("CHANNEL_MEAN (flattened counters");
        assertThat(plan.parameters())
                .doesNotContainKey("neuron_view.head/flatten")
                .containsEntry("memory_budget_bytes", Long.toString(512L << 20));
        // the channel views' counters: 2 x 1000 x (64 + 256 + 2048 + 2048) x 4 bytes plus scratch, far below B
        long counters = 0;
        for (Map.Entry<String, int[]> e : resnetShapes().entrySet()) {
            counters += statisticsBytes(plan.view(e.getKey()), 1000, e.getValue());
        }
        assertThat(plan.parameters()).containsEntry("memory_estimate.layer_statistics", Long.toString(counters));
        assertThat(counters).isLessThan(512L << 20);
    }

    @Test
    void smallModelsKeepEveryUnitAndRecordNoView() {
        // the LeNet-like CNN with K = 10: [6, 24, 24] has 3,456 units, 2 x 10 x 3,456 x 4 = 276 KB << B / 2; node
        // classifiers on 1,000 fit samples: 3,456 x (10 x 40 + 1,000 x 24 + 10 x 96) = 88 MB < 512 MiB
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("conv1/relu", new int[] {6, 24, 24});
        shapes.put("fc/relu", new int[] {84});
        MemoryPlan plan = plan(audit().options(), shapes, 10, 1_000);
        assertThat(plan.view("conv1/relu")).isEqualTo(NeuronView.FLATTENED);
        assertThat(plan.view("fc/relu")).isEqualTo(NeuronView.FLATTENED);
        assertThat(plan.parameters().keySet()).noneMatch(k -> k.contains("view") || k.contains("skipped"));
        assertThat(plan.nodeClassifierLayers()).containsExactly("conv1/relu", "fc/relu");
        assertThat(plan.patternDetectorLayers()).containsExactly("conv1/relu", "fc/relu");
    }

    @Test
    void theShareIsInclusive() {
        // one layer [1, 4, 4], K = 2: with B exactly its flattened statistics it stays FLATTENED, one byte less and
        // it is viewed CHANNEL_MEAN
        int[] shape = {1, 4, 4};
        long flat = statisticsBytes(NeuronView.FLATTENED, 2, shape);
        Map<String, int[]> shapes = Map.of("conv", shape);
        assertThat(plan(audit().memoryBudgetBytes(flat).options(), shapes, 2, 1).view("conv"))
                .isEqualTo(NeuronView.FLATTENED);
        assertThat(plan(audit().memoryBudgetBytes(flat - 1).options(), shapes, 2, 1)
                        .view("conv"))
                .isEqualTo(NeuronView.CHANNEL_MEAN);
    }

    @Test
    void countersAboveTheBudgetAreRefusedBeforeAnythingRuns() {
        // a dense layer cannot be reduced: [100000] at K = 1000 takes 2 x 1000 x 100,000 x 4 = 763 MiB > 512 MiB
        Map<String, int[]> shapes = Map.of("wide/relu", new int[] {100_000});
        assertThatThrownBy(() -> plan(audit().options(), shapes, 1000, 10))
                .isInstanceOf(MemoryLimitExceededException.class)
                .hasMessageContaining("S1/S2 counters of layer wide/relu [100000] viewed FLATTENED")
                .hasMessageContaining("above the limit of 512.0 MiB")
                .hasMessageContaining("Audit.Builder#memoryBudgetBytes");
        // raising the budget lets it through
        assertThat(plan(audit().memoryBudgetBytes(1L << 30).options(), shapes, 1000, 10)
                        .view("wide/relu"))
                .isEqualTo(NeuronView.FLATTENED);
    }

    @Test
    void aNamedMaskViewsSequenceLayersAndChosenViewsWin() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("encoder/out", new int[] {-1, 64}); // [T, d], T varies
        shapes.put("conv/relu", new int[] {8, 4, 4});
        shapes.put("pooled", new int[] {64});
        MemoryPlan plan = plan(
                audit().mask("attention_mask")
                        .view("conv/relu", NeuronView.CHANNEL_MAX)
                        .options(),
                shapes,
                2,
                100);
        assertThat(plan.view("encoder/out")).isEqualTo(NeuronView.MASKED_MEAN);
        assertThat(plan.view("conv/relu")).isEqualTo(NeuronView.CHANNEL_MAX);
        assertThat(plan.view("pooled")).isEqualTo(NeuronView.FLATTENED);
        assertThat(plan.masked()).isTrue();
        assertThat(plan.parameters())
                .containsEntry("mask_input", "attention_mask")
                .containsEntry("neuron_view.conv/relu", "CHANNEL_MAX (chosen)")
                .containsEntry("neuron_view.encoder/out", "MASKED_MEAN (sequence layer [T, d], mask attention_mask)");
        // without a mask, a map whose size varies cannot be counted flattened
        Map<String, int[]> varying = Map.of("ocr/relu", new int[] {16, -1, -1});
        assertThat(plan(audit().options(), varying, 2, 10).view("ocr/relu")).isEqualTo(NeuronView.CHANNEL_MEAN);

        assertThatThrownBy(() ->
                        plan(audit().view("elsewhere", NeuronView.CHANNEL_MEAN).options(), shapes, 2, 1))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("layer elsewhere, which the audit does " + "not inspect");
        assertThatThrownBy(() ->
                        plan(audit().view("conv/relu", NeuronView.MASKED_MEAN).options(), shapes, 2, 1))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("conv/relu cannot be viewed " + "MASKED_MEAN");
    }

    @Test
    void perSampleStructuresTakeTheDeepestLayersThatFit() {
        // from the deepest back, each if it fits in what is left of 75 bytes: c (30, 45 left), b (50 > 45: skipped),
        // a (40 <= 45, 5 left)
        Map<String, Long> bytes = new LinkedHashMap<>();
        bytes.put("a", 40L);
        bytes.put("b", 50L);
        bytes.put("c", 30L);
        Map<String, String> params = new LinkedHashMap<>();
        assertThat(MemoryPlan.deepestFirst(bytes, 75, "patterns", params, "test"))
                .containsExactly("a", "c");
        assertThat(params)
                .containsEntry("memory_estimate.patterns", "70")
                .containsKey("patterns_skipped.b")
                .hasSize(2);
    }

    @Test
    void patternsAndNodeClassifiersAtResNetScale() {
        // node classifiers at K = 1000 with 256 fit samples take nodes x (1000 x 40 + 256 x 24 + 256 x 96) =
        // nodes x 70,720 bytes: 138.1 MiB for the 2048-neuron layers, 17.3 MiB for stage 1 (256 channels), 4.3 MiB
        // for the stem (64); their FAST evaluation of 256 samples adds about 8 x 256 x 1000 x 8 bytes of sums per
        // 2,048 nodes (15.6 MiB) and 2 MiB of buffer and scratch per thread. With B = 200 MiB, from the deepest
        // back: head/flatten (about 160, 40 left), stage4 (about 160 > 40: skipped), stage1 (about 22), stem (about
        // 8.5).
        MemoryPlan plan = plan(audit().memoryBudgetBytes(200L << 20).options(), resnetShapes(), 1000, 256);
        assertThat(plan.nodeClassifierLayers()).containsExactly("stem/relu", "stage1/block1/relu", "head/flatten");
        assertThat(plan.parameters()).containsKey("node_classifiers_skipped.stage4/block3/relu");
        // patterns of 256 samples: (words x 8 + 96) x 256 bytes per layer, a few hundred KB: every layer
        StatsOptions base = StatsOptions.builder(1000, ClassBasis.LABEL).build();
        assertThat(plan.options("stem/relu", base).patterns()).isTrue();
        assertThat(plan.options("stem/relu", base).view()).isEqualTo(NeuronView.CHANNEL_MEAN);
        // patterns forced off
        MemoryPlan off = plan(audit().patterns(false).options(), resnetShapes(), 1000, 256);
        assertThat(off.options("head/flatten", base).patterns()).isFalse();
        assertThat(off.parameters()).containsEntry("patterns", "off (chosen)");
    }

    @Test
    void banksAreStatedBeforeTheFitAndLeftOutWhenAloneAboveTheBudget() {
        // SPEC §5b: N = 60,000 fit samples, d = 2048, K = 1000. NNGuide: 60,000 x 2048 x 8 = 983,040,000 bytes
        // (937.5 MiB); Relation: 60,000 x 3048 x 8 = 1,463,040,000 bytes (1395.3 MiB). B = 1 GiB keeps NNGuide only.
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, String> left = MemoryPlan.banksLeftOut(1L << 30, 60_000, 2048, 1000, params);
        assertThat(params)
                .containsEntry("memory_estimate.nnguide_bank", "983040000")
                .containsEntry("memory_estimate.relation_bank", "1463040000")
                .containsKey("bank_skipped.relation")
                .doesNotContainKey("bank_skipped.nnguide");
        assertThat(left).containsOnlyKeys("relation");
        assertThat(left.get("relation"))
                .contains("1395.3 MiB exceeds the memory budget 1024.0 MiB")
                .contains("memoryBudgetBytes");
        // the budget is inclusive; an unknown fit size is not planned
        assertThat(MemoryPlan.banksLeftOut(1_463_040_000L, 60_000, 2048, 1000, new LinkedHashMap<>()))
                .isEmpty();
        Map<String, String> unknown = new LinkedHashMap<>();
        assertThat(MemoryPlan.banksLeftOut(1, -1, 2048, 1000, unknown)).isEmpty();
        assertThat(unknown).isEmpty();
    }

    @Test
    void nodeClassifiersCountTheirFastEvaluationBuffer() {
        // K = 10, 100 fit and 200 evaluation samples, layers [12544] and [84], flattened. Classifiers:
        // nodes x (10 x 40 + 100 x 24 + 10 x 96) = nodes x 3,760: 47,165,440 and 315,840 bytes. FAST evaluation:
        // the buffer grows 16, 32, ..., 256 samples of (nodes + 1) x 4 bytes (12,846,080 and 87,040), the chunks'
        // sums chunks x 200 x 10 x 8 (49 chunks: 784,000; 1 chunk: 16,000), and per running thread (at most one
        // per chunk) 200 x (80 + 148) + 100 x 16 = 47,200.
        long threads = ForkJoinPool.getCommonPoolParallelism() + 1L;
        long fc = 315_840 + 87_040 + 16_000 + 47_200;
        long conv = 47_165_440 + 12_846_080 + 784_000 + Math.min(threads, 49) * 47_200;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("conv/relu", new int[] {12544});
        shapes.put("fc/relu", new int[] {84});
        MemoryPlan.Run run = new MemoryPlan.Run(List.copyOf(shapes.keySet()), shapes, 10, 200, 100, false, 100, 200);
        MemoryPlan roomy = MemoryPlan.of(audit().memoryBudgetBytes(fc + conv).options(), run);
        assertThat(roomy.nodeClassifierLayers()).containsExactly("conv/relu", "fc/relu");
        assertThat(roomy.parameters()).containsEntry("memory_estimate.node_classifiers", Long.toString(fc + conv));
        // one byte less: the wide layer is left out, although its classifiers alone (47.2 MB) would fit
        MemoryPlan tight =
                MemoryPlan.of(audit().memoryBudgetBytes(fc + conv - 1).options(), run);
        assertThat(tight.nodeClassifierLayers()).containsExactly("fc/relu");
        assertThat(tight.parameters())
                .containsEntry("memory_estimate.node_classifiers", Long.toString(fc))
                .containsKey("node_classifiers_skipped.conv/relu");
    }
}
