package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A LeNet-like CNN: three 3x3 convolutions (stride 1, padding 1) with {@value #F1}, {@value #F2} and {@value #F3}
 * filters, each followed by its nonlinearity, a 2x2 max-pool (stride 2) after the first two; then flatten, a dense
 * layer of {@value #HIDDEN} units with its nonlinearity (and dropout when the rate is positive), and the logits.
 * Layer names: {@code conv1/conv}, {@code conv1/relu}, {@code pool1}, ..., {@code conv3/relu}, {@code flatten},
 * {@code dense1/linear}, {@code dense1/relu}, {@code logits}. For 28x28 inputs the flattened map is 64 x 7 x 7.
 *
 * @param inputShape [C, H, W] per sample, H and W at least 4; copied
 * @param numClasses K
 * @param activation the nonlinearity after every convolution and the hidden dense layer
 * @param dropout    dropout rate after the hidden dense layer, in [0, 1)
 */
public record LeNet(int[] inputShape, int numClasses, Activation activation, double dropout) implements Architecture {
    static final int F1 = 16;
    static final int F2 = 32;
    static final int F3 = 64;
    static final int HIDDEN = 84;

    public LeNet {
        inputShape = ArchitectureChecks.inputShape("lenet", inputShape);
        if (inputShape.length != 3 || inputShape[1] < 4 || inputShape[2] < 4) {
            throw new TrainingException(
                    "lenet: expected an input shape [C, H, W] with H, W >= 4, got " + Shapes.text(inputShape));
        }
        ArchitectureChecks.classes("lenet", numClasses);
        Objects.requireNonNull(activation, "activation");
        ArchitectureChecks.dropout("lenet", dropout);
    }

    /** ReLU LeNet without dropout. */
    public static LeNet relu(int[] inputShape, int numClasses) {
        return new LeNet(inputShape, numClasses, Activation.RELU, 0.0);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public List<LayerSpec> layers() {
        List<LayerSpec> layers = new ArrayList<>();
        int[] filters = {F1, F2, F3};
        int in = inputShape[0];
        for (int i = 0; i < filters.length; i++) {
            String prefix = "conv" + (i + 1);
            layers.add(new LayerSpec.Conv2d(prefix + "/conv", in, filters[i], 3, 1, 1));
            layers.add(new LayerSpec.Nonlinearity(prefix + "/" + activation.tag(), activation));
            if (i < 2) {
                layers.add(new LayerSpec.MaxPool("pool" + (i + 1), 2, 2));
            }
            in = filters[i];
        }
        layers.add(new LayerSpec.Flatten("flatten"));
        int flat = Shapes.size(Shapes.outputShape(layers, inputShape));
        layers.add(new LayerSpec.Dense("dense1/linear", flat, HIDDEN, WeightConstraint.NONE));
        layers.add(new LayerSpec.Nonlinearity("dense1/" + activation.tag(), activation));
        if (dropout > 0) {
            layers.add(new LayerSpec.Dropout("dense1/dropout", dropout));
        }
        layers.add(new LayerSpec.Dense(LOGITS, HIDDEN, numClasses, WeightConstraint.NONE));
        return List.copyOf(layers);
    }

    @Override
    public String kind() {
        return "lenet";
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", kind());
        m.put("input_shape", Shapes.text(inputShape));
        m.put("filters", Shapes.text(new int[] {F1, F2, F3}));
        m.put("dense", Integer.toString(HIDDEN));
        m.put("activation", activation.tag());
        m.put("num_classes", Integer.toString(numClasses));
        m.put("dropout", Double.toString(dropout));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeNet l
                && Arrays.equals(inputShape, l.inputShape)
                && numClasses == l.numClasses
                && activation == l.activation
                && Double.compare(dropout, l.dropout) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(inputShape), numClasses, activation, dropout);
    }

    @Override
    public String toString() {
        return "LeNet" + describe();
    }
}
