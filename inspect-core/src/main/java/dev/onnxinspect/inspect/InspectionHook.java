package dev.onnxinspect.inspect;

/**
 * Receives every batch of an inspection, in sample order, each exactly once (e.g. a statistics accumulator).
 * Hooks run one after another on the thread that called {@link Inspection#run}, never concurrently, while ONNX
 * Runtime already computes the next batch. An exception thrown by a hook stops the inspection and is rethrown
 * unchanged by {@link Inspection#run}. The activations in the view are valid during the call only (see
 * {@link BatchView}): copy what you keep.
 */
@FunctionalInterface
public interface InspectionHook {
    void onBatch(BatchView view);
}
