package dev.onnxinspect.trainers.export;

import static dev.onnxinspect.trainers.export.MlpExportAgreementTest.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.trainers.arch.Activation;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.IocMlp;
import dev.onnxinspect.trainers.arch.LeNet;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.arch.ResNet;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.model.DjlInference;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every architecture kind: briefly trained weights (so batch-norm running statistics and IOC weights are not at
 * their initial values) exported to ONNX give DJL's inference-mode outputs on every exposed tensor within 1e-5.
 */
class ArchitectureExportAgreementTest {
    private static final double TOLERANCE = 1e-5;
    private static final int BATCH = 4;

    static Stream<Arguments> architectures() {
        ExportOptions transformed =
                ExportOptions.builder().includePreActivations(true).build();
        ExportOptions inGraph = ExportOptions.builder()
                .includePreActivations(true)
                .iocWeights(IocWeightExport.IN_GRAPH)
                .build();
        return Stream.of(
                Arguments.of(new Mlp(new int[] {1, 6, 6}, new int[] {8, 5}, Activation.GELU, 3, 0.5), transformed),
                Arguments.of(new Mlp(new int[] {12}, new int[] {7}, Activation.ELU, 3, 0.0), transformed),
                Arguments.of(new Mlp(new int[] {12}, new int[] {7, 6}, Activation.SIGMOID, 3, 0.0), transformed),
                Arguments.of(new Mlp(new int[] {12}, new int[] {7}, Activation.TANH, 3, 0.0), transformed),
                Arguments.of(LeNet.relu(new int[] {1, 12, 12}, 3), transformed),
                Arguments.of(new LeNet(new int[] {1, 8, 8}, 3, Activation.GELU, 0.2), transformed),
                Arguments.of(new ResNet(new int[] {1, 12, 12}, new int[] {4, 6}, 1, 3), transformed),
                Arguments.of(new ResNet(new int[] {3, 8, 8}, new int[] {4, 4}, 2, 3), transformed),
                Arguments.of(new IocMlp(new int[] {10}, new int[] {6, 5}, 3), transformed),
                Arguments.of(new IocMlp(new int[] {10}, new int[] {6, 5}, 3), inGraph));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void exportComputesWhatDjlComputes(Architecture architecture, ExportOptions options) throws Exception {
        int[] shape = architecture.inputShape();
        TrainingData train = TestData.uniform(24, shape, 3, 11);
        TrainingData probe = TestData.uniform(BATCH, shape, 3, 12);
        ModelParameters trained = Trainer.train(
                        architecture,
                        train,
                        probe,
                        TrainingConfig.builder(1)
                                .batchSize(8)
                                .learningRate(0.05)
                                .seed(3)
                                .build(),
                        EpochListener.NONE)
                .finalParameters();

        long[] inputShape = new long[shape.length + 1];
        inputShape[0] = BATCH;
        for (int i = 0; i < shape.length; i++) {
            inputShape[i + 1] = shape[i];
        }
        Map<String, float[]> onnx = OrtRunner.runAll(
                OnnxExporter.exportBytes(architecture, trained, options), probe.features(), inputShape);
        Map<String, float[]> djl = DjlInference.forwardAll(architecture, trained, probe.features(), BATCH);

        assertThat(onnx.keySet()).containsExactlyElementsOf(OnnxExporter.outputNames(architecture, options));
        assertThat(onnx.get(Architecture.LOGITS)).hasSize(BATCH * architecture.numClasses());
        for (String name : onnx.keySet()) {
            assertThat(djl).as("DJL output " + name).containsKey(name);
            assertThat(onnx.get(name)).as(name).hasSameSizeAs(djl.get(name));
            assertThat(maxAbsDiff(onnx.get(name), djl.get(name)))
                    .as(name + " of " + architecture)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        assertThat(Shapes.size(architecture.inputShape())).isEqualTo(probe.sampleSize());
    }
}
