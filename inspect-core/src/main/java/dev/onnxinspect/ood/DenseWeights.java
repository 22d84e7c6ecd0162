package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/** The last dense layer z = W h + b (SPEC §5) widened to float64 once, with the shape checks detectors share. */
final class DenseWeights implements Serializable {
    private final DenseLayer layer;
    private final double[] weights;
    private final double[] bias;

    DenseWeights(DenseLayer layer) {
        this.layer = Objects.requireNonNull(layer, "dense layer");
        float[] w = layer.weights();
        float[] b = layer.bias();
        this.weights = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            weights[k] = w[k];
        }
        this.bias = new double[b.length];
        for (int k = 0; k < b.length; k++) {
            bias[k] = b[k];
        }
    }

    DenseLayer layer() {
        return layer;
    }

    int out() {
        return layer.outFeatures();
    }

    int in() {
        return layer.inFeatures();
    }

    double weight(int i, int j) {
        return weights[i * in() + j];
    }

    double bias(int i) {
        return bias[i];
    }

    /** z = W x + b in float64. */
    double[] apply(double[] x) {
        return LogitMath.dense(weights, bias, x);
    }

    /** z = W' x + b with W' = W where {@code keep} is true and 0 elsewhere. */
    double[] applyMasked(boolean[] keep, double[] x) {
        int in = in();
        double[] z = new double[out()];
        for (int i = 0; i < z.length; i++) {
            double s = bias[i];
            for (int j = 0; j < in; j++) {
                if (keep[i * in + j]) {
                    s += weights[i * in + j] * x[j];
                }
            }
            z[i] = s;
        }
        return z;
    }

    /** Checks that the input's features (and logits, where present) match this layer's shape. */
    void checkInput(DetectorInput input, String who) {
        input.require(DetectorInputKind.FEATURES, who);
        if (input.featureDim() != in()) {
            throw new OodException(who + ": features have width " + input.featureDim() + " but the dense layer "
                    + layer.outputName() + " reads " + in() + " inputs; pass the input of that layer as features");
        }
        checkLogits(input, who);
    }

    /** Checks that the input's logits, where present, have one column per row of W. */
    void checkLogits(DetectorInput input, String who) {
        if (input.hasLogits() && input.classes() != out()) {
            throw new OodException(who + ": logits have width " + input.classes() + " but W of dense layer "
                    + layer.outputName() + " has " + out() + " rows; use the weights of the layer that produces "
                    + "these logits");
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeUTF(layer.outputName());
        out.writeUTF(layer.inputName());
        out.writeInt(layer.outFeatures());
        out.writeInt(layer.inFeatures());
        StateIo.writeFloats(out, layer.weights());
        StateIo.writeFloats(out, layer.bias());
    }

    static DenseWeights read(DataInputStream in) throws IOException {
        String output = in.readUTF();
        String input = in.readUTF();
        int rows = in.readInt();
        int cols = in.readInt();
        float[] w = StateIo.readFloats(in);
        float[] b = StateIo.readFloats(in);
        return new DenseWeights(new DenseLayer(output, input, rows, cols, w, b));
    }
}
