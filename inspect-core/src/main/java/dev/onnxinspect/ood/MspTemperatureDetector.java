package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * MSP with temperature scaling (Guo et al. 2017; SPEC §5b): {@code -max_c softmax(z / T*)_c}, T* the exact minimiser
 * of the mean NLL of softmax(z / T) at the fit labels (see {@link FittedTemperature}; clamped to [1/100, 100] and
 * flagged when the NLL has no minimum there). Named {@code msp_temperature}.
 *
 * <p>Not OpenOOD's variant: its LBFGS stops short of the NLL minimum, so its T differs; this T* is the minimiser to
 * 1e-12 relative.
 */
public final class MspTemperatureDetector implements PersistentDetector {
    static final String TYPE = "msp_temperature";

    private final FittedTemperature temperature;

    private MspTemperatureDetector(FittedTemperature temperature) {
        this.temperature = temperature;
    }

    /** A fit accumulator for K classes; it keeps the fit logits (see {@link TemperatureFit} for the memory). */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(classes);
    }

    /** T*, whether it was clamped, and the fit set size. */
    public FittedTemperature fittedTemperature() {
        return temperature;
    }

    @Override
    public String name() {
        return "msp_temperature";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    /** -exp(max_c z_c / T* - logsumexp(z / T*)). */
    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        int k = input.classes();
        double t = temperature.temperature();
        float[] z = input.logitArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int from = i * k;
            double max = z[from + LogitMath.argmax(z, from, k)] / t;
            scores[i] = -Math.exp(max - LogitMath.logSumExp(z, from, k, t));
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        TemperatureFit.write(out, temperature);
    }

    static MspTemperatureDetector read(DataInputStream in) throws IOException {
        return new MspTemperatureDetector(TemperatureFit.read(in));
    }

    /** Keeps the labelled fit logits and finds T* on {@link #result}. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<MspTemperatureDetector>, NamedFit {
        private final TemperatureFit fit;

        private Accumulator(int classes) {
            this.fit = new TemperatureFit(classes);
        }

        @Override
        public String detectorName() {
            return "msp_temperature";
        }

        @Override
        public void accept(DetectorInput batch) {
            fit.accept(batch, "msp_temperature fit");
        }

        @Override
        public void merge(FitAccumulator<MspTemperatureDetector> other) {
            if (!(other instanceof Accumulator o)) {
                throw new OodException("can only merge an msp_temperature accumulator, got " + other);
            }
            fit.merge(o.fit, "msp_temperature");
        }

        @Override
        public MspTemperatureDetector result() {
            return new MspTemperatureDetector(fit.result("msp_temperature"));
        }
    }
}
