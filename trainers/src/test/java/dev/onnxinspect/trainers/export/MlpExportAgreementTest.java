package dev.onnxinspect.trainers.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.model.DjlInference;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exported 784-256-128-10 MLP computes DJL's logits and hidden activations. */
class MlpExportAgreementTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void exportedMlpMatchesDjlOnLogitsAndEveryActivation() throws Exception {
        Mlp mlp = Mlp.relu(784, 10, 256, 128);
        TrainingData train = TestData.uniform(256, new int[] {784}, 10, 1);
        TrainingData batch = TestData.uniform(16, new int[] {784}, 10, 2);
        TrainingRun run = Trainer.train(
                mlp,
                train,
                batch,
                TrainingConfig.builder(1).batchSize(64).seed(7).build(),
                EpochListener.NONE);
        ModelParameters trained = run.finalParameters();
        assertThat(trained).isNotEqualTo(run.parameters(0));

        ExportOptions options =
                ExportOptions.builder().includePreActivations(true).build();
        OnnxModel model = OnnxExporter.export(mlp, trained, options);
        Map<String, float[]> onnx = OrtRunner.runAll(model.toBytes(), batch.features(), new long[] {16, 784});
        Map<String, float[]> djl = DjlInference.forwardAll(mlp, trained, batch.features(), 16);

        assertThat(List.copyOf(onnx.keySet()))
                .containsExactly(Architecture.LOGITS, "dense1/linear", "dense1/relu", "dense2/linear", "dense2/relu");
        for (String name : onnx.keySet()) {
            assertThat(onnx.get(name)).as(name).hasSameSizeAs(djl.get(name));
            assertThat(maxAbsDiff(onnx.get(name), djl.get(name))).as(name).isLessThanOrEqualTo(TOLERANCE);
        }
        assertThat(onnx.get("dense1/relu")).hasSize(16 * 256);

        Map<String, String> metadata = new java.util.HashMap<>();
        OnnxExporter.export(run, 1, ExportOptions.DEFAULTS)
                .proto()
                .getMetadataPropsList()
                .forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertThat(metadata)
                .containsEntry("onnx_inspect.epoch", "1")
                .containsEntry("onnx_inspect.training.batch_size", "64")
                .containsEntry("onnx_inspect.training.seed", "7")
                .containsEntry("onnx_inspect.architecture.hidden_widths", "[256, 128]")
                .containsEntry("onnx_inspect.exposed_layers", "logits,dense1/relu,dense2/relu");
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
