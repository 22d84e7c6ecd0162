package dev.onnxinspect.onnx;

import java.util.List;
import java.util.Objects;

/**
 * A model rewritten to expose intermediate tensors as graph outputs (SPEC: our "hooks").
 *
 * @param model           the rewritten model: its outputs are {@code originalOutputs} then {@code addedOutputs}
 * @param originalOutputs the original graph outputs, in their original order, unchanged
 * @param addedOutputs    the tensors added as outputs, in topological order
 * @param selected        every tensor the selectors chose, in topological order, including those that already
 *                        were graph outputs (and were therefore not added again)
 */
public record InstrumentedModel(
        OnnxModel model, List<String> originalOutputs, List<String> addedOutputs, List<String> selected) {
    public InstrumentedModel {
        Objects.requireNonNull(model, "model");
        originalOutputs = List.copyOf(originalOutputs);
        addedOutputs = List.copyOf(addedOutputs);
        selected = List.copyOf(selected);
    }
}
