package dev.onnxinspect.ood;

import java.io.DataOutputStream;
import java.util.Set;

/**
 * GradNorm, last-layer analytic form (SPEC §5): {@code -(sum_c |p_c - 1/K|) * (sum_j |h_j|)} with p = softmax(z)
 * and h the input of the last dense layer. It is the L1 norm of the gradient of KL(uniform || p) with respect to W,
 * negated so that higher = more OOD. Not fitted.
 */
public final class GradNormDetector implements PersistentDetector {
    static final String TYPE = "gradnorm";

    /** The detector, named {@code gradnorm}. */
    public static GradNormDetector create() {
        return new GradNormDetector();
    }

    private GradNormDetector() {}

    @Override
    public String name() {
        return "gradnorm";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        input.require(DetectorInputKind.FEATURES, name());
        int k = input.classes();
        int d = input.featureDim();
        float[] z = input.logitArray();
        float[] h = input.featureArray();
        double[] p = new double[k];
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            LogitMath.softmax(z, i * k, k, 1, p);
            double u = 0;
            for (int c = 0; c < k; c++) {
                u += Math.abs(p[c] - 1.0 / k);
            }
            double v = 0;
            for (int j = 0; j < d; j++) {
                v += Math.abs((double) h[i * d + j]);
            }
            scores[i] = -u * v;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) {
        // no parameters
    }
}
