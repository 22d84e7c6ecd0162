package dev.onnxinspect.samples.cli;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.guard.GuardOptions;
import picocli.CommandLine.Option;

/**
 * The tensors the SPEC §5 detectors read (the logits, the features h and the dense head W, b), for every command that
 * runs detectors; each is found in the graph when not given (onnx-io {@code OnnxModel.classifierTensors}).
 */
final class TensorOptions {
    @Option(
            names = "--logits",
            description = "The tensor holding the logits: [N, K], or [N, 1] / [N] for a binary"
                    + " classifier with one logit (default: the output of the model's dense head, before a final Softmax or"
                    + " Sigmoid, else its only output that can hold logits).")
    String logits;

    @Option(
            names = "--features",
            description = "The features h the feature detectors read, flattened per sample"
                    + " (default: the input of the dense head).")
    String features;

    @Option(
            names = "--head",
            description = "The dense head (its output tensor or its node) whose W, b the detectors"
                    + " read: a Gemm, MatMul (+ Add) or 1x1 Conv on global pooling reading --features, directly or through"
                    + " Flatten, Reshape or Squeeze (default: found behind the logits).")
    String head;

    Audit.Builder apply(Audit.Builder b) {
        return b.logitsOutput(logits).featureLayer(features).head(head);
    }

    GuardOptions.Builder apply(GuardOptions.Builder b) {
        return b.logitsOutput(logits).featureLayer(features).head(head);
    }
}
