package dev.onnxinspect.trainers.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static List<String> names(List<LayerSpec> layers) {
        return layers.stream().map(LayerSpec::name).toList();
    }

    @Test
    void mlpLayersHaveStableNames() {
        Mlp mlp = Mlp.relu(784, 10, 256, 128);
        assertThat(names(mlp.layers()))
                .containsExactly("dense1/linear", "dense1/relu", "dense2/linear", "dense2/relu", "logits");
        assertThat(Shapes.outputShape(mlp.layers(), mlp.inputShape())).containsExactly(10);
        Mlp image = new Mlp(new int[] {1, 28, 28}, new int[] {64}, Activation.GELU, 10, 0.5);
        assertThat(names(image.layers()))
                .containsExactly("flatten", "dense1/linear", "dense1/gelu", "dense1/dropout", "logits");
        assertThat(((LayerSpec.Dense) image.layers().get(1)).inFeatures()).isEqualTo(784);
    }

    @Test
    void mlpWithoutHiddenLayersIsLogisticRegression() {
        assertThat(names(Mlp.relu(5, 3).layers())).containsExactly("logits");
    }

    @Test
    void leNetShapesFor28x28And32x32x3() {
        LeNet fmnist = LeNet.relu(new int[] {1, 28, 28}, 10);
        // 28 -> pool -> 14 -> pool -> 7; 64 x 7 x 7 = 3136 inputs to the dense layer
        LayerSpec.Dense dense = (LayerSpec.Dense) fmnist.layers().stream()
                .filter(l -> l.name().equals("dense1/linear"))
                .findFirst()
                .orElseThrow();
        assertThat(dense.inFeatures()).isEqualTo(3136);
        assertThat(dense.outFeatures()).isEqualTo(84);
        LeNet cifar = LeNet.relu(new int[] {3, 32, 32}, 10);
        // 32 -> 16 -> 8: 64 x 8 x 8 = 4096
        assertThat(Shapes.outputShape(cifar.layers().subList(0, 9), cifar.inputShape()))
                .containsExactly(4096);
        assertThat(names(fmnist.layers())).startsWith("conv1/conv", "conv1/relu", "pool1", "conv2/conv");
    }

    @Test
    void resNetHasShortcutsOnlyWhereTheShapeChanges() {
        ResNet net = ResNet.small(new int[] {3, 32, 32}, 10);
        List<LayerSpec> layers = net.layers();
        assertThat(names(layers))
                .containsExactly(
                        "stem/conv",
                        "stem/bn",
                        "stem/relu",
                        "stage1/block1",
                        "stage2/block1",
                        "stage3/block1",
                        "pool",
                        "logits");
        LayerSpec.Residual first = (LayerSpec.Residual) layers.get(3);
        LayerSpec.Residual second = (LayerSpec.Residual) layers.get(4);
        assertThat(first.shortcut()).isEmpty();
        assertThat(names(second.shortcut()))
                .containsExactly("stage2/block1/shortcut/conv", "stage2/block1/shortcut/bn");
        // 32 -> 32 (stage 1) -> 16 (stage 2) -> 8 (stage 3), 64 channels
        assertThat(Shapes.outputShape(layers.subList(0, 6), net.inputShape())).containsExactly(64, 8, 8);
        assertThat(Shapes.outputShape(layers, net.inputShape())).containsExactly(10);
    }

    @Test
    void iocConstrainsEveryDenseLayerButTheFirst() {
        IocMlp ioc = new IocMlp(new int[] {4}, new int[] {3, 3}, 2);
        List<WeightConstraint> constraints = ioc.layers().stream()
                .filter(l -> l instanceof LayerSpec.Dense)
                .map(l -> ((LayerSpec.Dense) l).constraint())
                .toList();
        assertThat(constraints)
                .containsExactly(
                        WeightConstraint.NONE, WeightConstraint.IOC_EXP_NEGATIVE, WeightConstraint.IOC_EXP_NEGATIVE);
        assertThat(names(ioc.layers())).contains("dense1/elu", "dense2/elu");
        // w' = exp(w - 5) for w < 0: exp(-1 - 5) = e^-6; w >= 0 unchanged
        assertThat(WeightConstraint.IOC_EXP_NEGATIVE.apply(-1f)).isEqualTo((float) Math.exp(-6));
        assertThat(WeightConstraint.IOC_EXP_NEGATIVE.apply(0.25f)).isEqualTo(0.25f);
        assertThat(WeightConstraint.IOC_EXP_NEGATIVE.apply(0f)).isEqualTo(0f);
    }

    @Test
    void badArchitecturesAreRejectedWithReasons() {
        assertThatThrownBy(() -> Mlp.relu(784, 1, 10))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("at least 2 classes, got 1");
        assertThatThrownBy(() -> Mlp.relu(784, 10, 0)).hasMessageContaining("hidden widths must be positive");
        assertThatThrownBy(() -> new Mlp(new int[] {4}, new int[] {2}, Activation.RELU, 2, 1.0))
                .hasMessageContaining("dropout rate must be in [0, 1)");
        assertThatThrownBy(() -> LeNet.relu(new int[] {784}, 10)).hasMessageContaining("[C, H, W]");
        assertThatThrownBy(() -> new IocMlp(new int[] {4}, new int[0], 2)).hasMessageContaining("at least one hidden");
        assertThatThrownBy(() -> new ResNet(new int[] {1, 8, 8}, new int[] {4}, 0, 2))
                .hasMessageContaining("one block per stage");
        assertThatThrownBy(
                        () -> Shapes.outputShape(new LayerSpec.Dense("d", 3, 2, WeightConstraint.NONE), new int[] {4}))
                .hasMessageContaining("layer d: expected an input of shape [3] per sample, got [4]");
    }

    @Test
    void architecturesAreValuesThatCopyTheirArrays() {
        int[] widths = {8, 4};
        Mlp a = new Mlp(new int[] {4}, widths, Activation.TANH, 2, 0.0);
        widths[0] = 99;
        a.hiddenWidths()[1] = 99;
        assertThat(a.hiddenWidths()).containsExactly(8, 4);
        assertThat(a).isEqualTo(new Mlp(new int[] {4}, new int[] {8, 4}, Activation.TANH, 2, 0.0));
        assertThat(a.describe()).containsEntry("hidden_widths", "[8, 4]").containsEntry("activation", "tanh");
    }
}
