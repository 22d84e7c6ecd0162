package dev.onnxinspect.onnx;

import dev.onnxinspect.OnnxInspectException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The weights of a dense layer {@code z = W x + b} found in an ONNX graph (a {@code Gemm}, or a {@code MatMul}
 * followed by an {@code Add}, with initializer operands).
 *
 * @param outputName  the tensor the layer produces (z, before any activation)
 * @param inputName   the tensor the layer reads (x)
 * @param outFeatures n_out, the number of rows of W
 * @param inFeatures  n_in, the number of columns of W
 * @param weights     W as n_out x n_in, row-major (W[i][j] = weights[i * inFeatures + j]); copied
 * @param bias        b of length n_out (zeros when the graph has none); copied
 */
public record DenseLayer(
        String outputName, String inputName, int outFeatures, int inFeatures, float[] weights, float[] bias)
        implements Serializable {
    public DenseLayer {
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(inputName, "inputName");
        if (outFeatures <= 0 || inFeatures <= 0) {
            throw new OnnxInspectException(
                    "dense layer " + outputName + ": shape must be positive, got " + outFeatures + " x " + inFeatures);
        }
        if (weights.length != (long) outFeatures * inFeatures) {
            throw new OnnxInspectException("dense layer " + outputName + ": expected " + outFeatures + " x "
                    + inFeatures + " = " + (long) outFeatures * inFeatures + " weights, got " + weights.length);
        }
        if (bias.length != outFeatures) {
            throw new OnnxInspectException(
                    "dense layer " + outputName + ": expected " + outFeatures + " biases, got " + bias.length);
        }
        weights = weights.clone();
        bias = bias.clone();
    }

    /** W[i][j]: the weight from input j to output i. */
    public float weight(int i, int j) {
        return weights[i * inFeatures + j];
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseLayer d
                && outputName.equals(d.outputName)
                && inputName.equals(d.inputName)
                && outFeatures == d.outFeatures
                && inFeatures == d.inFeatures
                && Arrays.equals(weights, d.weights)
                && Arrays.equals(bias, d.bias);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                outputName, inputName, outFeatures, inFeatures, Arrays.hashCode(weights), Arrays.hashCode(bias));
    }

    @Override
    public String toString() {
        return "DenseLayer[" + outputName + " = W(" + outFeatures + "x" + inFeatures + ") " + inputName + " + b]";
    }
}
