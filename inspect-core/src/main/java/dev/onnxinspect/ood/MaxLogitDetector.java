package dev.onnxinspect.ood;

import java.io.DataOutputStream;
import java.util.Set;

/** MaxLogit (SPEC §5): {@code -max_c z_c}. Not fitted. */
public final class MaxLogitDetector implements PersistentDetector {
    static final String TYPE = "max_logit";

    /** The detector, named {@code max_logit}. */
    public static MaxLogitDetector create() {
        return new MaxLogitDetector();
    }

    private MaxLogitDetector() {}

    @Override
    public String name() {
        return "max_logit";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        int k = input.classes();
        float[] z = input.logitArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -(double) z[i * k + LogitMath.argmax(z, i * k, k)];
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
