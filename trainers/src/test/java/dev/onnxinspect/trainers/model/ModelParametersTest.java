package dev.onnxinspect.trainers.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.arch.ResNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelParametersTest {

    @Test
    void normAndDistanceUseTrainableTensorsOnly() {
        // trainable [3, 4] has norm 5; the buffer [100] must not count
        ModelParameters a = new ModelParameters(List.of(
                new ParameterTensor("l.weight", new int[] {2}, new float[] {3f, 4f}, true),
                new ParameterTensor("bn.running_var", new int[] {1}, new float[] {100f}, false)));
        ModelParameters b = new ModelParameters(List.of(
                new ParameterTensor("l.weight", new int[] {2}, new float[] {0f, 0f}, true),
                new ParameterTensor("bn.running_var", new int[] {1}, new float[] {-7f}, false)));
        assertThat(a.l2Norm()).isEqualTo(5.0);
        assertThat(a.distanceTo(b)).isEqualTo(5.0);
        assertThat(a.trainableCount()).isEqualTo(2);
    }

    @Test
    void perLayerNormsGroupTensorsByLayerName() {
        // layer a: weight [3] and bias [4] -> sqrt(9 + 16) = 5; layer b: weight [12] -> 12
        ModelParameters p = new ModelParameters(List.of(
                new ParameterTensor("a.weight", new int[] {1}, new float[] {3f}, true),
                new ParameterTensor("a.bias", new int[] {1}, new float[] {4f}, true),
                new ParameterTensor("b.weight", new int[] {1}, new float[] {12f}, true)));
        ModelParameters zero = new ModelParameters(List.of(
                new ParameterTensor("a.weight", new int[] {1}, new float[] {0f}, true),
                new ParameterTensor("a.bias", new int[] {1}, new float[] {0f}, true),
                new ParameterTensor("b.weight", new int[] {1}, new float[] {2f}, true)));
        assertThat(p.layerNorms()).containsExactly(java.util.Map.entry("a", 5.0), java.util.Map.entry("b", 12.0));
        assertThat(p.layerDistancesTo(zero))
                .containsExactly(java.util.Map.entry("a", 5.0), java.util.Map.entry("b", 10.0));
        // total: sqrt(25 + 144) = 13
        assertThat(p.l2Norm()).isEqualTo(13.0);
    }

    @Test
    void tensorsAreCopied() {
        float[] values = {1f, 2f};
        ParameterTensor t = new ParameterTensor("w", new int[] {2}, values, true);
        values[0] = 99f;
        t.values()[1] = 99f;
        assertThat(t.values()).containsExactly(1f, 2f);
    }

    @Test
    void badShapesAndNamesAreRejected() {
        assertThatThrownBy(() -> new ParameterTensor("w", new int[] {3}, new float[2], true))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("needs 3 values, got 2");
        ModelParameters p = new ModelParameters(List.of(new ParameterTensor("w", new int[] {1}, new float[1], true)));
        assertThatThrownBy(() -> p.get("v")).hasMessageContaining("unknown parameter v, expected one of [w]");
    }

    @Test
    void xavierUniformIsBoundedSeededAndHasTheUniformVariance() {
        Mlp mlp = Mlp.relu(784, 10, 256);
        ModelParameters p = Initialization.xavierUniform(mlp, 42);
        float[] w = p.get("dense1/linear.weight").values();
        double a = Math.sqrt(6.0 / (784 + 256));
        double sumSquares = 0;
        for (float v : w) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) a);
            sumSquares += (double) v * v;
        }
        // Var U(-a, a) = a^2 / 3; over 200,704 draws the relative standard error of the mean square is
        // sqrt(Var(u^2)) / (a^2/3) / sqrt(n) = sqrt(4/5) / sqrt(n) ~ 0.002, so 1% is ~5 standard errors
        assertThat(sumSquares / w.length).isCloseTo(a * a / 3, within(0.01 * a * a / 3));
        assertThat(p.get("dense1/linear.bias").values()).containsOnly(0f);
        assertThat(Initialization.xavierUniform(mlp, 42)).isEqualTo(p);
        assertThat(Initialization.xavierUniform(mlp, 43)).isNotEqualTo(p);
    }

    @Test
    void batchNormStartsAtIdentityStatistics() {
        ModelParameters p = Initialization.xavierUniform(ResNet.small(new int[] {1, 28, 28}, 10), 1);
        assertThat(p.get("stem/bn.gamma").values()).containsOnly(1f);
        assertThat(p.get("stem/bn.running_var").values()).containsOnly(1f);
        assertThat(p.get("stem/bn.running_mean").trainable()).isFalse();
        // 3x3 conv 1 -> 16: fan_in 9, fan_out 144
        assertThat(Initialization.xavierBound(9, 144)).isEqualTo(Math.sqrt(6.0 / 153));
        assertThat(p.contains("stage2/block1/shortcut/conv.weight")).isTrue();
        assertThat(p.contains("stage1/block1/shortcut/conv.weight")).isFalse();
    }
}
