package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Entropy of the softmax (SPEC §5b): {@code -sum_c p_c ln p_c}, p = softmax(z / T), computed in log space
 * (ln p_c = z_c / T - logsumexp(z / T); a p_c that underflows to 0 adds 0, never 0 * -infinity). T = 1 for
 * {@code entropy} (not fitted) or the fitted T* of temperature scaling for {@code entropy_temperature} (see
 * {@link FittedTemperature}). Higher = more OOD.
 */
public final class EntropyDetector implements PersistentDetector {
    static final String TYPE = "entropy";

    /** Null for {@code entropy} (T = 1). */
    private final FittedTemperature fitted;

    private EntropyDetector(FittedTemperature fitted) {
        this.fitted = fitted;
    }

    /** Entropy at T = 1, named {@code entropy}. */
    public static EntropyDetector create() {
        return new EntropyDetector(null);
    }

    /**
     * A fit accumulator of T* for {@code entropy_temperature}; it keeps the fit logits (see {@link TemperatureFit} for
     * the memory).
     */
    public static Accumulator temperatureAccumulator(int classes) {
        return new Accumulator(classes);
    }

    /** The temperature the softmax is divided by: 1, or T*. */
    public double temperature() {
        return fitted == null ? 1 : fitted.temperature();
    }

    /** T* with its flag for {@code entropy_temperature}; empty for {@code entropy}. */
    public Optional<FittedTemperature> fittedTemperature() {
        return Optional.ofNullable(fitted);
    }

    @Override
    public String name() {
        return fitted == null ? "entropy" : "entropy_temperature";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        int k = input.classes();
        double t = temperature();
        float[] z = input.logitArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            int from = i * k;
            double lse = LogitMath.logSumExp(z, from, k, t);
            double h = 0;
            for (int c = 0; c < k; c++) {
                double logP = z[from + c] / t - lse;
                double p = Math.exp(logP);
                if (p > 0) {
                    h -= p * logP;
                }
            }
            scores[i] = h;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeBoolean(fitted != null);
        if (fitted != null) {
            TemperatureFit.write(out, fitted);
        }
    }

    static EntropyDetector read(DataInputStream in) throws IOException {
        return new EntropyDetector(in.readBoolean() ? TemperatureFit.read(in) : null);
    }

    /** Keeps the labelled fit logits and finds T* on {@link #result}. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<EntropyDetector>, NamedFit {
        private final TemperatureFit fit;

        private Accumulator(int classes) {
            this.fit = new TemperatureFit(classes);
        }

        @Override
        public String detectorName() {
            return "entropy_temperature";
        }

        @Override
        public void accept(DetectorInput batch) {
            fit.accept(batch, "entropy_temperature fit");
        }

        @Override
        public void merge(FitAccumulator<EntropyDetector> other) {
            if (!(other instanceof Accumulator o)) {
                throw new OodException("can only merge an entropy_temperature accumulator, got " + other);
            }
            fit.merge(o.fit, "entropy_temperature");
        }

        @Override
        public EntropyDetector result() {
            return new EntropyDetector(fit.result("entropy_temperature"));
        }
    }
}
