package dev.onnxinspect.trainers.arch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multilayer perceptron: an optional flatten (when the input has more than one axis), then for each hidden width
 * i = 1..D a dense layer {@code dense<i>/linear}, its nonlinearity {@code dense<i>/<activation>} (e.g.
 * {@code dense1/relu}) and, when the dropout rate is positive, {@code dense<i>/dropout}; then the dense layer
 * {@code logits}.
 *
 * @param inputShape   per-sample input shape, e.g. [784] or [1, 28, 28]; copied
 * @param hiddenWidths the width of each hidden layer (any depth, possibly none); copied
 * @param activation   the hidden nonlinearity
 * @param numClasses   K
 * @param dropout      dropout rate after each hidden nonlinearity, in [0, 1)
 */
public record Mlp(int[] inputShape, int[] hiddenWidths, Activation activation, int numClasses, double dropout)
        implements Architecture {

    public Mlp {
        inputShape = ArchitectureChecks.inputShape("mlp", inputShape);
        hiddenWidths = ArchitectureChecks.widths("mlp", hiddenWidths);
        Objects.requireNonNull(activation, "activation");
        ArchitectureChecks.classes("mlp", numClasses);
        ArchitectureChecks.dropout("mlp", dropout);
    }

    /** A ReLU MLP without dropout, e.g. {@code Mlp.relu(784, 10, 256, 128)} for 784-256-128-10. */
    public static Mlp relu(int inputSize, int numClasses, int... hiddenWidths) {
        return new Mlp(new int[] {inputSize}, hiddenWidths, Activation.RELU, numClasses, 0.0);
    }

    /** The same MLP with another dropout rate. */
    public Mlp withDropout(double rate) {
        return new Mlp(inputShape, hiddenWidths, activation, numClasses, rate);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    @Override
    public List<LayerSpec> layers() {
        return denseStack(inputShape, hiddenWidths, activation, dropout, numClasses, false);
    }

    @Override
    public String kind() {
        return "mlp";
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", kind());
        m.put("input_shape", Shapes.text(inputShape));
        m.put("hidden_widths", Shapes.text(hiddenWidths));
        m.put("activation", activation.tag());
        m.put("num_classes", Integer.toString(numClasses));
        m.put("dropout", Double.toString(dropout));
        return m;
    }

    /** The layers of a dense stack; {@code ioc} constrains every dense layer but the first. */
    static List<LayerSpec> denseStack(
            int[] inputShape, int[] widths, Activation activation, double dropout, int numClasses, boolean ioc) {
        List<LayerSpec> layers = new ArrayList<>();
        int in = Shapes.size(inputShape);
        if (inputShape.length > 1) {
            layers.add(new LayerSpec.Flatten("flatten"));
        }
        for (int i = 0; i < widths.length; i++) {
            String prefix = "dense" + (i + 1);
            WeightConstraint constraint = ioc && i > 0 ? WeightConstraint.IOC_EXP_NEGATIVE : WeightConstraint.NONE;
            layers.add(new LayerSpec.Dense(prefix + "/linear", in, widths[i], constraint));
            layers.add(new LayerSpec.Nonlinearity(prefix + "/" + activation.tag(), activation));
            if (dropout > 0) {
                layers.add(new LayerSpec.Dropout(prefix + "/dropout", dropout));
            }
            in = widths[i];
        }
        WeightConstraint last = ioc && widths.length > 0 ? WeightConstraint.IOC_EXP_NEGATIVE : WeightConstraint.NONE;
        layers.add(new LayerSpec.Dense(LOGITS, in, numClasses, last));
        return List.copyOf(layers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mlp m
                && Arrays.equals(inputShape, m.inputShape)
                && Arrays.equals(hiddenWidths, m.hiddenWidths)
                && activation == m.activation
                && numClasses == m.numClasses
                && Double.compare(dropout, m.dropout) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(inputShape), Arrays.hashCode(hiddenWidths), activation, numClasses, dropout);
    }

    @Override
    public String toString() {
        return "Mlp" + describe();
    }
}
