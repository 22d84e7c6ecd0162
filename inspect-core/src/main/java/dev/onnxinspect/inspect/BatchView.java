package dev.onnxinspect.inspect;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a hook sees of one batch: the inputs, the class of each sample, the requested layers' activations and the
 * logits. The arrays are shared, not copied (for speed): hooks must not change them. The activations and logits
 * usually lie in native memory that the inspection reuses for a later batch (see
 * {@link Inspection.Builder#reuseOutputMemory}): they are readable only until {@link InspectionHook#onBatch}
 * returns. A hook that keeps them must copy them inside the call ({@link LayerActivations#values()} copies them
 * into an array that stays valid, {@link LayerActivations#copy()} makes a standalone copy); a later read of
 * activations never copied throws {@link IllegalStateException} instead of returning another batch's values.
 *
 * @param batch       the input batch (with labels where the source has them)
 * @param firstSample the index of the batch's first sample in the data source (0-based, across batches)
 * @param classes     the class of each sample of the batch, from {@code classSource}, each in [0, numClasses)
 * @param classSource where {@code classes} come from
 * @param activations the requested layers' activations, by layer name, in the requested order
 * @param logits      the logits output, {@code [samples][numClasses]}; {@code [samples][1]} for a binary classifier
 *                    with one logit z (SPEC §5: K = 2 with logits (0, z))
 * @param numClasses  K, the number of logits per sample (2 for one logit)
 */
public record BatchView(
        Batch batch,
        long firstSample,
        int[] classes,
        ClassSource classSource,
        Map<String, LayerActivations> activations,
        LayerActivations logits,
        int numClasses) {
    public BatchView {
        boolean oneLogit = logits.units() == 1 && numClasses == 2;
        if (classes.length != batch.size()
                || logits.samples() != batch.size()
                || (logits.units() != numClasses && !oneLogit)) {
            throw new InspectionException("inconsistent batch view: " + batch.size() + " samples, " + classes.length
                    + " classes, logits of " + logits.samples() + " samples x " + logits.units() + " units, K = "
                    + numClasses);
        }
        activations = Collections.unmodifiableMap(new LinkedHashMap<>(activations));
    }

    /** Number of samples in the batch. */
    public int size() {
        return batch.size();
    }

    /**
     * The batch's tensor feeding the named model input (e.g. an attention mask), as the data source gave it; null
     * names the only input of a single-input batch.
     *
     * @throws dev.onnxinspect.OnnxInspectException when the batch has no tensor of that name
     */
    public InputTensor input(String name) {
        return batch.input(name);
    }

    /** The activations of one requested layer. */
    public LayerActivations layer(String name) {
        LayerActivations layer = activations.get(name);
        if (layer == null) {
            throw new InspectionException(
                    "layer " + name + " was not requested for this inspection; requested: " + activations.keySet());
        }
        return layer;
    }

    /**
     * The model's predicted class of sample i of the batch: argmax of its logits, ties to the lowest index (SPEC §5).
     * One logit z is the binary classifier (0, z): class 1 when z > 0, else class 0 (z = 0 is a tie).
     *
     * @throws InspectionException when the sample's logits contain NaN (the prediction is undefined)
     */
    public int predictedClass(int i) {
        return predictedClass(logits, i, firstSample);
    }

    static int predictedClass(LayerActivations logits, int i, long firstSample) {
        int k = logits.units();
        float[] values = logits.values();
        if (k == 1) {
            float z = values[i];
            if (Float.isNaN(z)) {
                throw new InspectionException("the logit (" + logits.layer() + ") of sample " + (firstSample + i)
                        + " is NaN, so its predicted class is undefined; check the input data and the model");
            }
            return z > 0 ? 1 : 0;
        }
        int base = i * k;
        int best = 0;
        for (int c = 0; c < k; c++) {
            float v = values[base + c];
            if (Float.isNaN(v)) {
                throw new InspectionException("the logits (" + logits.layer() + ") of sample " + (firstSample + i)
                        + " contain NaN at class " + c + ", so its predicted class is undefined; check the input"
                        + " data and the model");
            }
            if (v > values[base + best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "BatchView[samples " + firstSample + ".." + (firstSample + batch.size() - 1) + ", " + classSource
                + ", layers " + activations.keySet() + ", K = " + numClasses + "]";
    }
}
