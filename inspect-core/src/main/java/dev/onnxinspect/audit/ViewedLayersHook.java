package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.SequenceMask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands another hook each batch with some layers seen through their neuron views ({@link NeuronView#apply}:
 * {@code [N, neurons]} in a new array), the others as they are: so that the SPEC §5 per-layer detectors (NAP
 * Hamming, activation-profile KL, pattern distance) read the same neurons as the layer statistics (S1 of the channel
 * means of a conv layer, of the masked means of a sequence layer). Stateless apart from the wrapped hook.
 */
final class ViewedLayersHook implements InspectionHook {
    private final InspectionHook inner;
    private final Map<String, NeuronView> views;
    private final String maskInput;

    /**
     * @param views     the layers to view and their (non-FLATTENED) views; empty: batches pass unchanged
     * @param maskInput the batch input holding the attention mask (for MASKED_MEAN layers), or null
     */
    ViewedLayersHook(InspectionHook inner, Map<String, NeuronView> views, String maskInput) {
        this.inner = inner;
        this.views = new LinkedHashMap<>(views);
        this.maskInput = maskInput;
    }

    @Override
    public void onBatch(BatchView view) {
        if (views.isEmpty()) {
            inner.onBatch(view);
            return;
        }
        SequenceMask mask = views.containsValue(NeuronView.MASKED_MEAN) ? StatsHook.batchMask(view, maskInput) : null;
        Map<String, LayerActivations> viewed = new LinkedHashMap<>(view.activations());
        views.forEach((layer, v) -> viewed.put(layer, v.apply(view.layer(layer), mask)));
        inner.onBatch(new BatchView(
                view.batch(),
                view.firstSample(),
                view.classes(),
                view.classSource(),
                viewed,
                view.logits(),
                view.numClasses()));
    }
}
