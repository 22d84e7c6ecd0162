package dev.onnxinspect.onnx;

import java.util.List;
import java.util.Objects;

/**
 * The tensors of a classifier that the SPEC §5 detectors read: the logits z, the features h and the dense head
 * (W, b) that computes z from h. Made by {@link OnnxModel#classifierTensors}; immutable.
 *
 * @param logits        the tensor holding the logits ([N, K], or [N, 1] / [N] for a binary classifier with one logit)
 * @param features      the features h the detectors read (read flattened per sample), or null when there are none
 * @param head          the dense layer computing logits-like values from {@code features} (its input is
 *                      {@code features}), or null when the model has none the detectors can use
 * @param headMissing   why there is no head (one line), or null when there is one
 * @param logitsOutputs the graph outputs that hold the logits or values computed from them alone (probabilities
 *                      after a Softmax or Sigmoid, a label by ArgMax): not hidden layers
 */
public record ClassifierTensors(
        String logits, String features, DenseLayer head, String headMissing, List<String> logitsOutputs) {
    public ClassifierTensors {
        Objects.requireNonNull(logits, "logits");
        logitsOutputs = List.copyOf(logitsOutputs);
        if ((head == null) == (headMissing == null)) {
            throw new IllegalArgumentException("a classifier has a head or a reason why not, not both or neither: head "
                    + head + ", reason " + headMissing);
        }
        if (head != null && !head.inputName().equals(features)) {
            throw new IllegalArgumentException("the head " + head + " does not read the features " + features);
        }
    }
}
