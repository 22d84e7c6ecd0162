package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * MSP (Hendrycks &amp; Gimpel) and ODIN's temperature part (SPEC §5): {@code -max_c softmax(z / T)_c}, with T = 1
 * for MSP and T = 1000 for ODIN. Not fitted. ODIN's input perturbation is not part of this score (it needs
 * gradients through the model).
 */
public final class MaxSoftmaxDetector implements PersistentDetector {
    static final String TYPE = "max_softmax";
    private final String name;
    private final double temperature;

    private MaxSoftmaxDetector(String name, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new OodException("softmax temperature must be positive and finite, got " + temperature);
        }
        this.name = name;
        this.temperature = temperature;
    }

    /** MSP: T = 1, named {@code msp}. */
    public static MaxSoftmaxDetector msp() {
        return new MaxSoftmaxDetector("msp", 1);
    }

    /** ODIN's temperature scaling with the SPEC default T = 1000, named {@code odin}. */
    public static MaxSoftmaxDetector odin() {
        return odin(1000);
    }

    /** ODIN's temperature scaling with temperature T, named {@code odin}. */
    public static MaxSoftmaxDetector odin(double temperature) {
        return new MaxSoftmaxDetector("odin", temperature);
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    /** -exp(max_c z_c / T - logsumexp(z / T)), the largest softmax probability, negated. */
    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name);
        int k = input.classes();
        float[] z = input.logitArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int from = i * k;
            double max = z[from + LogitMath.argmax(z, from, k)] / temperature;
            scores[i] = -Math.exp(max - LogitMath.logSumExp(z, from, k, temperature));
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeUTF(name);
        out.writeDouble(temperature);
    }

    static MaxSoftmaxDetector read(DataInputStream in) throws IOException {
        return new MaxSoftmaxDetector(in.readUTF(), in.readDouble());
    }
}
