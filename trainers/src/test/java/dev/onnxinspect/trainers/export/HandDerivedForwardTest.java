package dev.onnxinspect.trainers.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.IocMlp;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.model.DjlInference;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DJL and the exported ONNX model on 2-2-2 networks whose outputs are derived on paper. */
class HandDerivedForwardTest {
    private static final float[] X = {1f, 2f};
    // W1 = [[1, -1], [2, 0.5]], b1 = [0, -1]: z1 = [1 - 2 + 0, 2 + 1 - 1] = [-1, 2]
    private static final float[] W1 = {1f, -1f, 2f, 0.5f};
    private static final float[] B1 = {0f, -1f};

    private static ModelParameters parameters(float[] w2, float[] b2) {
        return new ModelParameters(List.of(
                new ParameterTensor("dense1/linear.weight", new int[] {2, 2}, W1, true),
                new ParameterTensor("dense1/linear.bias", new int[] {2}, B1, true),
                new ParameterTensor("logits.weight", new int[] {2, 2}, w2, true),
                new ParameterTensor("logits.bias", new int[] {2}, b2, true)));
    }

    @Test
    void reluMlpByHand() throws Exception {
        Mlp mlp = Mlp.relu(2, 2, 2);
        // relu(z1) = [0, 2]; W2 = [[1, 1], [-1, 3]], b2 = [0.5, 0]: logits = [0 + 2 + 0.5, 0 + 6 + 0] = [2.5, 6]
        ModelParameters p = parameters(new float[] {1f, 1f, -1f, 3f}, new float[] {0.5f, 0f});
        for (Map<String, float[]> out : List.of(
                DjlInference.forwardAll(mlp, p, X, 1),
                OrtRunner.runAll(OnnxExporter.exportBytes(mlp, p, ExportOptions.DEFAULTS), X, new long[] {1, 2}))) {
            assertThat(out.get("dense1/relu")).containsExactly(0f, 2f);
            assertThat(out.get(Architecture.LOGITS)).containsExactly(2.5f, 6f);
        }
    }

    @Test
    void parametersOfAnotherArchitectureAreRejected() {
        ModelParameters p = parameters(new float[] {1f, 1f, -1f, 3f}, new float[] {0.5f, 0f});
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OnnxExporter.export(Mlp.relu(2, 2, 2, 2), p, ExportOptions.DEFAULTS))
                .isInstanceOf(dev.onnxinspect.trainers.TrainingException.class)
                .hasMessageContaining("needs parameter dense2/linear.weight");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OnnxExporter.export(Mlp.relu(2, 2), p, ExportOptions.DEFAULTS))
                .hasMessageContaining("do not belong to the mlp");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OnnxExporter.export(Mlp.relu(2, 2, 3), p, ExportOptions.DEFAULTS))
                .hasMessageContaining("has shape [2, 2], expected [3, 2]");
    }

    @Test
    void geluIsTheExactErfForm() throws Exception {
        // x = 0, W1 = [[1]], b1 = [-1]: z1 = -1; exact GELU(-1) = -1 * Phi(-1) = -0.5 (1 - erf(1 / sqrt 2))
        // with erf(1/sqrt 2) = P(|Z| < 1) = 0.6826894921370859, so GELU(-1) = -0.15865525393145707.
        // (The tanh approximation gives -0.1588080, 1.5e-4 away.)
        Mlp mlp = new Mlp(new int[] {1}, new int[] {1}, dev.onnxinspect.trainers.arch.Activation.GELU, 2, 0.0);
        ModelParameters p = new ModelParameters(List.of(
                new ParameterTensor("dense1/linear.weight", new int[] {1, 1}, new float[] {1f}, true),
                new ParameterTensor("dense1/linear.bias", new int[] {1}, new float[] {-1f}, true),
                new ParameterTensor("logits.weight", new int[] {2, 1}, new float[] {1f, 0f}, true),
                new ParameterTensor("logits.bias", new int[] {2}, new float[] {0f, 0f}, true)));
        float[] x = {0f};
        float expected = (float) (-0.5 * (1 - 0.6826894921370859));
        assertThat(DjlInference.forwardAll(mlp, p, x, 1).get("dense1/gelu")[0]).isCloseTo(expected, within(1e-6f));
        assertThat(OrtRunner.runAll(OnnxExporter.exportBytes(mlp, p, ExportOptions.DEFAULTS), x, new long[] {1, 1})
                        .get("dense1/gelu")[0])
                .isCloseTo(expected, within(1e-6f));
    }

    @Test
    void iocNetworkByHand() throws Exception {
        IocMlp ioc = new IocMlp(new int[] {2}, new int[] {2}, 2);
        // first layer unconstrained: z1 = [-1, 2], elu(z1) = [e^-1 - 1, 2].
        // logits layer constrained: raw W2 = [[1, -1], [-2, 3]] -> W2' = [[1, e^(-1-5)], [e^(-2-5), 3]], b2 = [0, 0.5]
        ModelParameters p = parameters(new float[] {1f, -1f, -2f, 3f}, new float[] {0f, 0.5f});
        double h0 = Math.exp(-1) - 1;
        double logit0 = 1 * h0 + Math.exp(-6) * 2;
        double logit1 = Math.exp(-7) * h0 + 3 * 2 + 0.5;
        for (IocWeightExport mode : IocWeightExport.values()) {
            ExportOptions options = ExportOptions.builder().iocWeights(mode).build();
            Map<String, float[]> onnx =
                    OrtRunner.runAll(OnnxExporter.exportBytes(ioc, p, options), X, new long[] {1, 2});
            assertThat(onnx.get("dense1/elu")[0]).as(mode.name()).isCloseTo((float) h0, within(1e-6f));
            assertThat(onnx.get(Architecture.LOGITS)[0]).as(mode.name()).isCloseTo((float) logit0, within(1e-6f));
            assertThat(onnx.get(Architecture.LOGITS)[1]).as(mode.name()).isCloseTo((float) logit1, within(1e-6f));
        }
        Map<String, float[]> djl = DjlInference.forwardAll(ioc, p, X, 1);
        assertThat(djl.get("dense1/elu")[1]).isEqualTo(2f);
        assertThat(djl.get(Architecture.LOGITS)[0]).isCloseTo((float) logit0, within(1e-6f));
        assertThat(djl.get(Architecture.LOGITS)[1]).isCloseTo((float) logit1, within(1e-6f));
    }
}
