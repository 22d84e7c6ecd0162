package dev.onnxinspect.samples.examples;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.util.SplittableRandom;

/**
 * A classifier this project did not train: random ReLU features followed by a nearest-class-mean head, built with
 * the onnx-io graph API. {@code h = relu(R x + c)} with a seeded Gaussian projection R ({@code features x inputs},
 * entries N(0, 1/inputs)) and c = 0; the head scores class k by {@code mu_k . h - ||mu_k||^2 / 2}, which ranks the
 * classes exactly as the Euclidean distance from h to the class means mu_k does (the dropped {@code ||h||^2 / 2}
 * is the same for every class). Graph: {@code input -> Gemm "features/linear" -> Relu "features/relu" -> Gemm
 * "logits"}; only the logits are an output, as in a model exported elsewhere.
 */
public final class NearestMeanModel {
    private NearestMeanModel() {}

    /** Builds the model from class means computed on {@code train} (labelled, flat samples). */
    public static OnnxModel build(InMemoryDataset train, int features, int classes, long seed) {
        int d = train.sampleSize();
        float[] r = projection(features, d, seed);
        double[][] sums = new double[classes][features];
        long[] counts = new long[classes];
        float[] h = new float[features];
        for (int i = 0; i < train.size(); i++) {
            hidden(r, train.sample(i), features, d, h);
            int c = train.label(i);
            counts[c]++;
            for (int j = 0; j < features; j++) {
                sums[c][j] += h[j];
            }
        }
        float[] w = new float[classes * features];
        float[] b = new float[classes];
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new OnnxInspectException("class " + c + " has no training sample; every class needs one: give"
                        + " a training set with samples of all " + classes + " classes");
            }
            double norm = 0;
            for (int j = 0; j < features; j++) {
                double mu = sums[c][j] / counts[c];
                w[c * features + j] = (float) mu;
                norm += mu * mu;
            }
            b[c] = (float) (-norm / 2);
        }
        GraphBuilder g = GraphBuilder.create("nearest-class-mean")
                .producer("onnx-inspect example", "1")
                .metadata("description", "random ReLU features + nearest class mean, built with the graph API");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(d)));
        String z = g.gemm(
                "features/linear",
                x,
                g.addInitializer("R", r, features, d),
                g.addInitializer("c", new float[features], features),
                true);
        String relu = g.relu("features/relu", z);
        g.gemm("logits", relu, g.addInitializer("W", w, classes, features), g.addInitializer("b", b, classes), true);
        g.output("logits");
        return g.build();
    }

    /** The seeded projection, row-major {@code features x inputs}. */
    static float[] projection(int features, int inputs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] r = new float[features * inputs];
        double scale = 1 / Math.sqrt(inputs);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (gaussian(random) * scale);
        }
        return r;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** relu(R x) in float32 accumulated in double, as close to ONNX Runtime as needed for class means. */
    static void hidden(float[] r, float[] x, int features, int d, float[] out) {
        for (int j = 0; j < features; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += (double) r[j * d + k] * x[k];
            }
            out[j] = (float) Math.max(0, s);
        }
    }
}
