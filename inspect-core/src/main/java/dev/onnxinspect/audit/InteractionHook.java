package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.InteractionOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPEC §3 neuron-weight interaction frequencies for chosen dense layers: each layer's accumulator reads the
 * activations of the layer's input tensor. The accumulators state and check their memory before they allocate.
 */
final class InteractionHook implements InspectionHook {
    private final Map<String, InteractionAccumulator> accumulators = new LinkedHashMap<>();
    private final Map<String, String> inputs = new LinkedHashMap<>();

    InteractionHook(List<DenseLayer> layers, InteractionOptions options) {
        for (DenseLayer d : layers) {
            accumulators.put(d.outputName(), new InteractionAccumulator(d, options));
            inputs.put(d.outputName(), d.inputName());
        }
    }

    @Override
    public void onBatch(BatchView view) {
        accumulators.forEach((layer, acc) -> acc.accept(view.classes(), view.layer(inputs.get(layer))));
    }

    Map<String, InteractionFrequencies> results() {
        Map<String, InteractionFrequencies> out = new LinkedHashMap<>();
        accumulators.forEach((layer, acc) -> out.put(layer, acc.result()));
        return out;
    }
}
