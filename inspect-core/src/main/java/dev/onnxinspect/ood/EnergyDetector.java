package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/** Energy (Liu et al., SPEC §5): {@code -T * logsumexp(z / T)}, T = 1 by default. Not fitted. */
public final class EnergyDetector implements PersistentDetector {
    static final String TYPE = "energy";
    private final double temperature;

    private EnergyDetector(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new OodException("energy temperature must be positive and finite, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** Energy with T = 1, named {@code energy}. */
    public static EnergyDetector create() {
        return new EnergyDetector(1);
    }

    /** Energy with temperature T, named {@code energy}. */
    public static EnergyDetector withTemperature(double temperature) {
        return new EnergyDetector(temperature);
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public String name() {
        return "energy";
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
            scores[i] = -temperature * LogitMath.logSumExp(z, i * k, k, temperature);
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(temperature);
    }

    static EnergyDetector read(DataInputStream in) throws IOException {
        return new EnergyDetector(in.readDouble());
    }
}
