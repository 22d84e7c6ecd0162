package dev.onnxinspect.trainers.arch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The IOC network of SPEC §11: a dense stack with ELU activations in which every dense layer but the first
 * (including the logits layer) multiplies with w' = exp(w - 5) where the raw weight w &lt; 0 and w' = w otherwise
 * ({@link WeightConstraint#IOC_EXP_NEGATIVE}). Layer names as in {@link Mlp} ({@code dense1/linear},
 * {@code dense1/elu}, ..., {@code logits}).
 *
 * @param inputShape   per-sample input shape; copied
 * @param hiddenWidths hidden widths (at least one, otherwise no layer would be constrained); copied
 * @param numClasses   K
 */
public record IocMlp(int[] inputShape, int[] hiddenWidths, int numClasses) implements Architecture {

    public IocMlp {
        inputShape = ArchitectureChecks.inputShape("ioc", inputShape);
        hiddenWidths = ArchitectureChecks.widths("ioc", hiddenWidths);
        if (hiddenWidths.length == 0) {
            throw new dev.onnxinspect.trainers.TrainingException("ioc: expected at least one hidden layer (the "
                    + "first layer is unconstrained, so without hidden layers the network is not IOC)");
        }
        ArchitectureChecks.classes("ioc", numClasses);
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
        return Mlp.denseStack(inputShape, hiddenWidths, Activation.ELU, 0.0, numClasses, true);
    }

    @Override
    public String kind() {
        return "ioc";
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", kind());
        m.put("input_shape", Shapes.text(inputShape));
        m.put("hidden_widths", Shapes.text(hiddenWidths));
        m.put("activation", Activation.ELU.tag());
        m.put("num_classes", Integer.toString(numClasses));
        m.put("weight_constraint", "w' = exp(w - 5) if w < 0 else w, all dense layers but the first");
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IocMlp m
                && Arrays.equals(inputShape, m.inputShape)
                && Arrays.equals(hiddenWidths, m.hiddenWidths)
                && numClasses == m.numClasses;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(inputShape), Arrays.hashCode(hiddenWidths), numClasses);
    }

    @Override
    public String toString() {
        return "IocMlp" + describe();
    }
}
