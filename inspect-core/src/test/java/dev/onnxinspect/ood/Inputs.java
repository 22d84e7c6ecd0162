package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;

/** Small builders for hand-made detector inputs. */
final class Inputs {
    private Inputs() {}

    static DetectorInput logits(float[]... rows) {
        return DetectorInput.builder(rows.length).logits(rows).build();
    }

    static DetectorInput features(float[]... rows) {
        return DetectorInput.builder(rows.length).features(rows).build();
    }

    static DetectorInput logitsAndFeatures(float[][] logits, float[][] features) {
        return DetectorInput.builder(logits.length)
                .logits(logits)
                .features(features)
                .build();
    }

    static DetectorInput labelledFeatures(int[] labels, float[]... rows) {
        return DetectorInput.builder(rows.length).features(rows).labels(labels).build();
    }

    static LayerActivations layer(String name, float[]... rows) {
        int units = rows[0].length;
        float[] flat = new float[rows.length * units];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * units, units);
        }
        return new LayerActivations(name, flat, rows.length, new int[] {units});
    }

    /** A dense layer from rows of W and the bias. */
    static DenseLayer dense(float[][] w, float[] b) {
        int out = w.length;
        int in = w[0].length;
        float[] flat = new float[out * in];
        for (int i = 0; i < out; i++) {
            System.arraycopy(w[i], 0, flat, i * in, in);
        }
        return new DenseLayer("logits", "penultimate", out, in, flat, b);
    }

    static float[] row(double... values) {
        float[] r = new float[values.length];
        for (int k = 0; k < values.length; k++) {
            r[k] = (float) values[k];
        }
        return r;
    }
}
