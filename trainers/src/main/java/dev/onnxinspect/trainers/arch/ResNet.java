package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small ResNet for e.g. 28x28x1 or 32x32x3 inputs: a stem (3x3 convolution to {@code stageWidths[0]} channels,
 * batch norm, ReLU), then for each stage s = 1..S {@code blocksPerStage} residual blocks of width
 * {@code stageWidths[s-1]} (the first block of every stage but the first halves H and W with stride 2), then
 * global average pooling and the logits. A block is relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)) where the
 * shortcut is the identity, or a 1x1 convolution with batch norm when the stride or the width changes.
 * Exposed block outputs are named {@code stage<s>/block<b>}; the stem's activation {@code stem/relu}.
 *
 * @param inputShape     [C, H, W]; copied
 * @param stageWidths    channels per stage, e.g. [16, 32, 64]; copied
 * @param blocksPerStage residual blocks per stage, at least 1
 * @param numClasses     K
 */
public record ResNet(int[] inputShape, int[] stageWidths, int blocksPerStage, int numClasses) implements Architecture {

    public ResNet {
        inputShape = ArchitectureChecks.inputShape("resnet", inputShape);
        if (inputShape.length != 3) {
            throw new TrainingException("resnet: expected an input shape [C, H, W], got " + Shapes.text(inputShape));
        }
        stageWidths = ArchitectureChecks.widths("resnet", stageWidths);
        if (stageWidths.length == 0 || blocksPerStage < 1) {
            throw new TrainingException("resnet: expected at least one stage and one block per stage, got "
                    + stageWidths.length + " stages and " + blocksPerStage + " blocks");
        }
        ArchitectureChecks.classes("resnet", numClasses);
    }

    /** Three stages of widths 16, 32, 64 with one block each. */
    public static ResNet small(int[] inputShape, int numClasses) {
        return new ResNet(inputShape, new int[] {16, 32, 64}, 1, numClasses);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] stageWidths() {
        return stageWidths.clone();
    }

    @Override
    public List<LayerSpec> layers() {
        List<LayerSpec> layers = new ArrayList<>();
        layers.add(new LayerSpec.Conv2d("stem/conv", inputShape[0], stageWidths[0], 3, 1, 1));
        layers.add(bn("stem/bn", stageWidths[0]));
        layers.add(new LayerSpec.Nonlinearity("stem/relu", Activation.RELU));
        int in = stageWidths[0];
        for (int s = 0; s < stageWidths.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                layers.add(block("stage" + (s + 1) + "/block" + (b + 1), in, stageWidths[s], stride));
                in = stageWidths[s];
            }
        }
        layers.add(new LayerSpec.GlobalAvgPool("pool"));
        layers.add(new LayerSpec.Dense(LOGITS, in, numClasses, WeightConstraint.NONE));
        return List.copyOf(layers);
    }

    private static LayerSpec block(String name, int in, int out, int stride) {
        List<LayerSpec> body = List.of(
                new LayerSpec.Conv2d(name + "/conv1", in, out, 3, stride, 1),
                bn(name + "/bn1", out),
                new LayerSpec.Nonlinearity(name + "/relu1", Activation.RELU),
                new LayerSpec.Conv2d(name + "/conv2", out, out, 3, 1, 1),
                bn(name + "/bn2", out));
        List<LayerSpec> shortcut = stride == 1 && in == out
                ? List.of()
                : List.of(
                        new LayerSpec.Conv2d(name + "/shortcut/conv", in, out, 1, stride, 0),
                        bn(name + "/shortcut/bn", out));
        return new LayerSpec.Residual(name, body, shortcut, Activation.RELU);
    }

    private static LayerSpec bn(String name, int channels) {
        return new LayerSpec.BatchNorm(
                name, channels, LayerSpec.BatchNorm.DEFAULT_EPSILON, LayerSpec.BatchNorm.DEFAULT_MOMENTUM);
    }

    @Override
    public String kind() {
        return "resnet";
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", kind());
        m.put("input_shape", Shapes.text(inputShape));
        m.put("stage_widths", Shapes.text(stageWidths));
        m.put("blocks_per_stage", Integer.toString(blocksPerStage));
        m.put("num_classes", Integer.toString(numClasses));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResNet r
                && Arrays.equals(inputShape, r.inputShape)
                && Arrays.equals(stageWidths, r.stageWidths)
                && blocksPerStage == r.blocksPerStage
                && numClasses == r.numClasses;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(inputShape), Arrays.hashCode(stageWidths), blocksPerStage, numClasses);
    }

    @Override
    public String toString() {
        return "ResNet" + describe();
    }
}
