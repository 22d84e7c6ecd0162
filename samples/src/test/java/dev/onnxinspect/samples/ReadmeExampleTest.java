package dev.onnxinspect.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.runtime.Device;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.samples.cli.CliTestModels;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.StatsOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library example of the README, statement for statement, so the README cannot drift from the API. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeLibraryExampleRuns() throws Exception {
        Path file = CliTestModels.tiny(dir, 784);
        // --- README "Using the library" ---
        OnnxModel model = OnnxModel.load(file);
        System.out.println(model.describe().format());
        InstrumentedModel hooked = model.instrument(TensorSelector.opType("Relu"));
        DenseLayer head = model.lastDenseLayer();
        LayerStatistics s;
        try (InferenceSession session = InferenceSession.open(
                hooked.model().toBytes(),
                SessionConfig.builder().device(Device.AUTO).build())) {
            StatsOptions options = StatsOptions.builder(10, ClassBasis.LABEL).build();
            Map<String, LayerStatisticsAccumulator> stats = new LinkedHashMap<>();
            Inspection.builder(session, FashionMnist.test().subset(0, 500))
                    .layers(hooked.addedOutputs())
                    .build()
                    .run(view -> view.activations()
                            .forEach((layer, acts) -> stats.computeIfAbsent(
                                            layer, l -> new LayerStatisticsAccumulator(options, l, acts.unitShape()))
                                    .accept(view.classes(), acts)));
            s = stats.get("hidden/relu").result();
        }
        // --- end of the README example ---
        assertThat(head.outputName()).isEqualTo("logits");
        assertThat(head.inputName()).isEqualTo("hidden/relu");
        assertThat(hooked.addedOutputs()).containsExactly("hidden/relu");
        assertThat(s.frequencies().samples()).isEqualTo(500);
        // every class of the first 500 test images is present: the class sizes add up to the samples
        assertThat(s.frequencies().s1Table().classes().stream()
                        .mapToLong(c -> c.classSize())
                        .sum())
                .isEqualTo(500);
    }
}
