package dev.onnxinspect.samples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ResNet-50 layout of the benchmark at reduced width and resolution (the full model is the benchmark's, not a
 * test's): every ReLU has the shape the layout says, and the audit's memory rule views the maps above their share of
 * the budget through their channel means.
 */
class ResNetModelTest {
    @TempDir
    Path dir;

    @Test
    void reluShapesFollowTheLayout() {
        // width 4 at 32 x 32: stem [4, 16, 16]; stage s block outputs [16 * 2^s, 8 / 2^s, 8 / 2^s]; features 128
        ResNetModel spec = new ResNetModel(4, 32, 10, ResNetModel.resnet50Blocks(), 3);
        assertThat(spec.reluLayers()).hasSize(1 + 3 * (3 + 4 + 6 + 3));
        assertThat(spec.unitShape("stem/relu")).containsExactly(4, 16, 16);
        assertThat(spec.unitShape("stage1/block1/relu")).containsExactly(16, 8, 8);
        assertThat(spec.unitShape("stage2/block1/relu1")).containsExactly(8, 8, 8); // before the strided 3x3
        assertThat(spec.unitShape("stage2/block1/relu2")).containsExactly(8, 4, 4);
        assertThat(spec.unitShape("stage4/block3/relu")).containsExactly(128, 1, 1);
        assertThat(spec.featureWidth()).isEqualTo(128);

        OnnxModel model = spec.build();
        InstrumentedModel hooked =
                model.instrument(TensorSelector.opType("Relu"), TensorSelector.name(ResNetModel.FEATURES));
        assertThat(hooked.selected()).containsAll(spec.reluLayers());
        try (InferenceSession session = InferenceSession.open(hooked.model().toBytes(), SessionConfig.defaults())) {
            float[] images = new float[2 * 3 * 32 * 32];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) Math.sin(i * 0.01);
            }
            List<String> outputs = new ArrayList<>(spec.reluLayers());
            outputs.add(ResNetModel.FEATURES);
            outputs.add(ResNetModel.LOGITS);
            Map<String, LayerActivations> out = session.run(new Batch(images, 2, spec.sampleShape(), null), outputs);
            for (String relu : spec.reluLayers()) {
                assertThat(out.get(relu).unitShape()).as(relu).containsExactly(spec.unitShape(relu));
            }
            assertThat(out.get(ResNetModel.FEATURES).unitShape()).containsExactly(128);
            assertThat(out.get(ResNetModel.LOGITS).unitShape()).containsExactly(10);
            for (float v : out.get(ResNetModel.LOGITS).values()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void theAuditViewsTheMapsAboveTheirShareThroughChannelMeans() throws IOException {
        // width 4 at 64 x 64, K = 1000, default budget B = 512 MiB over L = 50 layers (49 ReLUs and the features):
        // the share is 10.2 MiB. The stem [4, 32, 32] (4,096 units) has 2 x 1000 x 4,096 x 4 = 31 MiB of flattened
        // counters: CHANNEL_MEAN; a stage-4 block output [128, 2, 2] (512 units) has 3.9 MiB: FLATTENED. Each layer's
        // expected view follows from LayerStatisticsAccumulator.estimate, the rule's own measure.
        ResNetModel spec = new ResNetModel(4, 64, 1000, ResNetModel.resnet50Blocks(), 5);
        Path file = dir.resolve("resnet.onnx");
        spec.build().save(file);
        AuditResult result = Audit.builder(file)
                .fit(new SyntheticImages("fit", SyntheticImages.Kind.STRUCTURED, 12, 64, 1000, true, 1))
                .id(new SyntheticImages("id", SyntheticImages.Kind.STRUCTURED, 6, 64, 1000, true, 2))
                .ood(new SyntheticImages("noise", SyntheticImages.Kind.NOISE, 6, 64, 1000, false, 3))
                .session(SessionConfig.builder().intraOpThreads(1).build())
                .nodeClassifiers(0, 0) // K = 1000 node estimators per node: seconds, and not what is tested here
                .run();
        assertThat(result.layers()).hasSize(50);
        long share = (512L << 20) / 50;
        int channel = 0;
        for (String relu : spec.reluLayers()) {
            int[] shape = spec.unitShape(relu);
            long flat = LayerStatisticsAccumulator.estimate(
                            StatsOptions.builder(1000, ClassBasis.LABEL).build(), relu, shape)
                    .bytes();
            NeuronView expected = flat > share ? NeuronView.CHANNEL_MEAN : NeuronView.FLATTENED;
            channel += expected == NeuronView.CHANNEL_MEAN ? 1 : 0;
            assertThat(result.id().layers().get(relu).frequencies().view())
                    .as(relu + " " + Arrays.toString(shape))
                    .isEqualTo(expected);
        }
        assertThat(result.id().layers().get("stem/relu").frequencies().neurons())
                .isEqualTo(4);
        assertThat(result.id().layers().get("stage4/block3/relu").frequencies().view())
                .isEqualTo(NeuronView.FLATTENED);
        assertThat(channel).isBetween(1, 48);
        assertThat(result.parameters().keySet().stream().filter(k -> k.startsWith("neuron_view.")))
                .hasSize(channel);
    }
}
